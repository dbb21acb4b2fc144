package dev.pointsman.cli;

import dev.pointsman.core.eval.LearningCurve;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Lift over the trend against the support size (log scale), one line per router, ± std bars. */
final class LearningCurvePlot {
    private LearningCurvePlot() {}

    static void write(List<LearningCurve.Point> points, String title, String metric, Path png)
            throws IOException {
        LinePlot.write(
                points.stream()
                        .map(
                                p ->
                                        new LinePlot.Point(
                                                p.router(), p.size(), p.meanLift(), p.stdLift()))
                        .toList(),
                title,
                "support examples",
                "lift over the global trend (" + metric + ")",
                "%+.1f",
                true,
                png);
    }
}

package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.core.monitor.ShadowRow;
import dev.pointsman.core.monitor.WindowQuality;
import dev.pointsman.schemas.ModelMean;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A replayed decision next to every model's true outcome, which a benchmark knows and a live pool
 * does not: the replay can score every query, not only the explored ones the live windows see.
 *
 * @param ts the query's event time (the windows' clock)
 * @param row the decision's predictions and the row's true outcomes, for the predicted models
 * @param index the query's place in the replay (the same query has the same place in every replay
 *     of the same traffic), -1 where unknown
 * @param afterShift whether the query was sent after the traffic shifted
 */
public record Judged(long ts, ShadowRow row, int index, boolean afterShift) {

    public Judged(long ts, ShadowRow row) {
        this(ts, row, -1, false);
    }

    /**
     * The decision judged against the row's true outcomes, each named model's true cost times its
     * factor (a price change).
     */
    static Judged of(
            RoutingDecision d,
            Benchmark data,
            BenchmarkRow truth,
            Map<String, Double> factors,
            int index,
            boolean afterShift) {
        Map<String, double[]> predicted = new HashMap<>();
        Map<String, double[]> observed = new HashMap<>();
        for (ModelPrediction p : d.getPredictions()) {
            int m = data.models().indexOf(p.getModel());
            if (m >= 0) {
                predicted.put(p.getModel(), new double[] {p.getScore(), p.getCost()});
                observed.put(
                        p.getModel(),
                        new double[] {
                            truth.scores()[m],
                            (truth.costs() == null ? 0 : truth.costs()[m])
                                    * factors.getOrDefault(p.getModel(), 1.0)
                        });
            }
        }
        return new Judged(
                d.getTs().toEpochMilli(), new ShadowRow(predicted, observed), index, afterShift);
    }

    /**
     * The window's quality on every decided query whose event time falls in it, against the same
     * global trend the live window was compared with; null without such a query.
     */
    public static @Nullable WindowQuality of(WindowMetrics w, List<Judged> judged) {
        long start = w.getWindowStart().toEpochMilli();
        long end = w.getWindowEnd().toEpochMilli();
        List<ShadowRow> rows = new ArrayList<>();
        for (Judged j : judged) {
            if (j.ts() >= start && j.ts() < end) {
                rows.add(j.row());
            }
        }
        Map<String, double[]> trend = new HashMap<>();
        for (Map.Entry<String, ModelMean> e : w.getTrend().entrySet()) {
            trend.put(e.getKey(), new double[] {e.getValue().getScore(), e.getValue().getCost()});
        }
        return WindowQuality.of(rows, trend);
    }
}

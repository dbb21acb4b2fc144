package dev.pointsman.core.eval;

import dev.pointsman.core.eval.ParetoAuc.Point;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Results of an offline evaluation.
 *
 * @param metric {@code auc} (Pareto-AUC) or {@code accuracy} (quality-only data), both 0–100
 * @param rows row names in display order: the reference rows, then the routers
 * @param datasets per evaluated test set, in display order
 */
public record EvalReport(
        String metric,
        List<String> models,
        List<String> rows,
        Map<String, DatasetResult> datasets) {

    /** Reference rows every report carries. */
    public static final String ORACLE = "oracle";

    public static final String RANDOM = "random";
    public static final String GLOBAL_TREND = "global-trend";

    /**
     * @param split {@code test} or {@code ood} for data with fixed splits, else null
     * @param plot seed-0 frontiers and single-model points; null for quality-only data
     */
    public record DatasetResult(
            String name,
            @Nullable String split,
            int nTest,
            Map<String, RowResult> rows,
            @Nullable PlotData plot) {}

    /** One row's per-seed values. */
    public record RowResult(double[] quality, double[] headroom, double[] lift) {}

    /** What a Pareto plot of one test set shows (for the first seed). */
    public record PlotData(
            Map<String, List<Point>> frontiers, Map<String, Point> models, Point random) {}
}

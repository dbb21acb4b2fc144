package dev.pointsman.core.eval;

import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import org.jspecify.annotations.Nullable;

/** The headline number for a data set: Pareto-AUC when it has costs, else accuracy at λ = 0. */
public final class RoutingQuality {
    private RoutingQuality() {}

    /** Pareto-AUC (0–100) with costs, otherwise accuracy at λ = 0 (0–100 as well). */
    public static double of(Outcomes truth, Predictions predictions) {
        return of(truth, predictions, null);
    }

    /** {@link #of} with each query's weight (null: uniform). */
    public static double of(Outcomes truth, Predictions predictions, double @Nullable [] weights) {
        return truth.hasCosts()
                ? ParetoAuc.auc(truth, predictions, weights)
                : 100 * ParetoAuc.accuracyAtZero(truth, predictions, weights);
    }

    /** Name of the metric {@link #of} computes. */
    public static String metricName(boolean hasCosts) {
        return hasCosts ? "auc" : "accuracy";
    }
}

package dev.pointsman.core.monitor;

import java.util.List;
import java.util.Map;

/**
 * One query that has an observed outcome for every candidate model (a shadow-evaluated or replayed
 * query): what the router predicted for each model and what each model really scored and cost.
 *
 * @param predicted model → {ŝ, ĉ}
 * @param observed model → {s, c}
 * @param weight the query's weight in the window's means: 1/p for a query the router explored with
 *     probability p (its inverse propensity), 1 for one the gateway observed in full on its own
 */
public record ShadowRow(
        Map<String, double[]> predicted, Map<String, double[]> observed, double weight) {
    /** A row of weight 1. */
    public ShadowRow(Map<String, double[]> predicted, Map<String, double[]> observed) {
        this(predicted, observed, 1.0);
    }

    /**
     * The row of a query observed in full, weighted by its inverse exploration propensity when the
     * router explored it.
     *
     * @param explored whether the decision picked the query for exploration
     * @param probability the decision's exploration probability
     */
    public static ShadowRow of(
            Map<String, double[]> predicted,
            Map<String, double[]> observed,
            boolean explored,
            double probability) {
        return new ShadowRow(
                predicted, observed, explored && probability > 0 ? 1.0 / probability : 1.0);
    }

    public ShadowRow {
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be finite and > 0, got " + weight);
        }
        predicted = Map.copyOf(predicted);
        observed = Map.copyOf(observed);
        for (Map.Entry<String, double[]> e : predicted.entrySet()) {
            checkPair("prediction", e.getKey(), e.getValue());
            if (!observed.containsKey(e.getKey())) {
                throw new IllegalArgumentException("no observed outcome for " + e.getKey());
            }
        }
        observed.forEach((model, pair) -> checkPair("outcome", model, pair));
    }

    /** Models that were both predicted and observed, in name order. */
    public List<String> models() {
        return predicted.keySet().stream().sorted().toList();
    }

    private static void checkPair(String what, String model, double[] pair) {
        if (pair.length != 2 || !Double.isFinite(pair[0]) || !Double.isFinite(pair[1])) {
            throw new IllegalArgumentException(
                    what + " for " + model + " must be a finite {score, cost} pair");
        }
    }
}

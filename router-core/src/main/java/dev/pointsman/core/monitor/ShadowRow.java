package dev.pointsman.core.monitor;

import java.util.List;
import java.util.Map;

/**
 * One query that has an observed outcome for every candidate model (a shadow-evaluated or replayed
 * query): what the router predicted for each model and what each model really scored and cost.
 *
 * @param predicted model → {ŝ, ĉ}
 * @param observed model → {s, c}
 */
public record ShadowRow(Map<String, double[]> predicted, Map<String, double[]> observed) {
    public ShadowRow {
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

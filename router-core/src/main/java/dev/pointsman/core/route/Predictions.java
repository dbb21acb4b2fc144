package dev.pointsman.core.route;

import org.jspecify.annotations.Nullable;

/**
 * Predicted quality ŝ and cost ĉ per query and model, in the outcomes' model order.
 *
 * @param costs null when the data has no costs
 */
public record Predictions(double[][] scores, double @Nullable [][] costs) {

    public int size() {
        return scores.length;
    }
}

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

    /** The rows at {@code rows}, in that order (rows are shared, not copied). */
    public Predictions select(int[] rows) {
        double[][] s = new double[rows.length][];
        double[][] c = costs == null ? null : new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            s[i] = scores[rows[i]];
            if (c != null) {
                c[i] = costs[rows[i]];
            }
        }
        return new Predictions(s, c);
    }
}

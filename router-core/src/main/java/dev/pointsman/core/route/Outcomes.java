package dev.pointsman.core.route;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Observed outcomes of queries on models: {@code scores[i][m]} and {@code costs[i][m]}, with NaN
 * where query {@code i} has no outcome for model {@code m} (live feedback is partial). Models are
 * in name order; that order breaks ties everywhere.
 *
 * @param costs null for quality-only data
 */
public record Outcomes(List<String> models, double[][] scores, double @Nullable [][] costs) {

    public Outcomes {
        models = List.copyOf(models);
        Objects.requireNonNull(scores, "scores");
        for (double[] row : scores) {
            if (row.length != models.size()) {
                throw new IllegalArgumentException(
                        "a score row has " + row.length + " models, expected " + models.size());
            }
        }
        if (costs != null) {
            if (costs.length != scores.length) {
                throw new IllegalArgumentException(
                        "costs have " + costs.length + " rows, scores " + scores.length);
            }
            for (double[] row : costs) {
                if (row.length != models.size()) {
                    throw new IllegalArgumentException(
                            "a cost row has " + row.length + " models, expected " + models.size());
                }
            }
        }
    }

    public int size() {
        return scores.length;
    }

    public int modelCount() {
        return models.size();
    }

    public boolean hasCosts() {
        return costs != null;
    }

    /** The rows at {@code indices}, in that order (rows are shared, not copied). */
    public Outcomes select(int[] indices) {
        double[][] s = new double[indices.length][];
        double[][] c = costs == null ? null : new double[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            s[i] = scores[indices[i]];
            if (c != null) {
                c[i] = costs[indices[i]];
            }
        }
        return new Outcomes(models, s, c);
    }
}

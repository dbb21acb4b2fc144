package dev.pointsman.core.data;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One benchmark prompt with every model's outcome. {@code scores[m]} and {@code costs[m]} follow
 * the model order of the {@link Benchmark} the row belongs to.
 *
 * @param split {@code train}, {@code test} or {@code ood} when the file fixes the split
 * @param costs USD per query, or null for quality-only data
 */
public record BenchmarkRow(
        String id,
        String dataset,
        String prompt,
        @Nullable String split,
        double[] scores,
        @Nullable double[] costs) {

    public BenchmarkRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(scores, "scores");
        if (costs != null && costs.length != scores.length) {
            throw new IllegalArgumentException(
                    "costs and scores differ in length: " + costs.length + " != " + scores.length);
        }
    }

    /** This row without model column {@code m} (its scores and costs). */
    public BenchmarkRow withoutColumn(int m) {
        return new BenchmarkRow(
                id, dataset, prompt, split, drop(scores, m), costs == null ? null : drop(costs, m));
    }

    private static double[] drop(double[] x, int m) {
        double[] out = new double[x.length - 1];
        System.arraycopy(x, 0, out, 0, m);
        System.arraycopy(x, m + 1, out, m, x.length - m - 1);
        return out;
    }
}

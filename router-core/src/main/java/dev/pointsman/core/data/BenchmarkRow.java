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
}

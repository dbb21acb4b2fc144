package dev.pointsman.core.eval;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.TrainingSet;
import dev.pointsman.core.vector.VectorSet;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A benchmark with one embedding per row: everything an offline evaluation needs. */
public record EvalData(
        List<String> ids,
        List<String> datasets,
        List<@Nullable String> splits,
        VectorSet vectors,
        Outcomes outcomes) {

    public EvalData {
        int n = ids.size();
        if (datasets.size() != n
                || splits.size() != n
                || vectors.size() != n
                || outcomes.size() != n) {
            throw new IllegalArgumentException(
                    "ids, datasets, splits, vectors and outcomes differ in size");
        }
    }

    /** Joins a benchmark with its row embeddings (in row order). */
    public static EvalData of(Benchmark benchmark, List<float[]> embeddings) {
        List<BenchmarkRow> rows = benchmark.rows();
        if (embeddings.size() != rows.size()) {
            throw new IllegalArgumentException(
                    embeddings.size() + " embeddings for " + rows.size() + " rows");
        }
        List<String> ids = new ArrayList<>();
        List<String> datasets = new ArrayList<>();
        List<String> splits = new ArrayList<>();
        double[][] scores = new double[rows.size()][];
        double[][] costs = benchmark.hasCosts() ? new double[rows.size()][] : null;
        for (int i = 0; i < rows.size(); i++) {
            BenchmarkRow row = rows.get(i);
            ids.add(row.id());
            datasets.add(row.dataset());
            splits.add(row.split());
            scores[i] = row.scores();
            if (costs != null) {
                costs[i] = row.costs();
            }
        }
        return new EvalData(
                ids,
                datasets,
                splits,
                VectorSet.ofNormalized(embeddings),
                new Outcomes(benchmark.models(), scores, costs));
    }

    public int size() {
        return ids.size();
    }

    /** The vectors and outcomes of {@code rows}, in that order. */
    public TrainingSet trainingSet(int[] rows) {
        return new TrainingSet(vectors.select(rows), outcomes.select(rows));
    }

    /** Whether every row carries a train/test/ood split of its own. */
    public boolean hasFixedSplits() {
        return splits.stream().allMatch(s -> s != null);
    }
}

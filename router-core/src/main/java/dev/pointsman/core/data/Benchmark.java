package dev.pointsman.core.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A loaded benchmark: models in name order (the order ties are broken in) and the rows.
 *
 * @param hasCosts whether every row carries costs; false means quality-only data
 */
public record Benchmark(List<String> models, List<BenchmarkRow> rows, boolean hasCosts) {

    public Benchmark {
        models = List.copyOf(models);
        rows = List.copyOf(rows);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a benchmark needs at least one model");
        }
    }

    /** Dataset names in order of first appearance. */
    public List<String> datasets() {
        Set<String> names = new LinkedHashSet<>();
        for (BenchmarkRow row : rows) {
            names.add(row.dataset());
        }
        return new ArrayList<>(names);
    }

    /** Whether rows carry a fixed {@code split} (as RouterDC's train/test/ood files do). */
    public boolean hasFixedSplits() {
        return !rows.isEmpty() && rows.stream().allMatch(r -> r.split() != null);
    }

    /** The rows of the named datasets, keeping file order; unknown names are an error. */
    public Benchmark onlyDatasets(List<String> names) {
        List<String> known = datasets();
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown dataset '" + name + "'; the data has " + known);
            }
        }
        List<BenchmarkRow> kept = rows.stream().filter(r -> names.contains(r.dataset())).toList();
        return new Benchmark(models, kept, hasCosts);
    }

    /**
     * The benchmark as if {@code model} did not exist: its column left out of every row (for a
     * model that joins a pool later).
     */
    public Benchmark withoutModel(String model) {
        int m = models.indexOf(model);
        if (m < 0) {
            throw new IllegalArgumentException(
                    "unknown model '" + model + "'; the data has " + models);
        }
        if (models.size() == 1) {
            throw new IllegalArgumentException("cannot leave out the only model");
        }
        List<String> kept = new ArrayList<>(models);
        kept.remove(m);
        return new Benchmark(kept, rows.stream().map(r -> r.withoutColumn(m)).toList(), hasCosts);
    }
}

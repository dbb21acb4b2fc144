package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * How a replay uses a benchmark: rows that seed the support set, traffic before a shift, and
 * traffic after it (empty without a shift).
 */
public record TrafficSplit(
        List<BenchmarkRow> seed, List<BenchmarkRow> before, List<BenchmarkRow> after) {

    /**
     * Per dataset, a seeded shuffle cut into seed rows ({@code seedShare} of it) and traffic; the
     * dataset {@code shiftTo}, if given, never seeds and is all traffic after the shift.
     */
    public static TrafficSplit byDataset(
            Benchmark data, @Nullable String shiftTo, double seedShare, long seed) {
        if (!(seedShare > 0 && seedShare < 1)) {
            throw new IllegalArgumentException("--seed-share must be in (0, 1), got " + seedShare);
        }
        List<String> datasets = data.datasets();
        if (shiftTo != null && !datasets.contains(shiftTo)) {
            throw new IllegalArgumentException(
                    "--shift-to " + shiftTo + " is not a dataset of the data: " + datasets);
        }
        if (shiftTo != null && datasets.size() < 2) {
            throw new IllegalArgumentException("a shift needs data with at least two datasets");
        }
        Random random = new Random(seed);
        List<BenchmarkRow> seedRows = new ArrayList<>();
        List<BenchmarkRow> before = new ArrayList<>();
        List<BenchmarkRow> after = new ArrayList<>();
        for (String dataset : datasets) {
            List<BenchmarkRow> rows =
                    new ArrayList<>(
                            data.rows().stream().filter(r -> r.dataset().equals(dataset)).toList());
            Collections.shuffle(rows, random);
            if (dataset.equals(shiftTo)) {
                after.addAll(rows);
                continue;
            }
            int cut = (int) Math.round(rows.size() * seedShare);
            seedRows.addAll(rows.subList(0, cut));
            before.addAll(rows.subList(cut, rows.size()));
        }
        Collections.shuffle(before, random);
        Collections.shuffle(after, random);
        return new TrafficSplit(seedRows, before, after);
    }

    /** The data's fixed splits: seed from train, before from test, after from ood. */
    public static TrafficSplit byFixedSplits(Benchmark data) {
        List<BenchmarkRow> seedRows = new ArrayList<>();
        List<BenchmarkRow> before = new ArrayList<>();
        List<BenchmarkRow> after = new ArrayList<>();
        for (BenchmarkRow r : data.rows()) {
            switch (r.split() == null ? "" : r.split()) {
                case "train" -> seedRows.add(r);
                case "test" -> before.add(r);
                case "ood" -> after.add(r);
                default -> {}
            }
        }
        return new TrafficSplit(seedRows, before, after);
    }

    /** At most this many rows of each part (a seeded sample). */
    public TrafficSplit capped(int maxSeed, int maxBefore, int maxAfter, long seed) {
        Random random = new Random(seed);
        return new TrafficSplit(
                cap(seed(), maxSeed, random),
                cap(before(), maxBefore, random),
                cap(after(), maxAfter, random));
    }

    private static List<BenchmarkRow> cap(List<BenchmarkRow> rows, int max, Random random) {
        List<BenchmarkRow> copy = new ArrayList<>(rows);
        Collections.shuffle(copy, random);
        return List.copyOf(copy.subList(0, Math.min(max, copy.size())));
    }
}

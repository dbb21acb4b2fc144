package dev.pointsman.cli;

import dev.pointsman.cli.demo.Replayer;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import picocli.CommandLine.Option;

/** What to replay and how: shared by {@code pointsman demo} and {@code pointsman replay}. */
final class ReplayOptions {
    @Option(
            names = "--data",
            paramLabel = "FILE",
            defaultValue = BenchmarkFiles.SAMPLE,
            description =
                    "Benchmark file to replay, or '"
                            + BenchmarkFiles.SAMPLE
                            + "' for the bundled RouterBench sample. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(
            names = "--pool",
            defaultValue = "demo",
            description = "Pool name. Default: ${DEFAULT-VALUE}.")
    String pool;

    @Option(
            names = "--seed-share",
            defaultValue = "0.5",
            description =
                    "Share of each dataset's prompts that seeds the support set; the rest is"
                            + " replayed. Default: ${DEFAULT-VALUE}.")
    double seedShare;

    @Option(
            names = "--queries",
            defaultValue = "0",
            description =
                    "Live queries to replay; 0: every held-back prompt once. More cycles the"
                            + " prompts with fresh ids, and a repeated prompt then finds its own"
                            + " earlier feedback among its neighbours. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(
            names = "--rate",
            defaultValue = "5",
            description = "Queries per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--shadow-share",
            defaultValue = "0.5",
            description =
                    "Share of queries answered with every model's outcome (the windowed AUC's"
                            + " queries). Default: ${DEFAULT-VALUE}.")
    double shadowShare;

    @Option(
            names = "--shift",
            description =
                    "Seed without the dataset --shift-to and switch the traffic to it halfway.")
    boolean shift;

    @Option(
            names = "--shift-to",
            paramLabel = "DATASET",
            description = "Dataset the traffic shifts to. Default: the data's last dataset.")
    String shiftTo;

    @Option(
            names = "--lambda",
            description = "λ of every query (cost weight). Default: the pool's, 0.")
    Double lambda;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of the seed/replay split. Default: ${DEFAULT-VALUE}.")
    long seed;

    /** The seed rows, the traffic before the shift, and after it (empty without a shift). */
    record Traffic(List<BenchmarkRow> seed, List<BenchmarkRow> before, List<BenchmarkRow> after) {}

    Benchmark load() throws java.io.IOException {
        if (!(seedShare > 0 && seedShare < 1)) {
            throw new IllegalArgumentException("--seed-share must be in (0, 1), got " + seedShare);
        }
        return BenchmarkFiles.load(data);
    }

    /**
     * Per dataset, a seeded shuffle split into seed rows and traffic; with {@code --shift}, the
     * target dataset is all traffic after the shift and never seeds.
     */
    Traffic split(Benchmark bench) {
        List<String> datasets = bench.datasets();
        String target = shiftTo != null ? shiftTo : datasets.get(datasets.size() - 1);
        if (shift && !datasets.contains(target)) {
            throw new IllegalArgumentException(
                    "--shift-to " + target + " is not a dataset of the data: " + datasets);
        }
        if (shift && datasets.size() < 2) {
            throw new IllegalArgumentException("--shift needs data with at least two datasets");
        }
        List<BenchmarkRow> seedRows = new ArrayList<>();
        List<BenchmarkRow> before = new ArrayList<>();
        List<BenchmarkRow> after = new ArrayList<>();
        Random random = new Random(seed);
        for (String dataset : datasets) {
            List<BenchmarkRow> rows =
                    new ArrayList<>(
                            bench.rows().stream()
                                    .filter(r -> r.dataset().equals(dataset))
                                    .toList());
            Collections.shuffle(rows, random);
            if (shift && dataset.equals(target)) {
                after.addAll(rows);
                continue;
            }
            int cut = (int) Math.round(rows.size() * seedShare);
            seedRows.addAll(rows.subList(0, cut));
            before.addAll(rows.subList(cut, rows.size()));
        }
        Collections.shuffle(before, random);
        Collections.shuffle(after, random);
        return new Traffic(seedRows, before, after);
    }

    Replayer.Settings settings(String bootstrap, Traffic traffic) {
        int total = queries > 0 ? queries : traffic.before().size() + traffic.after().size();
        int shiftAfter = shift ? (queries > 0 ? queries / 2 : traffic.before().size()) : -1;
        return new Replayer.Settings(
                bootstrap,
                pool,
                total,
                rate,
                shadowShare,
                lambda,
                shiftAfter,
                Duration.ofSeconds(3));
    }

    String describe(Replayer.Settings s, Traffic traffic) {
        return String.format(
                java.util.Locale.ROOT,
                "replaying %d queries at %.1f/s (shadow share %.0f%%)%s",
                s.queries(),
                s.rate(),
                100 * s.shadowShare(),
                shift
                        ? ", shifting to "
                                + traffic.after().get(0).dataset()
                                + " after "
                                + s.shiftAfter()
                        : "");
    }
}

package dev.pointsman.cli;

import dev.pointsman.cli.demo.Replayer;
import dev.pointsman.cli.demo.TrafficSplit;
import dev.pointsman.core.data.Benchmark;
import java.time.Duration;
import picocli.CommandLine.Mixin;
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
            names = "--exploration",
            paramLabel = "SHARE",
            defaultValue = "1.0",
            description =
                    "The pool's exploration share: at most this share of queries is answered by"
                            + " every model, where the router is least sure (the windowed AUC's"
                            + " queries); the router explores half as often where it is sure. The"
                            + " replay obeys the router's decisions. Higher than a production"
                            + " pool's default (0.1) so that short windows have enough fully"
                            + " observed queries to measure. Default: ${DEFAULT-VALUE}.")
    double exploration;

    /** Checks the pool's options before anything starts; an error names the option. */
    void check() {
        router();
        exploration();
    }

    /** The exploration share, checked; out of range is an error naming the option. */
    double exploration() {
        return ExplorationOption.check(exploration);
    }

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

    @Mixin RouterOption router;

    /** The router the replayed pool runs, checked. */
    String router() {
        return router.name();
    }

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of the seed/replay split. Default: ${DEFAULT-VALUE}.")
    long seed;

    Benchmark load() throws java.io.IOException {
        return BenchmarkFiles.load(data);
    }

    /** Per dataset, a seeded split into seed rows and traffic; see {@link TrafficSplit}. */
    TrafficSplit split(Benchmark bench) {
        String target =
                !shift
                        ? null
                        : shiftTo != null
                                ? shiftTo
                                : bench.datasets().get(bench.datasets().size() - 1);
        return TrafficSplit.byDataset(bench, target, seedShare, seed);
    }

    Replayer.Settings settings(String bootstrap, TrafficSplit traffic) {
        int total = queries > 0 ? queries : traffic.before().size() + traffic.after().size();
        int shiftAfter = shift ? (queries > 0 ? queries / 2 : traffic.before().size()) : -1;
        return new Replayer.Settings(
                bootstrap, pool, total, rate, lambda, shiftAfter, Duration.ofSeconds(3));
    }

    String describe(Replayer.Settings s, TrafficSplit traffic) {
        return String.format(
                java.util.Locale.ROOT,
                "replaying %d queries at %.1f/s (exploration share %.0f%%)%s",
                s.queries(),
                s.rate(),
                100 * exploration,
                shift
                        ? ", shifting to "
                                + traffic.after().get(0).dataset()
                                + " after "
                                + s.shiftAfter()
                        : "");
    }
}

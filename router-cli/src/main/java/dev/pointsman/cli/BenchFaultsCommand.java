package dev.pointsman.cli;

import dev.pointsman.cli.bench.FaultBenchmark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pointsman bench faults}: processes killed under load, then everything counted. */
@Command(
        name = "faults",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Starts the loopback cluster (as `pointsman cluster`: 3 Kafka nodes, a Flink session"
                    + " with 2 TaskManagers, 2 embed workers, 2 streams apps; decisions written"
                    + " exactly once), puts steady load on it (pre-embedded queries of one pool,"
                    + " text queries of another, every decision answered with an outcome) and"
                    + " kills, one after another with SIGKILL: the TaskManager running the job, a"
                    + " Kafka node (started again), a streams app and an embed worker (each started"
                    + " again). Then counts committed decisions per query, outcomes against the"
                    + " feedback examples the join wrote, the support set against those examples,"
                    + " and the metric windows; and says, per failure, how long until every flow"
                    + " delivered again and the decision latency meanwhile. The last line is a JSON"
                    + " summary.",
            ""
        })
public final class BenchFaultsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--dir",
            defaultValue = "${java.io.tmpdir}/pointsman-bench-faults",
            description = "The cluster's directory (emptied first). Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(
            names = "--rate",
            defaultValue = "20",
            description = "Queries per second, half of each pool. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--warmup",
            defaultValue = "20s",
            description = "Load before the first failure. Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(
            names = "--gap",
            defaultValue = "30s",
            description = "Time between failures, and after the last. Default: ${DEFAULT-VALUE}.")
    Duration gap;

    @Option(
            names = "--window",
            defaultValue = "10s",
            description = "The streams apps' metric window. Default: ${DEFAULT-VALUE}.")
    Duration window;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON summary here.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Directories.deleteTree(dir, "bench faults");
        FaultBenchmark.Summary sum =
                new FaultBenchmark(
                                new FaultBenchmark.Settings(dir, rate, warmup, gap, window, seed),
                                System.err)
                        .run();
        PrintWriter o = spec.commandLine().getOut();
        o.println(
                "| failure | at (s) | decisions back (s) | feedback back (s) | decision p50 / p99"
                        + " (ms) | outcome → example p50 / p99 (ms) |");
        o.println("|---|---|---|---|---|---|");
        for (FaultBenchmark.Fault f : sum.faults()) {
            o.printf(
                    "| %s | %.0f | %.1f | %.1f | %.0f / %.0f | %.0f / %.0f |%n",
                    f.name(),
                    f.atS(),
                    f.decisionsS(),
                    f.feedbackS(),
                    f.p50Ms(),
                    f.p99Ms(),
                    f.feedbackP50Ms(),
                    f.feedbackP99Ms());
        }
        o.printf(
                "queries %d, committed decisions %d, duplicates %d, lost %d; outcomes %d, feedback"
                        + " examples %d, lost %d; support set %s against examples %s; windows %s,"
                        + " missing %s%n",
                sum.queries(),
                sum.decisions(),
                sum.duplicates(),
                sum.lost(),
                sum.outcomes(),
                sum.feedback(),
                sum.feedbackLost(),
                sum.supportSize(),
                sum.examples(),
                sum.windows(),
                sum.windowGaps());
        o.println(sum.json());
        o.flush();
        if (out != null) {
            Files.writeString(out, sum.json() + "\n");
        }
        return 0;
    }
}

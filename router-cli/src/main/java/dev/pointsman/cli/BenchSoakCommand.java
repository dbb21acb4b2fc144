package dev.pointsman.cli;

import dev.pointsman.cli.bench.SoakBenchmark;
import dev.pointsman.core.data.Benchmark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pointsman bench soak}: good and hostile traffic at a steady rate, for an hour. */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Starts the local stack (embedded Kafka, the embed worker, the routing job on Flink,"
                    + " the streams app in its own JVM) and sends it a steady mix of good traffic"
                    + " (routed over the API, every decision answered with the chosen model's"
                    + " outcome) and hostile input (every kind of bad record on every input topic"
                    + " and every kind of bad request, in turn). Every --sample it reads the memory"
                    + " of both JVMs, the state's size (the newest checkpoint, the streams app's"
                    + " stores, the broker's log), the dead letters counted, how the bad requests"
                    + " were answered, and whether anything restarted. Writes soak.jsonl and"
                    + " soak.md to --out; the last line is a JSON summary.",
            ""
        })
public final class BenchSoakCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--data",
            defaultValue = BenchmarkFiles.SAMPLE,
            description =
                    "Benchmark file the good traffic comes from (its prompts, and the outcome of"
                            + " the model each decision chose). Default: the bundled sample.")
    String data;

    @Option(
            names = "--dir",
            defaultValue = "${java.io.tmpdir}/pointsman-bench-soak",
            description = "The stack's directory (emptied first). Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(
            names = "--duration",
            defaultValue = "1h",
            description = "How long the load runs. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(
            names = "--rate",
            defaultValue = "10",
            description = "Requests per second, good and bad together. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--bad-share",
            defaultValue = "0.2",
            description = "The share of them that is hostile. Default: ${DEFAULT-VALUE}.")
    double badShare;

    @Option(
            names = "--sample",
            defaultValue = "60s",
            description = "How often the figures are read. Default: ${DEFAULT-VALUE}.")
    Duration sample;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--out",
            defaultValue = "target/bench-soak",
            description = "Where soak.jsonl and soak.md go. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Benchmark bench = BenchmarkFiles.load(data);
        Directories.deleteTree(dir, "bench soak");
        Files.createDirectories(out);
        Path lines = out.resolve("soak.jsonl");
        Files.deleteIfExists(lines);
        SoakBenchmark soak =
                new SoakBenchmark(
                        new SoakBenchmark.Settings(
                                dir, bench, duration, rate, badShare, sample, seed),
                        System.err);
        List<SoakBenchmark.Sample> samples = soak.run(lines);
        String table = SoakBenchmark.table(samples, Math.max(1, (int) (300 / sample.toSeconds())));
        String summary = soak.summary(samples);
        Files.writeString(
                out.resolve("soak.md"),
                "Command: `pointsman bench soak --duration "
                        + duration
                        + " --rate "
                        + rate
                        + " --bad-share "
                        + badShare
                        + "`\n\n"
                        + table
                        + "\nDead letters by component/kind: "
                        + soak.deadLettersByKind()
                        + "\n");
        PrintWriter o = spec.commandLine().getOut();
        o.print(table);
        o.println(summary);
        o.flush();
        return 0;
    }
}

package dev.pointsman.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pointsman.cli.bench.EmbedBenchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.cli.EmbedderOptions;
import dev.pointsman.kafka.EmbeddedKafka;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pointsman bench embed}: embedding throughput and latency through Kafka. */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the embed worker on a real broker (an embedded one unless --bootstrap is given)"
                    + " and, for each micro-batch size, measures throughput at saturation and"
                    + " queue-to-output latency (producer send to read_committed visibility of the"
                    + " embedding) under Poisson arrivals at --load times that throughput.",
            "--batch-size is not used here: see --batch-sizes."
        })
public final class BenchEmbedCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin EmbedderOptions embedding;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Kafka to run against. Default: an embedded broker in a temp directory.")
    String bootstrap;

    @Option(
            names = "--data",
            paramLabel = "FILE",
            defaultValue = BenchmarkFiles.SAMPLE,
            description =
                    "Benchmark file whose prompts are sent (cycled), or '"
                            + BenchmarkFiles.SAMPLE
                            + "'. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(
            names = "--batch-sizes",
            split = ",",
            paramLabel = "N",
            defaultValue = "1,8,32,128",
            description = "Micro-batch sizes to measure. Default: ${DEFAULT-VALUE}.")
    List<Integer> batchSizes;

    @Option(
            names = "--queries",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Queries per batch size at saturation. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(
            names = "--latency-queries",
            defaultValue = "500",
            paramLabel = "N",
            description = "Queries per batch size in the latency run. Default: ${DEFAULT-VALUE}.")
    int latencyQueries;

    @Option(
            names = "--load",
            defaultValue = "0.5",
            paramLabel = "F",
            description =
                    "Offered rate of the latency run as a fraction of the measured throughput."
                            + " Default: ${DEFAULT-VALUE}.")
    double load;

    @Option(
            names = "--max-wait",
            defaultValue = "20ms",
            paramLabel = "DURATION",
            description = "The worker's longest wait to fill a batch. Default: ${DEFAULT-VALUE}.")
    Duration maxWait;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the arrival times. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Also write the results as JSON.")
    Path report;

    @Override
    public Integer call() throws Exception {
        if (spec.commandLine().getParseResult().hasMatchedOption("--batch-size")) {
            throw new IllegalArgumentException(
                    "--batch-size: bench embed measures several sizes; use --batch-sizes");
        }
        EmbedderConfig config = embedding.toConfig();
        List<String> texts =
                BenchmarkFiles.load(data).rows().stream().map(BenchmarkRow::prompt).toList();
        PrintStream err = System.err;
        Path tmp = null;
        EmbeddedKafka kafka = null;
        try {
            String servers = bootstrap;
            if (servers == null) {
                tmp = Files.createTempDirectory("pointsman-bench-kafka");
                kafka = EmbeddedKafka.start(tmp);
                servers = kafka.bootstrapServers();
                err.println("bench embed: embedded broker at " + servers);
            }
            EmbedBenchmark bench =
                    new EmbedBenchmark(
                            new EmbedBenchmark.Settings(
                                    servers,
                                    config,
                                    batchSizes,
                                    maxWait.toMillis(),
                                    queries,
                                    latencyQueries,
                                    load,
                                    seed),
                            texts,
                            line -> err.println("bench embed: " + line));
            List<EmbedBenchmark.Row> rows = bench.run();
            EmbedBenchmark.Device device = bench.device();
            PrintStream out = System.out;
            out.println(header(config, device));
            out.printf(
                    "%-6s %12s %12s %9s %9s %9s %10s%n",
                    "batch", "embed/s", "offered/s", "p50 ms", "p99 ms", "max ms", "mean batch");
            for (EmbedBenchmark.Row r : rows) {
                out.printf(
                        "%-6d %12.1f %12.1f %9.1f %9.1f %9.1f %10.1f%n",
                        r.batchSize(),
                        r.throughputPerSecond(),
                        r.offeredPerSecond(),
                        r.p50Ms(),
                        r.p99Ms(),
                        r.maxMs(),
                        r.meanBatch());
            }
            if (report != null) {
                writeReport(config, device, rows);
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            if (tmp != null) {
                Directories.deleteTree(tmp, "bench embed");
            }
        }
        return 0;
    }

    private String header(EmbedderConfig config, EmbedBenchmark.Device device) {
        return String.format(
                "%s (%d dims, %s %d tokens) on %s; %d cores, Java %s; max wait %d ms, load %.2f,"
                        + " %d + %d queries per size",
                device.embedderId(),
                device.dimension(),
                config.truncation().id(),
                config.maxTokens(),
                device.cuda() ? "CUDA" : "CPU (" + device.cpuReason() + ")",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                maxWait.toMillis(),
                load,
                queries,
                latencyQueries);
    }

    private void writeReport(
            EmbedderConfig config, EmbedBenchmark.Device device, List<EmbedBenchmark.Row> rows)
            throws java.io.IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("embedder", device.embedderId());
        root.put("dimension", device.dimension());
        root.put("truncation", config.truncation().id());
        root.put("max_tokens", config.maxTokens());
        root.put("device", device.cuda() ? "cuda" : "cpu");
        root.put("cpu_reason", device.cpuReason());
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("java", System.getProperty("java.version"));
        root.put("os_arch", System.getProperty("os.arch"));
        root.put("max_wait_ms", maxWait.toMillis());
        root.put("load", load);
        root.put("queries", queries);
        root.put("latency_queries", latencyQueries);
        root.put("data", data);
        root.put("rows", rows);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(report.toFile(), root);
    }
}

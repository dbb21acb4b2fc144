package dev.pointsman.cli;

import dev.pointsman.cli.demo.LocalStack;
import dev.pointsman.cli.demo.PoolSeeder;
import dev.pointsman.cli.demo.Replayer;
import dev.pointsman.cli.demo.StopSignal;
import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.cli.demo.TrafficSplit;
import dev.pointsman.cli.gateway.StubUpstream;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.embed.cli.EmbedderOptions;
import dev.pointsman.schemas.PoolCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pointsman demo}: the whole router on the embedded default, replaying real traffic. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Starts the whole router on this machine: an embedded Kafka broker, the embed worker"
                    + " and the Flink routing job (local cluster) in this JVM, and the streams app"
                    + " (feedback, metrics, alerts, API, dashboard) in a child JVM. Declares a pool"
                    + " from the data's models, seeds its support set with part of each dataset's"
                    + " prompts, then replays the rest as live traffic, answering every decision"
                    + " with the dataset's true outcome for the chosen model (and for every model"
                    + " the decision asks on the queries the router explores). --shift seeds without one dataset and switches the traffic"
                    + " to it halfway. Each run starts clean in --dir; Ctrl-C stops everything.",
        })
public final class DemoCommand implements Callable<Integer> {
    @Mixin EmbedderOptions embedding;

    @Mixin ReplayOptions replay;

    @Option(
            names = "--k",
            defaultValue = "20",
            description = "Neighbours per decision. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--window",
            defaultValue = "10s",
            description = "Metric window of the streams app. Default: ${DEFAULT-VALUE}.")
    String window;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description = "Port of the API and the dashboard. Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(
            names = "--dir",
            defaultValue = "${user.home}/.local/share/pointsman/demo",
            description =
                    "Working directory (broker log, checkpoints, stores, logs); emptied at the start"
                            + " of every run. Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(
            names = "--gateway",
            description =
                    "Also try the OpenAI-compatible gateway: a local stub upstream answers for"
                            + " every model, and everything stays up after the replay until"
                            + " Ctrl-C.")
    boolean gateway;

    @Option(
            names = "--keep-running",
            description = "After the replay, keep everything up (for the dashboard) until Ctrl-C.")
    boolean keepRunning;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        replay.check();
        Benchmark bench = replay.load();
        TrafficSplit traffic = replay.split(bench);
        emptyWorkingDirectory(dir);
        try (StopSignal signal =
                new StopSignal("demo", () -> out.println("stopping (Ctrl-C)..."))) {
            run(bench, traffic, signal.stopping());
        }
        return 0;
    }

    private void run(Benchmark bench, TrafficSplit traffic, AtomicBoolean stop) throws Exception {
        long started = System.nanoTime();
        out.printf("pointsman demo: working directory %s (emptied)%n", dir);
        LocalStack.Settings settings =
                new LocalStack.Settings(
                        dir,
                        httpPort,
                        k,
                        embedding.toConfig(),
                        StreamsChild.locateJar(),
                        List.of(
                                "--window", window,
                                "--window-grace", "5s",
                                "--alert-min-queries", "10"),
                        null);
        try (StubUpstream stub = gateway ? new StubUpstream(Duration.ofMillis(100)) : null;
                LocalStack stack = LocalStack.start(settings)) {
            out.printf(
                    "  broker       %s (embedded KRaft)%n"
                            + "  routing job  Flink local cluster in this JVM, k %d, 2 shards%n"
                            + "  streams app  child JVM, log %s%n"
                            + "  dashboard    http://127.0.0.1:%d/%n",
                    stack.bootstrap(), k, stack.streamsLog(), stack.apiPort());
            PoolCatalog catalog = seed(stack, bench, traffic);
            if (stub != null) {
                PoolSeeder.publish(stack.producer(), stack.wire(), stub.answering(catalog, m -> m));
            }
            stack.startWorker();
            Replayer.Settings s = replay.settings(stack.bootstrap(), traffic);
            out.println(replay.describe(s, traffic));
            Replayer.Summary summary =
                    new Replayer(
                                    s,
                                    bench,
                                    traffic.before(),
                                    traffic.after(),
                                    stack.wire(),
                                    out,
                                    stop)
                            .run(stack.producer());
            summary.print(out, replay.shift, (System.nanoTime() - started) / 1e9);
            if ((keepRunning || gateway) && !stop.get()) {
                out.printf(
                        "keeping everything up: dashboard at http://127.0.0.1:%d/, Ctrl-C to"
                                + " stop%n",
                        stack.apiPort());
                if (gateway) {
                    out.printf(
                            "gateway at http://127.0.0.1:%1$d/v1 (a stub answers for every model);"
                                    + " try:%n  curl -sD - http://127.0.0.1:%1$d/v1/chat/completions"
                                    + " -H 'Content-Type: application/json' -d '{\"model\":"
                                    + " \"pointsman/%2$s\", \"messages\": [{\"role\": \"user\","
                                    + " \"content\": \"What is 2+2?\"}]}'%n"
                                    + "  then rate it: curl -s http://127.0.0.1:%1$d/v1/feedback"
                                    + " -d '{\"decisionId\": \"<x-pointsman-decision-id>\","
                                    + " \"thumbs\": \"up\"}'%n",
                            stack.apiPort(), replay.pool);
                }
                while (!stop.get()) {
                    Thread.sleep(200);
                }
            }
        }
        out.println("pointsman demo: stopped cleanly");
    }

    private PoolCatalog seed(LocalStack stack, Benchmark bench, TrafficSplit traffic) {
        ProgressBar bar = ProgressBar.onStderr("seeding pool " + replay.pool);
        PoolCatalog catalog =
                PoolSeeder.seed(
                        stack.producer(),
                        stack.wire(),
                        replay.pool,
                        replay.router(),
                        replay.exploration(),
                        Map.of(),
                        bench,
                        traffic.seed(),
                        stack.embedder(),
                        (done, total) -> bar.update(done, total, stack.embedder().id()));
        out.printf(
                "  pool %s: %d models, %d seed examples (%s)%n",
                replay.pool,
                bench.models().size(),
                traffic.seed().size(),
                replay.shift
                        ? "without " + traffic.after().get(0).dataset()
                        : String.join(", ", bench.datasets()));
        return catalog;
    }

    /** Marks a directory the demo made, so that it never empties one it did not make. */
    private static final String MARKER = ".pointsman-demo";

    /**
     * Empties {@code dir} for a fresh run, but only if it is empty, missing, or was made by an
     * earlier demo: a mistyped {@code --dir} must not delete someone's files.
     */
    static void emptyWorkingDirectory(Path dir) throws IOException {
        if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "--dir " + dir + " is a file, not a directory; refusing to replace it");
        }
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER))) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(
                            "--dir "
                                    + dir
                                    + " is not empty and was not made by pointsman demo; refusing"
                                    + " to empty it (pick another directory)");
                }
            }
        }
        wipe(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "working directory of pointsman demo\n");
    }

    static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

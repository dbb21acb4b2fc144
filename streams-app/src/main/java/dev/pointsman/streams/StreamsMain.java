package dev.pointsman.streams;

import dev.pointsman.core.config.Durations;
import dev.pointsman.streams.api.ApiSettings;
import dev.pointsman.topics.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar pointsman-streams.jar}: the streams app as its own JVM. */
@Command(
        name = "pointsman-streams",
        mixinStandardHelpOptions = true,
        version = "pointsman-streams 0.1.0",
        sortOptions = false,
        description = {
            "Joins outcomes with their queries into router.feedback, computes windowed routing"
                    + " quality and drift per pool into router.metrics and router.alerts, and serves"
                    + " the HTTP API and the dashboard.",
            ""
        })
public final class StreamsMain implements Callable<Integer> {
    @Option(
            names = "--bootstrap",
            defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}")
    String bootstrap;

    @Option(
            names = "--schema-registry",
            description =
                    "Confluent Schema Registry URL; without it records are Avro single-object"
                            + " encoded")
    String registry;

    @Option(
            names = "--application-id",
            defaultValue = "pointsman-streams",
            description = "Kafka Streams application id. Default: ${DEFAULT-VALUE}")
    String applicationId;

    @Option(
            names = "--state-dir",
            defaultValue = "${java.io.tmpdir}/pointsman-streams",
            description = "Where the RocksDB stores live. Default: ${DEFAULT-VALUE}")
    Path stateDir;

    @Option(
            names = "--feedback-topic",
            defaultValue = Topics.FEEDBACK,
            description =
                    "Where joined feedback examples go; another topic"
                            + " measures a static router. Default: ${DEFAULT-VALUE}")
    String feedbackTopic;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of topics created when missing. Default: ${DEFAULT-VALUE}")
    int partitions;

    @Option(
            names = "--http-host",
            defaultValue = "127.0.0.1",
            description = "API bind address. Default: ${DEFAULT-VALUE}")
    String httpHost;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description = "API port, 0 for any free one. Default: ${DEFAULT-VALUE}")
    int httpPort;

    @Option(
            names = "--route-timeout",
            defaultValue = "10s",
            description =
                    "How long POST /v1/route waits for the decision. Default: ${DEFAULT-VALUE}")
    String routeTimeout;

    @Option(
            names = "--token",
            paramLabel = "POOL=TOKEN",
            description =
                    "Bearer token for a pool (repeatable). With any, every /v1"
                            + " call needs a token, and a token reaches only its pool.")
    Map<String, String> tokens = new LinkedHashMap<>();

    @Option(
            names = "--window",
            defaultValue = "1m",
            description = "Metric window size. Default: ${DEFAULT-VALUE}")
    String window;

    @Option(
            names = "--window-grace",
            defaultValue = "30s",
            description =
                    "How long a window waits for late outcomes. Default:" + " ${DEFAULT-VALUE}")
    String windowGrace;

    @Option(
            names = "--feedback-grace",
            defaultValue = "10m",
            description =
                    "Latest an outcome may come after its query. Default:" + " ${DEFAULT-VALUE}")
    String feedbackGrace;

    @Option(
            names = "--feedback-retention",
            defaultValue = "1h",
            description =
                    "How long queries stay joinable for late-outcome reporting"
                            + ". Default: ${DEFAULT-VALUE}")
    String feedbackRetention;

    @Option(
            names = "--ood-threshold",
            defaultValue = "3.0",
            description =
                    "OOD score above which a query counts as out of distribution"
                            + ". Default: ${DEFAULT-VALUE}")
    double oodThreshold;

    @Option(
            names = "--shadow-cap",
            defaultValue = "1000",
            description =
                    "Shadow queries kept per window and router; the AUC uses the first ones."
                            + " Default: ${DEFAULT-VALUE}")
    int shadowCap;

    @Option(
            names = "--history",
            defaultValue = "24h",
            description = "How long windows and alerts stay queryable. Default: ${DEFAULT-VALUE}")
    String history;

    @Option(
            names = "--alert-min-queries",
            defaultValue = "20",
            description = "Windows with fewer queries raise no alert. Default: ${DEFAULT-VALUE}")
    int alertMinQueries;

    @Option(
            names = "--alert-auc-below-trend",
            defaultValue = "1.0",
            description =
                    "Alert when the AUC is this many points below the global trend's. Default:"
                            + " ${DEFAULT-VALUE}")
    double alertAucBelowTrend;

    @Option(
            names = "--alert-ood-share",
            defaultValue = "0.25",
            description = "Alert above this out-of-distribution share. Default: ${DEFAULT-VALUE}")
    double alertOodShare;

    @Option(
            names = "--alert-drift-psi",
            defaultValue = "0.25",
            description = "Alert above this PSI of the OOD score. Default: ${DEFAULT-VALUE}")
    double alertDriftPsi;

    @Option(
            names = "--alert-embedding-shift",
            defaultValue = "0.05",
            description =
                    "Alert above this 1 − cosine of the mean embeddings. Default: ${DEFAULT-VALUE}")
    double alertEmbeddingShift;

    /** The settings the options describe; throws naming the key of an invalid value. */
    StreamsApp.Settings settings() {
        TopologySettings topology =
                new TopologySettings(
                        Durations.parse("--feedback-grace", feedbackGrace),
                        Durations.parse("--feedback-retention", feedbackRetention),
                        Durations.parse("--window", window),
                        Durations.parse("--window-grace", windowGrace),
                        oodThreshold,
                        shadowCap,
                        Durations.parse("--history", history),
                        new TopologySettings.AlertThresholds(
                                alertMinQueries,
                                alertAucBelowTrend,
                                alertOodShare,
                                alertDriftPsi,
                                alertEmbeddingShift));
        ApiSettings api =
                new ApiSettings(
                        httpHost,
                        httpPort,
                        Durations.parse("--route-timeout", routeTimeout),
                        tokens);
        return new StreamsApp.Settings(
                bootstrap,
                registry,
                applicationId,
                stateDir,
                partitions,
                topology,
                api,
                feedbackTopic);
    }

    @Override
    public Integer call() throws Exception {
        StreamsApp.Settings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            System.err.println("pointsman-streams: " + e.getMessage());
            return 2;
        }
        StreamsApp app = StreamsApp.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        app.close();
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    stopped.countDown();
                                },
                                "shutdown"));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamsMain()).execute(args));
    }

    /** For tests: parses {@code args} into settings. */
    static StreamsApp.Settings parse(List<String> args) {
        StreamsMain main = new StreamsMain();
        new CommandLine(main).parseArgs(args.toArray(String[]::new));
        return main.settings();
    }
}

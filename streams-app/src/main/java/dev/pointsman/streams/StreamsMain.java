package dev.pointsman.streams;

import dev.pointsman.settings.Setting;
import dev.pointsman.settings.SettingOptions;
import dev.pointsman.streams.api.ApiSettings;
import dev.pointsman.streams.gateway.GatewaySettings;
import dev.pointsman.topics.KafkaConfig;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
            defaultValue = "${user.home}/.local/state/pointsman/streams",
            description =
                    "Where the RocksDB stores live (not under /tmp, which the OS may clean: the"
                            + " stores would then be restored from their changelogs). Default:"
                            + " ${DEFAULT-VALUE}")
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
            names = "--token",
            paramLabel = "POOL=TOKEN",
            description =
                    "Bearer token for a pool (repeatable). With any, every /v1"
                            + " call needs a token, and a token reaches only its pool.")
    Map<String, String> tokens = new LinkedHashMap<>();

    @Option(
            names = "--tokens-file",
            paramLabel = "FILE",
            description =
                    "Bearer tokens, one POOL=TOKEN per line ('#' starts a comment), so that they"
                            + " are not in the process list as --token values are.")
    Path tokensFile;

    @Option(
            names = "--metrics-token",
            paramLabel = "TOKEN",
            description =
                    "The operator's bearer token that GET /metrics then requires (it lists every"
                            + " pool's figures). Default: the environment variable"
                            + " POINTSMAN_METRICS_TOKEN, else none (open).")
    String metricsToken;

    @Spec CommandSpec spec;

    /** The tokens of --token and --tokens-file; throws naming the file and line of a bad one. */
    Map<String, String> tokens() {
        Map<String, String> all = new LinkedHashMap<>(tokens);
        if (tokensFile == null) {
            return all;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(tokensFile);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--tokens-file " + tokensFile + " cannot be read: " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || eq == line.length() - 1) {
                throw new IllegalArgumentException(
                        "--tokens-file "
                                + tokensFile
                                + ", line "
                                + (i + 1)
                                + ": expected POOL=TOKEN");
            }
            all.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return all;
    }

    /** The settings this command takes as options, with their defaults, help and rules. */
    static final List<Setting<?>> SETTINGS = allSettings();

    private static List<Setting<?>> allSettings() {
        List<Setting<?>> all = new ArrayList<>(TopologySettings.ALL);
        all.addAll(ApiSettings.ALL);
        all.addAll(GatewaySettings.ALL);
        all.addAll(Replication.SETTINGS);
        all.add(KafkaConfig.FILE);
        all.add(StreamsApp.STANDBY_REPLICAS);
        return List.copyOf(all);
    }

    /** The settings the options describe; throws naming the option of an invalid value. */
    StreamsApp.Settings settings() {
        TopologySettings topology =
                new TopologySettings(
                        value(TopologySettings.FEEDBACK_GRACE),
                        value(TopologySettings.FEEDBACK_RETENTION),
                        value(TopologySettings.WINDOW),
                        value(TopologySettings.WINDOW_GRACE),
                        value(TopologySettings.OOD_THRESHOLD),
                        value(TopologySettings.SHADOW_CAP),
                        value(TopologySettings.HISTORY),
                        value(TopologySettings.TREND_HALF_LIFE),
                        new TopologySettings.AlertThresholds(
                                value(TopologySettings.AlertThresholds.MIN_QUERIES),
                                value(TopologySettings.AlertThresholds.AUC_BELOW_TREND),
                                value(TopologySettings.AlertThresholds.OOD_SHARE),
                                value(TopologySettings.AlertThresholds.DRIFT_PSI),
                                value(TopologySettings.AlertThresholds.EMBEDDING_SHIFT),
                                value(TopologySettings.AlertThresholds.DRIFT_REBASE)),
                        value(TopologySettings.CLOCK_SKEW));
        ApiSettings api =
                new ApiSettings(
                        value(ApiSettings.HOST),
                        value(ApiSettings.PORT),
                        value(ApiSettings.ROUTE_TIMEOUT),
                        tokens(),
                        value(ApiSettings.RATE_LIMIT),
                        metricsToken != null
                                ? metricsToken
                                : System.getenv("POINTSMAN_METRICS_TOKEN"),
                        value(ApiSettings.ADVERTISED_HOST),
                        value(ApiSettings.MAX_WAITING),
                        value(ApiSettings.MAX_TEXT_CHARS),
                        ApiSettings.Tls.of(
                                value(ApiSettings.TLS_KEYSTORE),
                                value(ApiSettings.TLS_PASSWORD_FILE),
                                System::getenv),
                        value(ApiSettings.JOB_GROUP),
                        value(ApiSettings.MAX_JOB_LAG));
        GatewaySettings gateway =
                new GatewaySettings(
                        value(GatewaySettings.UPSTREAM_TIMEOUT),
                        value(GatewaySettings.MAX_CONCURRENT),
                        value(GatewaySettings.ANSWER_MEMORY),
                        value(GatewaySettings.MAX_ANSWERS));
        return new StreamsApp.Settings(
                bootstrap,
                registry,
                applicationId,
                stateDir,
                partitions,
                value(Replication.FACTOR),
                value(Replication.MIN_INSYNC),
                value(StreamsApp.STANDBY_REPLICAS),
                topology,
                api,
                gateway,
                feedbackTopic,
                KafkaConfig.load(value(KafkaConfig.FILE)));
    }

    private <T> T value(Setting<T> setting) {
        return SettingOptions.value(spec, setting);
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
        System.exit(commandLine().execute(args));
    }

    /** The command line, with an option for every setting. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new StreamsMain());
        SettingOptions.add(cli.getCommandSpec(), SETTINGS);
        return cli;
    }

    /**
     * Parses {@code args} into settings as the app would start with them (files they name are
     * read), without starting anything: for tests and for checking deployment manifests.
     */
    public static StreamsApp.Settings parse(List<String> args) {
        CommandLine cli = commandLine();
        cli.parseArgs(args.toArray(String[]::new));
        return ((StreamsMain) cli.getCommand()).settings();
    }
}

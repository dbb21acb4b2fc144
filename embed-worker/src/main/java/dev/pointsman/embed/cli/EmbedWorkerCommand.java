package dev.pointsman.embed.cli;

import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.OnnxEmbedder;
import dev.pointsman.embed.service.BatchPolicy;
import dev.pointsman.embed.service.EmbedWorker;
import dev.pointsman.embed.service.MetricsEndpoint;
import dev.pointsman.embed.service.QueryValidator;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.settings.SettingOptions;
import dev.pointsman.topics.KafkaConfig;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pointsman embed-worker}: the Kafka embedding service. */
@Command(
        name = "embed-worker",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Consumes router.queries, embeds them in micro-batches and writes"
                        + " router.queries.embedded exactly once (Kafka transactions); unusable"
                        + " records go to router.dlq with the reason. Stops cleanly on Ctrl-C,"
                        + " finishing the batch in flight.")
public final class EmbedWorkerCommand implements Callable<Integer> {
    @Mixin EmbedderOptions embedding;

    @Spec CommandSpec spec;

    /** The options made from settings, which annotations cannot declare. */
    public static void addSettings(CommandSpec spec) {
        SettingOptions.add(spec, Replication.SETTINGS);
        SettingOptions.add(spec, List.of(KafkaConfig.FILE));
    }

    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--group",
            defaultValue = "pointsman-embed-worker",
            description = "Consumer group. Default: ${DEFAULT-VALUE}.")
    String group;

    @Option(
            names = "--transactional-id",
            defaultValue = "pointsman-embed-worker-0",
            description =
                    "Transactional id, unique per running instance. Default: ${DEFAULT-VALUE}.")
    String transactionalId;

    @Option(
            names = "--max-wait",
            defaultValue = "20ms",
            paramLabel = "DURATION",
            description = "Longest wait to fill a batch. Default: ${DEFAULT-VALUE}.")
    Duration maxWait;

    @Option(
            names = "--max-text-bytes",
            defaultValue = "65536",
            description = "Longer query texts go to the DLQ. Default: ${DEFAULT-VALUE}.")
    int maxTextBytes;

    @Option(names = "--pools", split = ",", description = "Accepted pools (default: any).")
    List<String> pools;

    @Option(
            names = "--schema-registry",
            paramLabel = "URL",
            description =
                    "Write the schema-registry wire format (magic byte, schema id, Avro binary;"
                            + " subjects <topic>-value) against this Confluent-compatible registry."
                            + " Default: Avro single-object encoding, no registry. Either way,"
                            + " single-object input is read.")
    String schemaRegistry;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            defaultValue = "-1",
            description =
                    "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (0: any free port;"
                            + " default: off).")
    int metricsPort;

    @Option(
            names = "--metrics-host",
            defaultValue = "127.0.0.1",
            description = "Address the metrics endpoint binds to. Default: ${DEFAULT-VALUE}.")
    String metricsHost;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions for topics it creates. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Override
    public Integer call() throws Exception {
        EmbedderConfig config = embedding.toConfig();
        BatchPolicy policy = new BatchPolicy(config.batchSize(), maxWait.toMillis());
        WireFormat wire = WireFormat.of(schemaRegistry);
        QueryValidator validator =
                new QueryValidator(
                        maxTextBytes,
                        pools == null ? new HashSet<>() : new HashSet<>(pools),
                        wire.codec(Query.class, Topics.QUERIES));
        KafkaConfig kafka = KafkaConfig.load(SettingOptions.value(spec, KafkaConfig.FILE));
        try (Admin admin = Admin.create(kafka.client(bootstrap))) {
            Replication replication =
                    Replication.of(
                            admin,
                            SettingOptions.value(spec, Replication.FACTOR),
                            SettingOptions.value(spec, Replication.MIN_INSYNC));
            Topics.ensure(admin, Topics.all(partitions, replication, Duration.ofDays(7)));
        }
        System.err.println("embed-worker: wire format " + wire.describe());
        try (OnnxEmbedder model = new OnnxEmbedder(config)) {
            EmbedWorker worker =
                    new EmbedWorker(
                            new EmbedWorker.Settings(
                                    bootstrap,
                                    group,
                                    transactionalId,
                                    Topics.QUERIES,
                                    Topics.QUERIES_EMBEDDED,
                                    Topics.DLQ,
                                    policy,
                                    kafka),
                            model,
                            validator,
                            wire);
            MetricsEndpoint endpoint =
                    metricsPort < 0
                            ? null
                            : new MetricsEndpoint(
                                    metricsHost,
                                    metricsPort,
                                    worker.metrics(),
                                    model.id(),
                                    model.onCuda(),
                                    model.cpuReason());
            if (endpoint != null) {
                System.err.printf(
                        "embed-worker: metrics at http://%s:%d/metrics%n",
                        metricsHost, endpoint.port());
            }
            CountDownLatch done = new CountDownLatch(1);
            Thread hook =
                    new Thread(
                            () -> {
                                try {
                                    worker.close();
                                    done.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "embed-worker-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                worker.run();
            } finally {
                if (endpoint != null) {
                    endpoint.close();
                }
                done.countDown();
                var m = worker.metrics();
                System.err.printf(
                        "embed-worker: %d embedded in %d batches (max %d), %d dead-lettered, %.1f embeddings/s, last lag %d ms, %s%n",
                        m.embedded(),
                        m.batches(),
                        m.maxBatchSize(),
                        m.deadLettered(),
                        m.embeddingsPerSecond(),
                        m.lastLagMs(),
                        model.onCuda() ? "CUDA" : "CPU (" + model.cpuReason() + ")");
            }
        }
        return 0;
    }
}

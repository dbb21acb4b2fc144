package dev.pointsman.cli;

import dev.pointsman.flink.job.RoutingJob;
import dev.pointsman.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pointsman route}: the Flink routing job on a local Flink mini cluster. */
@Command(
        name = "route",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the routing job in this JVM on a local Flink cluster: reads"
                    + " router.queries.embedded, router.feedback and router.catalog, writes"
                    + " router.decisions and router.dlq. State lives in RocksDB; checkpoints go to"
                    + " --checkpoints, and a restart resumes from the newest one there. Ctrl-C"
                    + " stops the job (the last checkpoint is kept).",
            "To run on a Flink cluster instead, submit flink-jobs' RoutingJob with the same"
                    + " settings."
        })
public final class RouteCommand implements Callable<Integer> {
    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--shards",
            defaultValue = "4",
            description = "Support-set shards per pool. Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(
            names = "--k",
            defaultValue = "100",
            description = "Neighbours per decision. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--capacity",
            defaultValue = "1000000",
            description = "Examples kept per pool; the oldest go first. Default: ${DEFAULT-VALUE}.")
    int capacity;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Flink parallelism. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--checkpoints",
            defaultValue = "${user.home}/.local/share/pointsman/checkpoints",
            paramLabel = "DIR",
            description = "Checkpoint directory. Default: ${DEFAULT-VALUE}.")
    Path checkpoints;

    @Option(
            names = "--checkpoint-interval-ms",
            defaultValue = "2000",
            description =
                    "Checkpoint interval; exactly-once decisions become visible when a checkpoint"
                            + " completes. Default: ${DEFAULT-VALUE}.")
    long checkpointIntervalMs;

    @Option(
            names = "--fresh",
            description = "Ignore existing checkpoints and start with an empty support set.")
    boolean fresh;

    @Option(
            names = "--at-least-once",
            description =
                    "Write decisions at once instead of on checkpoints (lower latency; a restart may"
                            + " repeat some decisions).")
    boolean atLeastOnce;

    @Option(
            names = "--training-window",
            defaultValue = "20000",
            description =
                    "Recent examples per pool a parametric router is fitted on. Default: ${DEFAULT-VALUE}.")
    int trainingWindow;

    @Option(
            names = "--retrain-every",
            defaultValue = "1000",
            description =
                    "Refit a pool's parametric router after this many new examples. Default: ${DEFAULT-VALUE}.")
    int retrainEvery;

    @Option(
            names = "--retrain-interval-s",
            defaultValue = "300",
            description =
                    "...or on the next example once this many seconds passed since the last fit."
                            + " Default: ${DEFAULT-VALUE}.")
    long retrainIntervalS;

    @Option(
            names = "--group",
            defaultValue = "pointsman-router",
            description = "Consumer group and transactional-id prefix. Default: ${DEFAULT-VALUE}.")
    String group;

    @Option(
            names = "--schema-registry",
            paramLabel = "URL",
            description = "Also read registry-framed records, with this registry.")
    String schemaRegistry;

    @Mixin IndexOptions index;

    @Override
    public Integer call() throws Exception {
        RoutingJob.Settings settings =
                new RoutingJob.Settings(
                                bootstrap,
                                group,
                                group,
                                shards,
                                k,
                                capacity,
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(30),
                                schemaRegistry,
                                DeliveryGuarantee.EXACTLY_ONCE,
                                trainingWindow,
                                retrainEvery,
                                Duration.ofSeconds(retrainIntervalS))
                        .withDelivery(
                                atLeastOnce
                                        ? DeliveryGuarantee.AT_LEAST_ONCE
                                        : DeliveryGuarantee.EXACTLY_ONCE)
                        .withIndex(index.spec());
        if (parallelism <= 0) {
            throw new IllegalArgumentException("--parallelism must be > 0, got " + parallelism);
        }
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Topics.ensure(admin, Topics.all(4, (short) 1, Duration.ofDays(7)));
        }
        Files.createDirectories(checkpoints);
        Configuration conf =
                RoutingJob.configuration(checkpoints, Duration.ofMillis(checkpointIntervalMs));
        Optional<Path> latest = fresh ? Optional.empty() : latestCheckpoint(checkpoints);
        latest.ifPresent(
                p -> {
                    conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toString());
                    System.err.println("route: resuming from " + p);
                });
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.enableCheckpointing(checkpointIntervalMs);
        RoutingJob.build(env, settings);
        JobClient job = env.executeAsync("pointsman-routing");
        System.err.printf(
                "route: job %s running (%d shards, k %d, parallelism %d, %s); Ctrl-C stops it%n",
                job.getJobID(), shards, k, parallelism, settings.delivery());
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        job.cancel().get();
                                    } catch (Exception e) {
                                        // the JVM is going away either way
                                    }
                                },
                                "route-shutdown"));
        job.getJobExecutionResult().get();
        return 0;
    }

    /** The newest completed checkpoint under {@code root}, if any. */
    static Optional<Path> latestCheckpoint(Path root) throws java.io.IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(root, 3)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .max(
                            Comparator.comparingLong(
                                    p -> {
                                        try {
                                            return Files.getLastModifiedTime(p.resolve("_metadata"))
                                                    .toMillis();
                                        } catch (java.io.IOException e) {
                                            return 0L;
                                        }
                                    }));
        }
    }
}

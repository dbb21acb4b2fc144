package dev.pointsman.cli;

import dev.pointsman.flink.job.JobSettings;
import dev.pointsman.flink.job.LocalJob;
import dev.pointsman.settings.Setting;
import dev.pointsman.settings.SettingOptions;
import dev.pointsman.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
                    + " settings (JobSettings).",
            ""
        })
public final class RouteCommand implements Callable<Integer> {
    /** The job's settings this command takes as options, with their defaults and help. */
    static final List<Setting<?>> SETTINGS = JobSettings.ALL;

    @Spec CommandSpec spec;

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
            names = "--fresh",
            description = "Ignore existing checkpoints and start with an empty support set.")
    boolean fresh;

    @Option(
            names = "--exactly-once",
            description =
                    "Write decisions in Kafka transactions committed on checkpoints, so that a"
                            + " read_committed reader sees each query's decision once even across"
                            + " a restart, about half a --checkpoint-interval later. Default:"
                            + " decisions are written at once (tens of ms; a restart may repeat the"
                            + " decisions since the last checkpoint, and readers keep a query's"
                            + " first).")
    boolean exactlyOnce;

    /** Kept so that scripts written when decisions were exactly once by default still run. */
    @Option(names = "--at-least-once", hidden = true)
    boolean atLeastOnce;

    @Mixin IndexOptions index;

    /** The settings the command line gives; throws naming the option of an invalid value. */
    JobSettings settings() {
        return JobSettings.builder(SettingOptions.value(spec, JobSettings.BOOTSTRAP), checkpoints)
                .group(SettingOptions.value(spec, JobSettings.GROUP))
                .shards(SettingOptions.value(spec, JobSettings.SHARDS))
                .k(SettingOptions.value(spec, JobSettings.K))
                .capacity(SettingOptions.value(spec, JobSettings.CAPACITY))
                .mergeTimeout(SettingOptions.value(spec, JobSettings.MERGE_TIMEOUT))
                .catalogWait(SettingOptions.value(spec, JobSettings.CATALOG_WAIT))
                .schemaRegistry(SettingOptions.value(spec, JobSettings.SCHEMA_REGISTRY))
                .training(
                        SettingOptions.value(spec, JobSettings.TRAINING_WINDOW),
                        SettingOptions.value(spec, JobSettings.RETRAIN_EVERY),
                        SettingOptions.value(spec, JobSettings.RETRAIN_INTERVAL))
                .checkpointInterval(SettingOptions.value(spec, JobSettings.CHECKPOINT_INTERVAL))
                .metricsPort(SettingOptions.value(spec, JobSettings.METRICS_PORT))
                .router(SettingOptions.value(spec, JobSettings.ROUTER))
                .delivery(
                        exactlyOnce && !atLeastOnce
                                ? DeliveryGuarantee.EXACTLY_ONCE
                                : DeliveryGuarantee.AT_LEAST_ONCE)
                .index(index.spec())
                .build();
    }

    @Override
    public Integer call() throws Exception {
        JobSettings settings = settings();
        if (parallelism <= 0) {
            throw new IllegalArgumentException("--parallelism must be > 0, got " + parallelism);
        }
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                settings.bootstrapServers()))) {
            Topics.ensure(admin, Topics.all(4, (short) 1, Duration.ofDays(7)));
        }
        Files.createDirectories(checkpoints);
        Path latest = fresh ? null : LocalJob.latestCheckpoint(checkpoints).orElse(null);
        if (latest != null) {
            System.err.println("route: resuming from " + latest);
        }
        JobClient job = LocalJob.start(settings, parallelism, latest, "pointsman-routing");
        System.err.printf(
                "route: job %s running (%d shards, k %d, parallelism %d, %s); Ctrl-C stops it%n",
                job.getJobID(), settings.shards(), settings.k(), parallelism, settings.delivery());
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
}

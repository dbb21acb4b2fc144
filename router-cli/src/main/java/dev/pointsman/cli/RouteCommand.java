package dev.pointsman.cli;

import dev.pointsman.cli.cluster.FlinkRest;
import dev.pointsman.cli.cluster.JobJar;
import dev.pointsman.flink.job.JobArgs;
import dev.pointsman.flink.job.JobSettings;
import dev.pointsman.flink.job.LocalJob;
import dev.pointsman.settings.Setting;
import dev.pointsman.settings.SettingOptions;
import dev.pointsman.topics.KafkaConfig;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pointsman route}: the Flink routing job, on a local Flink mini cluster in this JVM or,
 * with {@code --jobmanager}, submitted to a Flink session cluster over its REST API.
 */
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
            "With --jobmanager HOST:PORT the same job runs on a Flink session cluster instead:"
                    + " the command uploads pointsman-job.jar over the cluster's REST API, runs it"
                    + " with these settings, and on Ctrl-C stops it with a savepoint (under"
                    + " --checkpoints/savepoints, where the next start finds it). Ctrl-C in local"
                    + " mode does the same.",
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
            paramLabel = "DIR|URI",
            description =
                    "Where checkpoints and savepoints go: a directory, or a URI such as"
                            + " s3://bucket/path. With --jobmanager every Flink process must reach"
                            + " it. Default: ${DEFAULT-VALUE}.")
    String checkpoints;

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            description =
                    "Submit the job to the Flink session cluster whose REST endpoint this is,"
                            + " instead of running it in this JVM (see `pointsman cluster`).")
    String jobManager;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description =
                    "Restore from this savepoint or retained checkpoint. Default: the newest"
                            + " under --checkpoints, unless --fresh.")
    String fromSavepoint;

    @Option(
            names = "--detached",
            description =
                    "With --jobmanager: print the job's id and return once it runs; stop it later"
                            + " with --stop.")
    boolean detached;

    @Option(
            names = "--stop",
            paramLabel = "JOB",
            description =
                    "With --jobmanager: stop the job with this id with a savepoint under"
                            + " --checkpoints/savepoints, print where it is, and return.")
    String stopJob;

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
        return JobSettings.builder(
                        SettingOptions.value(spec, JobSettings.BOOTSTRAP),
                        JobSettings.checkpointUri(checkpoints))
                .group(SettingOptions.value(spec, JobSettings.GROUP))
                .shards(SettingOptions.value(spec, JobSettings.SHARDS))
                .replicas(SettingOptions.value(spec, JobSettings.REPLICAS))
                .deciders(SettingOptions.value(spec, JobSettings.DECIDERS))
                .k(SettingOptions.value(spec, JobSettings.K))
                .capacity(SettingOptions.value(spec, JobSettings.CAPACITY))
                .mergeTimeout(SettingOptions.value(spec, JobSettings.MERGE_TIMEOUT))
                .searchBatch(
                        SettingOptions.value(spec, JobSettings.SEARCH_BATCH),
                        SettingOptions.value(spec, JobSettings.SEARCH_WAIT))
                .catalogWait(SettingOptions.value(spec, JobSettings.CATALOG_WAIT))
                .schemaRegistry(SettingOptions.value(spec, JobSettings.SCHEMA_REGISTRY))
                .training(
                        SettingOptions.value(spec, JobSettings.TRAINING_WINDOW),
                        SettingOptions.value(spec, JobSettings.RETRAIN_EVERY),
                        SettingOptions.value(spec, JobSettings.RETRAIN_INTERVAL))
                .checkpointInterval(SettingOptions.value(spec, JobSettings.CHECKPOINT_INTERVAL))
                .metricsPort(SettingOptions.value(spec, JobSettings.METRICS_PORT))
                .kafka(KafkaConfig.load(SettingOptions.value(spec, KafkaConfig.FILE)))
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
        if (jobManager == null && (detached || stopJob != null)) {
            throw new IllegalArgumentException(
                    (detached ? "--detached" : "--stop") + " needs --jobmanager HOST:PORT");
        }
        if (stopJob != null) {
            FlinkRest flink = new FlinkRest(jobManager);
            System.err.printf("route: stopping job %s with a savepoint...%n", stopJob);
            spec.commandLine()
                    .getOut()
                    .println(flink.stopWithSavepoint(stopJob, savepoints(), Duration.ofMinutes(5)));
            spec.commandLine().getOut().flush();
            return 0;
        }
        JobSettings settings = settings();
        if (parallelism <= 0) {
            throw new IllegalArgumentException("--parallelism must be > 0, got " + parallelism);
        }
        if (jobManager != null && settings.metricsPort() != null) {
            throw new IllegalArgumentException(
                    "--metrics-port serves the metrics of the Flink cluster in this JVM; a session"
                            + " cluster serves its own (metrics.reporter.* in its"
                            + " configuration)");
        }
        try (Admin admin = Admin.create(settings.kafka().client(settings.bootstrapServers()))) {
            Replication replication =
                    Replication.of(
                            admin,
                            SettingOptions.value(spec, Replication.FACTOR),
                            SettingOptions.value(spec, Replication.MIN_INSYNC));
            Topics.ensure(admin, Topics.all(4, replication, Duration.ofDays(7)));
        }
        String restore = restorePoint(settings.checkpoints());
        if (restore != null) {
            System.err.println("route: resuming from " + restore);
        }
        return jobManager == null ? runHere(settings, restore) : submit(settings, restore);
    }

    /** The local mode: a mini cluster in this JVM until Ctrl-C. */
    private int runHere(JobSettings settings, @Nullable String restore) throws Exception {
        JobClient job =
                LocalJob.start(
                        settings,
                        parallelism,
                        restore == null ? null : Path.of(URI.create(restore)),
                        JobArgs.DEFAULT_NAME);
        System.err.printf(
                "route: job %s running (%d shards, k %d, parallelism %d, %s); Ctrl-C stops it with"
                        + " a savepoint%n",
                job.getJobID(), settings.shards(), settings.k(), parallelism, settings.delivery());
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        String where =
                                                job.stopWithSavepoint(
                                                                false,
                                                                savepoints(),
                                                                SavepointFormatType.CANONICAL)
                                                        .get(2, TimeUnit.MINUTES);
                                        System.err.println("route: savepoint " + where);
                                    } catch (Exception e) {
                                        try {
                                            job.cancel().get(30, TimeUnit.SECONDS);
                                        } catch (Exception again) {
                                            // the JVM is going away either way
                                        }
                                    }
                                },
                                "route-shutdown"));
        job.getJobExecutionResult().get();
        return 0;
    }

    /**
     * The cluster mode: upload the job jar, run it, follow it until Ctrl-C (or not: --detached).
     */
    private int submit(JobSettings settings, @Nullable String restore) throws Exception {
        FlinkRest flink = new FlinkRest(jobManager);
        String job = JobJar.submit(flink, settings, parallelism, restore);
        System.err.printf(
                "route: job %s running on the Flink cluster at %s (%d shards, k %d, parallelism"
                        + " %d, %s); web UI http://%s/%n",
                job,
                flink.address(),
                settings.shards(),
                settings.k(),
                parallelism,
                settings.delivery(),
                flink.address());
        if (detached) {
            spec.commandLine().getOut().println(job);
            spec.commandLine().getOut().flush();
            return 0;
        }
        System.err.println("route: Ctrl-C stops it with a savepoint");
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        System.err.println(
                                                "route: savepoint "
                                                        + flink.stopWithSavepoint(
                                                                job,
                                                                savepoints(),
                                                                Duration.ofMinutes(2)));
                                    } catch (Exception e) {
                                        System.err.println(
                                                "route: the job could not be stopped with a"
                                                        + " savepoint ("
                                                        + e.getMessage()
                                                        + "); it keeps running on the cluster");
                                    }
                                },
                                "route-shutdown"));
        while (true) {
            String state = flink.state(job);
            if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                System.err.println("route: job " + job + " is " + state + " " + flink.failure(job));
                return "FAILED".equals(state) ? 1 : 0;
            }
            Thread.sleep(2000);
        }
    }

    /** Where savepoints go: beside the checkpoints, where {@link #restorePoint} looks. */
    private String savepoints() {
        return JobSettings.savepoints(JobSettings.checkpointUri(checkpoints));
    }

    /**
     * What the job restores from: {@code --from-savepoint}, else the newest retained checkpoint or
     * savepoint under a local {@code --checkpoints} directory (unless {@code --fresh}), else
     * nothing.
     */
    private @Nullable String restorePoint(URI root) throws java.io.IOException {
        if (fromSavepoint != null) {
            if (fresh) {
                throw new IllegalArgumentException("--fresh and --from-savepoint contradict");
            }
            return JobSettings.checkpointUri(fromSavepoint).toString();
        }
        if (fresh || !"file".equals(root.getScheme())) {
            return null;
        }
        Path dir = Path.of(root);
        Files.createDirectories(dir);
        return LocalJob.latestCheckpoint(dir).map(p -> p.toUri().toString()).orElse(null);
    }
}

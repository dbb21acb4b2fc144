package dev.pointsman.cli.cluster;

import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.embed.cli.EmbedWorkerMain;
import dev.pointsman.flink.job.JobSettings;
import dev.pointsman.flink.job.LocalJob;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Every part of Pointsman as its own process on loopback: {@code pointsman cluster} leaves one
 * running, {@code bench faults} kills and restarts its parts under load. Kafka nodes, a Flink
 * session with the routing job submitted as a job jar, embed workers, streams apps; what started is
 * recorded in a {@link ClusterState} after every step.
 */
public final class LoopbackCluster implements AutoCloseable {
    /**
     * @param httpPort the first streams app's API port (the next ones follow); 0 for free ports
     * @param detached whether the processes outlive this program ({@code pointsman cluster})
     * @param job changes the routing job's settings (decisions exactly once, checkpoints…)
     * @param streamsArgs extra options of every streams app
     */
    public record Settings(
            Path dir,
            int brokers,
            int taskManagers,
            int slots,
            int parallelism,
            int embedWorkers,
            int streamsApps,
            int httpPort,
            boolean detached,
            UnaryOperator<JobSettings.Builder> job,
            List<String> streamsArgs) {
        public Settings {
            if (brokers < 1 || taskManagers < 1 || slots < 1 || parallelism < 1) {
                throw new IllegalArgumentException(
                        "--brokers, --task-managers, --slots and --parallelism must be > 0");
            }
            if (embedWorkers < 0 || streamsApps < 0) {
                throw new IllegalArgumentException(
                        "--embed-workers and --streams-apps must be >= 0");
            }
            if (parallelism > slots * taskManagers) {
                throw new IllegalArgumentException(
                        "--parallelism "
                                + parallelism
                                + " needs as many task slots, and --task-managers "
                                + taskManagers
                                + " × --slots "
                                + slots
                                + " give "
                                + (slots * taskManagers));
            }
            streamsArgs = List.copyOf(streamsArgs);
        }
    }

    private final Settings settings;
    private final ClusterState state;
    private final PrintStream progress;
    private KafkaCluster kafka;
    private FlinkSession flink;
    private String job;
    private final List<JvmProcess> workers = new ArrayList<>();
    private final List<StreamsChild> apps = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    /**
     * The embed workers' and streams apps' client settings: a 10 s session instead of Kafka's 45 s,
     * so that a process that died on this machine gives its partitions up within seconds (a
     * restarted one joins as a new member and would otherwise wait for the old one to time out).
     */
    private static final String CLIENT_CONFIG =
            "# written by pointsman cluster\nsession.timeout.ms=10000\nheartbeat.interval.ms=2500\n";

    private Path clientConfig() {
        return settings.dir().resolve("client.properties");
    }

    private LoopbackCluster(Settings settings, PrintStream progress) {
        this.settings = settings;
        this.state = new ClusterState(settings.dir());
        this.progress = progress;
    }

    /** Starts every part, in order; on a failure stops what started and rethrows. */
    public static LoopbackCluster start(Settings s, PrintStream progress) throws Exception {
        ClusterState running = ClusterState.read(s.dir());
        if (running != null && running.anyAlive()) {
            throw new IllegalArgumentException(
                    "a cluster is already running from "
                            + s.dir()
                            + " (stop it with: pointsman cluster down --dir "
                            + s.dir()
                            + ")");
        }
        LoopbackCluster cluster = new LoopbackCluster(s, progress);
        for (int i = 0; i < s.streamsApps(); i++) {
            cluster.ports.add(
                    s.httpPort() == 0
                            ? Ports.free()
                            : Ports.checkFree(s.httpPort() + i, "--http-port"));
        }
        Files.createDirectories(s.dir());
        try {
            cluster.startAll();
        } catch (Exception e) {
            progress.println("cluster: starting failed; stopping what started");
            cluster.state.stopAll(progress);
            throw e;
        }
        return cluster;
    }

    private void startAll() throws Exception {
        Path dir = settings.dir();
        Files.writeString(clientConfig(), CLIENT_CONFIG);
        say("Kafka: " + settings.brokers() + " KRaft nodes");
        kafka = KafkaCluster.start(dir, settings.brokers(), settings.detached());
        kafka.nodes().forEach(state::add);
        state.bootstrap(kafka.bootstrapServers());
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            Replication replication = Replication.of(admin, null, null);
            Topics.ensure(admin, Topics.all(4, replication, Duration.ofDays(7)));
            state.replication(replication);
        }
        state.write();

        say("Flink: a JobManager and " + settings.taskManagers() + " TaskManagers");
        flink =
                FlinkSession.start(
                        new FlinkSession.Settings(
                                dir.resolve("flink"),
                                BuildArtifacts.flinkLib(),
                                settings.taskManagers(),
                                settings.slots(),
                                null,
                                settings.detached()));
        flink.processes().forEach(state::add);
        state.flink(flink.restAddress());
        state.write();

        Path checkpoints = state.checkpoints();
        Path restore = LocalJob.latestCheckpoint(checkpoints).orElse(null);
        say("the routing job" + (restore == null ? "" : ", from " + restore));
        JobSettings jobSettings =
                settings.job()
                        .apply(JobSettings.builder(kafka.bootstrapServers(), checkpoints))
                        .build();
        job =
                JobJar.submit(
                        flink.rest(),
                        jobSettings,
                        settings.parallelism(),
                        restore == null ? null : restore.toUri().toString());
        state.job(job);
        state.write();

        for (int i = 1; i <= settings.embedWorkers(); i++) {
            say("embed worker " + i + " of " + settings.embedWorkers());
            workers.add(startEmbedWorker(i));
        }
        for (int i = 1; i <= settings.streamsApps(); i++) {
            say("streams app " + i + " of " + settings.streamsApps());
            apps.add(startStreamsApp(i));
            state.http(ports.get(i - 1));
            state.write();
        }
        // a service that could not start (a bad option, a port taken) is gone by now
        for (JvmProcess worker : workers) {
            worker.checkAlive();
        }
    }

    /** Starts embed worker {@code i} (1-based), e.g. again after it was killed. */
    private JvmProcess startEmbedWorker(int i) throws IOException {
        JvmProcess worker =
                JvmProcess.start(
                        "embed worker " + i,
                        System.getProperty("java.class.path"),
                        List.of("-Xmx1g", "--add-modules=jdk.incubator.vector"),
                        EmbedWorkerMain.class.getName(),
                        List.of(
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--transactional-id",
                                "pointsman-embed-worker-" + i,
                                "--kafka-config",
                                clientConfig().toString()),
                        settings.dir().resolve("log/embed-worker-" + i + ".log"),
                        settings.detached());
        state.add(worker);
        state.write();
        return worker;
    }

    private StreamsChild startStreamsApp(int i) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.addAll(
                List.of(
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--state-dir",
                        settings.dir().resolve("streams-" + i).toString(),
                        "--kafka-config",
                        clientConfig().toString()));
        args.addAll(settings.streamsArgs());
        StreamsChild app =
                StreamsChild.start(
                        BuildArtifacts.streamsJar(),
                        args,
                        ports.get(i - 1),
                        settings.dir().resolve("log/streams-" + i + ".log"),
                        settings.detached());
        state.add("streams app " + i, app.pid(), app.log());
        state.write();
        return app;
    }

    /**
     * kill -9 of the TaskManager running the job's tasks, and a new TaskManager as the cluster's
     * spare (recorded, so that {@link #close} stops it too).
     */
    public void replaceBusyTaskManager() throws Exception {
        flink.killBusyTaskManager();
        state.add(flink.startTaskManager());
        state.write();
    }

    /** kill -9 of Kafka node {@code id} (1-based), then the node again on its data and ports. */
    public void restartKafkaNode(int id, Duration down) throws Exception {
        kafka.kill(id);
        Thread.sleep(down.toMillis());
        state.add(kafka.restart(id));
        state.write();
    }

    /** kill -9 of embed worker {@code i} (1-based), then a new one in its place. */
    public void restartEmbedWorker(int i, Duration down) throws Exception {
        workers.get(i - 1).kill();
        Thread.sleep(down.toMillis());
        workers.set(i - 1, startEmbedWorker(i));
    }

    /** kill -9 of streams app {@code i} (1-based), then a new one on its port and state. */
    public void restartStreamsApp(int i, Duration down) throws Exception {
        apps.get(i - 1).kill();
        Thread.sleep(down.toMillis());
        apps.set(i - 1, startStreamsApp(i));
    }

    public KafkaCluster kafka() {
        return kafka;
    }

    public FlinkSession flink() {
        return flink;
    }

    public String job() {
        return job;
    }

    public ClusterState state() {
        return state;
    }

    /** The streams apps' API ports. */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /**
     * Stops the job, then every process. A detached cluster ({@code pointsman cluster}) stops its
     * job with a savepoint, to start again from; one that ends with this program (a benchmark)
     * cancels it, since nothing will start from it.
     */
    @Override
    public void close() throws IOException {
        if (settings.detached()) {
            progress.println("cluster: stopping the routing job with a savepoint...");
            state.stopJob();
        } else if (job != null) {
            progress.println("cluster: cancelling the routing job...");
            try {
                flink.rest().cancel(job);
            } catch (IOException e) {
                progress.println("cluster: the job was not cancelled: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        state.stopAll(progress);
    }

    private void say(String what) {
        progress.println("cluster: starting " + what + "...");
    }
}

package dev.pointsman.cli.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Flink standalone session cluster on loopback: a JobManager and TaskManagers, each its own JVM,
 * started through Flink's entry points ({@code StandaloneSessionClusterEntrypoint}, {@code
 * TaskManagerRunner}) on the runtime jars gathered by the {@code flink-cluster} module, since
 * Flink's binary distribution is not on Maven Central. Jobs reach it the way they reach any session
 * cluster: over the REST API ({@link #rest}).
 */
public final class FlinkSession implements AutoCloseable {
    /** The JVM options Flink's own start scripts give every process on Java 17. */
    private static final List<String> JAVA_17_OPENS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * @param dir the cluster's configuration, logs, temporary files, uploads and savepoints
     * @param lib the Flink runtime jars ({@code flink-cluster/target/lib})
     * @param taskManagers how many TaskManager JVMs
     * @param slots task slots per TaskManager
     * @param metricsPorts a port range ({@code 9250-9260}) where every process serves its metrics
     *     in the Prometheus format, or null for none
     * @param detached whether the processes outlive this program ({@link JvmProcess#start})
     */
    public record Settings(
            Path dir,
            Path lib,
            int taskManagers,
            int slots,
            @Nullable String metricsPorts,
            boolean detached) {
        public Settings {
            if (taskManagers < 1) {
                throw new IllegalArgumentException(
                        "--task-managers must be > 0, got " + taskManagers);
            }
            if (slots < 1) {
                throw new IllegalArgumentException("--slots must be > 0, got " + slots);
            }
        }
    }

    private final Settings settings;
    private final Path conf;
    private final int restPort;
    private final JvmProcess jobManager;
    private final List<JvmProcess> taskManagers = new ArrayList<>();
    private final List<JvmProcess> killedTaskManagers = new ArrayList<>();
    private final Map<String, JvmProcess> byResourceId = new HashMap<>();
    private final FlinkRest rest;
    private int started;

    private FlinkSession(Settings settings, Path conf, int restPort, JvmProcess jobManager) {
        this.settings = settings;
        this.conf = conf;
        this.restPort = restPort;
        this.jobManager = jobManager;
        this.rest = new FlinkRest("localhost:" + restPort);
    }

    /** Starts the JobManager and the TaskManagers, and returns once every slot is registered. */
    public static FlinkSession start(Settings s) throws IOException, InterruptedException {
        if (!Files.isDirectory(s.lib())) {
            throw new IllegalStateException(
                    "Flink's runtime jars are not gathered: "
                            + s.lib()
                            + " is missing (run: mvn -B -q -pl flink-cluster package, or use"
                            + " bin/pointsman, which builds it)");
        }
        Path conf = s.dir().resolve("conf");
        Files.createDirectories(conf);
        int rpcPort = Ports.free();
        int restPort = Ports.free();
        Files.writeString(conf.resolve("config.yaml"), configuration(s, rpcPort, restPort));
        JvmProcess jobManager =
                JvmProcess.start(
                        "the Flink JobManager",
                        classpath(s.lib()),
                        options("-Xmx512m"),
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        List.of("--configDir", conf.toString()),
                        s.dir().resolve("log/jobmanager.log"),
                        s.detached());
        FlinkSession session = new FlinkSession(s, conf, restPort, jobManager);
        try {
            session.awaitSlots(0, Duration.ofSeconds(90));
            for (int i = 0; i < s.taskManagers(); i++) {
                session.startTaskManager();
            }
            session.awaitSlots(s.taskManagers() * s.slots(), Duration.ofSeconds(90));
        } catch (IOException | InterruptedException | RuntimeException e) {
            session.close();
            throw e;
        }
        return session;
    }

    /**
     * The cluster's configuration file: loopback only, short heartbeats so a lost process is seen
     * fast.
     */
    static String configuration(Settings s, int rpcPort, int restPort) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "localhost");
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", "localhost");
        c.put("jobmanager.memory.process.size", "1g");
        c.put("taskmanager.host", "localhost");
        c.put("taskmanager.bind-host", "localhost");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(s.slots()));
        // Flink's start scripts work out a TaskManager's memory and pass it in; started through
        // its entry point, a TaskManager must be told. Heap 128m framework + 512m tasks (the JVM's
        // -Xmx below), 128m framework off-heap + 128m network (its direct memory), 512m managed
        // (RocksDB's block cache and write buffers, native).
        c.put("taskmanager.cpu.cores", Integer.toString(s.slots()));
        c.put("taskmanager.memory.framework.heap.size", "128m");
        c.put("taskmanager.memory.task.heap.size", "512m");
        c.put("taskmanager.memory.framework.off-heap.size", "128m");
        c.put("taskmanager.memory.task.off-heap.size", "0m");
        c.put("taskmanager.memory.network.min", "128m");
        c.put("taskmanager.memory.network.max", "128m");
        c.put("taskmanager.memory.managed.size", "512m");
        c.put("taskmanager.memory.jvm-metaspace.size", "256m");
        c.put("taskmanager.memory.jvm-overhead.min", "192m");
        c.put("taskmanager.memory.jvm-overhead.max", "192m");
        c.put("parallelism.default", Integer.toString(Math.min(2, s.slots() * s.taskManagers())));
        c.put("rest.address", "localhost");
        c.put("rest.bind-address", "localhost");
        c.put("rest.port", Integer.toString(restPort));
        c.put("web.upload.dir", s.dir().resolve("uploads").toString());
        c.put("io.tmp.dirs", s.dir().resolve("tmp").toString());
        c.put(
                "execution.checkpointing.savepoint-dir",
                s.dir().resolve("savepoints").toUri().toString());
        // A killed TaskManager is declared lost after 10 s instead of 50 s.
        c.put("heartbeat.interval", "2000");
        c.put("heartbeat.timeout", "10000");
        if (s.metricsPorts() != null) {
            c.put(
                    "metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            c.put("metrics.reporter.prom.port", s.metricsPorts());
        }
        StringBuilder yaml =
                new StringBuilder("# written by pointsman: a session cluster on loopback\n");
        c.forEach((key, value) -> yaml.append(key).append(": \"").append(value).append("\"\n"));
        return yaml.toString();
    }

    /** Starts one more TaskManager (also the way back after one was killed). */
    public JvmProcess startTaskManager() throws IOException {
        int n = ++started;
        String resourceId = "taskmanager-" + n;
        JvmProcess tm =
                JvmProcess.start(
                        "Flink TaskManager " + n,
                        classpath(settings.lib()),
                        options(
                                "-Xmx1g",
                                "-XX:MaxDirectMemorySize=512m",
                                "--add-modules=jdk.incubator.vector"),
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        List.of(
                                "--configDir",
                                conf.toString(),
                                "-D",
                                "taskmanager.resource-id=" + resourceId),
                        settings.dir().resolve("log/taskmanager-" + n + ".log"),
                        settings.detached());
        taskManagers.add(tm);
        byResourceId.put(resourceId, tm);
        return tm;
    }

    /** Waits until the JobManager answers and {@code slots} task slots are registered. */
    public void awaitSlots(int slots, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            jobManager.checkAlive();
            for (JvmProcess tm : taskManagers) {
                if (!tm.isAlive() && !killed(tm)) {
                    tm.checkAlive();
                }
            }
            try {
                var overview = rest.overview();
                if (overview.path("slots-total").asInt(-1) >= slots) {
                    return;
                }
                last = overview.toString();
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                "the Flink cluster did not register "
                        + slots
                        + " slots within "
                        + timeout
                        + ": "
                        + last
                        + " (logs in "
                        + settings.dir().resolve("log")
                        + ")");
    }

    private boolean killed(JvmProcess tm) {
        return killedTaskManagers.contains(tm);
    }

    /**
     * kill -9 of a TaskManager that runs some of the cluster's tasks (one whose slots are taken);
     * returns which.
     */
    public JvmProcess killBusyTaskManager() throws IOException, InterruptedException {
        for (var tm : rest.get("taskmanagers").path("taskmanagers")) {
            if (tm.path("freeSlots").asInt() < tm.path("slotsNumber").asInt()) {
                String id = tm.path("id").asText();
                JvmProcess process = byResourceId.get(id);
                if (process != null && process.isAlive()) {
                    killedTaskManagers.add(process);
                    process.kill();
                    return process;
                }
            }
        }
        throw new IllegalStateException("no TaskManager of this cluster runs a task");
    }

    public FlinkRest rest() {
        return rest;
    }

    /** {@code localhost:PORT} of the REST endpoint (and web UI). */
    public String restAddress() {
        return "localhost:" + restPort;
    }

    public List<JvmProcess> processes() {
        List<JvmProcess> all = new ArrayList<>();
        all.add(jobManager);
        all.addAll(taskManagers);
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        for (JvmProcess tm : taskManagers) {
            tm.close();
        }
        jobManager.close();
    }

    private static String classpath(Path lib) {
        return lib.toAbsolutePath() + File.separator + "*";
    }

    private static List<String> options(String... extra) {
        List<String> all = new ArrayList<>(List.of(extra));
        all.addAll(JAVA_17_OPENS);
        return all;
    }
}

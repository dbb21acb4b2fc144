package dev.pointsman.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pointsman.flink.job.JobSettings;
import dev.pointsman.topics.Replication;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What {@code pointsman cluster} started, in {@code DIR/cluster.json}: every process (name, pid,
 * log) in start order, and where Kafka, Flink, the job and the APIs are. Written after every step,
 * so that {@code pointsman cluster down} stops a cluster whose start failed halfway too.
 */
public final class ClusterState {
    public static final String FILE = "cluster.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final ObjectNode root;

    public ClusterState(Path dir) {
        this(dir, JSON.createObjectNode());
        root.putArray("processes");
        root.putArray("http");
    }

    private ClusterState(Path dir, ObjectNode root) {
        this.dir = dir;
        this.root = root;
    }

    /** The state of the cluster started from {@code dir}, or null when there is none. */
    public static @Nullable ClusterState read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        return new ClusterState(dir, (ObjectNode) JSON.readTree(file.toFile()));
    }

    public void add(JvmProcess process) {
        add(process.name(), process.pid(), process.log());
    }

    public void add(String name, long pid, Path log) {
        ((ArrayNode) root.get("processes"))
                .addObject()
                .put("name", name)
                .put("pid", pid)
                .put("log", log.toString());
    }

    public void bootstrap(String servers) {
        root.put("bootstrap", servers);
    }

    public String bootstrap() {
        return root.path("bootstrap").asText();
    }

    public void replication(Replication r) {
        root.put("replicas", r.replicas()).put("minInsync", r.minInsync());
    }

    public String replicationText() {
        return "topics: "
                + root.path("replicas").asInt()
                + " replicas, "
                + root.path("minInsync").asInt()
                + " in sync";
    }

    public void flink(String restAddress) {
        root.put("flink", restAddress);
    }

    public String flink() {
        return root.path("flink").asText();
    }

    public void job(String id) {
        root.put("job", id);
    }

    public String job() {
        return root.path("job").asText();
    }

    public void http(int port) {
        ((ArrayNode) root.get("http")).add(port);
    }

    public List<Integer> http() {
        List<Integer> ports = new ArrayList<>();
        root.path("http").forEach(p -> ports.add(p.asInt()));
        return ports;
    }

    /** Writes the state file (atomically: a reader never sees half of it). */
    public void write() throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(
                tmp,
                dir.resolve(FILE),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** The pid of the process named {@code name}. */
    public long pid(String name) {
        for (JsonNode p : root.path("processes")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("pid").asLong();
            }
        }
        throw new IllegalArgumentException("the cluster has no process named " + name);
    }

    /** The pids of every process, in start order. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        root.path("processes").forEach(p -> pids.add(p.path("pid").asLong()));
        return pids;
    }

    /** Whether any process of the cluster still runs. */
    public boolean anyAlive() {
        for (JsonNode p : root.path("processes")) {
            if (handle(p).map(ProcessHandle::isAlive).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /** Where the cluster's routing job checkpoints, and its savepoints go beside. */
    public Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    /**
     * Stops the routing job with a savepoint beside its {@link #checkpoints} and returns where it
     * is; null when there is no job or Flink does not answer (the processes are stopped anyway).
     */
    public @Nullable String stopJob() {
        if (!root.hasNonNull("job") || !root.hasNonNull("flink")) {
            return null;
        }
        try {
            return new FlinkRest(flink())
                    .stopWithSavepoint(
                            job(),
                            JobSettings.savepoints(checkpoints().toUri()),
                            Duration.ofMinutes(2));
        } catch (IOException | RuntimeException e) {
            System.err.println(
                    "cluster: the job was not stopped with a savepoint: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Stops every process still running and then deletes the state file; returns the names of the
     * processes stopped. The clients (job, embed workers, streams apps) go first, all at once, so
     * that none waits on a Kafka node that is already gone; then the Kafka nodes, newest first.
     * SIGTERM, then SIGKILL to one still there after 30 s; the last Kafka node gets 5 s, since
     * without a quorum left it only waits for a controller that never answers.
     */
    public List<String> stopAll(PrintStream progress) throws IOException {
        List<JsonNode> clients = new ArrayList<>();
        List<JsonNode> kafka = new ArrayList<>();
        root.path("processes").forEach(p -> (isKafkaNode(p) ? kafka : clients).add(0, p));
        List<String> stopped = new ArrayList<>(stop(clients, 30, progress));
        for (int i = 0; i < kafka.size(); i++) {
            stopped.addAll(stop(List.of(kafka.get(i)), i == kafka.size() - 1 ? 5 : 30, progress));
        }
        Files.deleteIfExists(dir.resolve(FILE));
        return stopped;
    }

    /** SIGTERM to each live process at once, then SIGKILL to those still there after the wait. */
    private static List<String> stop(List<JsonNode> processes, int seconds, PrintStream progress) {
        Map<String, ProcessHandle> live = new LinkedHashMap<>();
        for (JsonNode p : processes) {
            handle(p)
                    .filter(ProcessHandle::isAlive)
                    .ifPresent(h -> live.put(p.path("name").asText(), h));
        }
        live.forEach(
                (name, h) -> {
                    progress.println("cluster: stopping " + name + "...");
                    h.destroy();
                });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        live.forEach(
                (name, h) -> {
                    try {
                        h.onExit()
                                .get(
                                        Math.max(0, deadline - System.nanoTime()),
                                        TimeUnit.NANOSECONDS);
                    } catch (Exception e) {
                        h.destroyForcibly();
                        try {
                            h.onExit().get(10, TimeUnit.SECONDS);
                        } catch (Exception stillThere) {
                            progress.println("cluster: " + name + " did not exit");
                        }
                    }
                });
        return List.copyOf(live.keySet());
    }

    private static boolean isKafkaNode(JsonNode p) {
        return p.path("name").asText().startsWith(KafkaCluster.NODE_NAME);
    }

    /** The live process of an entry; empty when it is gone or its pid now names another program. */
    private static Optional<ProcessHandle> handle(JsonNode p) {
        return ProcessHandle.of(p.path("pid").asLong())
                .filter(
                        h ->
                                h.info()
                                        .command()
                                        .map(c -> c.endsWith("java") || c.endsWith("setsid"))
                                        .orElse(true));
    }
}

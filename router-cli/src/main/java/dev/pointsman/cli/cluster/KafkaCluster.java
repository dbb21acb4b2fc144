package dev.pointsman.cli.cluster;

import dev.pointsman.kafka.KafkaNodeMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster on loopback: {@code n} KRaft nodes (each broker and controller, all voters), each
 * its own JVM started from Kafka's Maven artifacts on this program's classpath ({@link
 * KafkaNodeMain}). With 3 nodes, topics get 3 replicas and 2 in sync, so a node can be killed
 * without losing an acknowledged record.
 */
public final class KafkaCluster implements AutoCloseable {
    /** Each node's name in the cluster's state file: this and its id. */
    static final String NODE_NAME = "Kafka node ";

    private final List<JvmProcess> nodes;
    private final String bootstrapServers;
    private final List<List<String>> args = new ArrayList<>();
    private final Path dir;
    private final boolean detached;

    private KafkaCluster(
            List<JvmProcess> nodes, String bootstrapServers, Path dir, boolean detached) {
        this.nodes = nodes;
        this.bootstrapServers = bootstrapServers;
        this.dir = dir;
        this.detached = detached;
    }

    /** Starts {@code n} nodes with their data under {@code dir}, and waits until all serve. */
    public static KafkaCluster start(Path dir, int n, boolean detached)
            throws IOException, InterruptedException {
        if (n < 1) {
            throw new IllegalArgumentException("--brokers must be > 0, got " + n);
        }
        // A cluster started again on its data keeps its ports and id: the quorum recorded them.
        Path layoutFile = dir.resolve("kafka-layout.properties");
        Properties layout = new Properties();
        if (Files.isRegularFile(layoutFile)) {
            try (var in = Files.newInputStream(layoutFile)) {
                layout.load(in);
            }
            if (Integer.parseInt(layout.getProperty("nodes")) != n) {
                throw new IllegalArgumentException(
                        "--brokers "
                                + n
                                + ": the cluster in "
                                + dir
                                + " has "
                                + layout.getProperty("nodes")
                                + " nodes (start it with as many, or use a new --dir)");
            }
        } else {
            layout.setProperty("nodes", Integer.toString(n));
            layout.setProperty("cluster.id", Uuid.randomUuid().toString());
            for (int i = 1; i <= n; i++) {
                layout.setProperty("node." + i + ".port", Integer.toString(Ports.free()));
                layout.setProperty(
                        "node." + i + ".controller.port", Integer.toString(Ports.free()));
            }
            Files.createDirectories(dir);
            try (var out = Files.newOutputStream(layoutFile)) {
                layout.store(out, "the Kafka cluster's ports and id, kept for its next start");
            }
        }
        int[] ports = new int[n];
        int[] controllers = new int[n];
        List<String> voters = new ArrayList<>();
        List<String> bootstrap = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ports[i] = Integer.parseInt(layout.getProperty("node." + (i + 1) + ".port"));
            controllers[i] =
                    Integer.parseInt(layout.getProperty("node." + (i + 1) + ".controller.port"));
            voters.add((i + 1) + "@127.0.0.1:" + controllers[i]);
            bootstrap.add("127.0.0.1:" + ports[i]);
        }
        String clusterId = layout.getProperty("cluster.id");
        List<JvmProcess> nodes = new ArrayList<>();
        KafkaCluster cluster = new KafkaCluster(nodes, String.join(",", bootstrap), dir, detached);
        try {
            for (int i = 0; i < n; i++) {
                int id = i + 1;
                cluster.args.add(
                        List.of(
                                "--id",
                                Integer.toString(id),
                                "--dir",
                                dir.resolve("kafka-" + id).toString(),
                                "--port",
                                Integer.toString(ports[i]),
                                "--controller-port",
                                Integer.toString(controllers[i]),
                                "--voters",
                                String.join(",", voters),
                                "--cluster-id",
                                clusterId));
                nodes.add(cluster.startNode(id));
            }
            cluster.awaitBrokers(n, Duration.ofSeconds(90));
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private JvmProcess startNode(int id) throws IOException {
        return JvmProcess.start(
                NODE_NAME + id,
                System.getProperty("java.class.path"),
                List.of("-Xmx512m"),
                KafkaNodeMain.class.getName(),
                args.get(id - 1),
                dir.resolve("log/kafka-" + id + ".log"),
                detached);
    }

    /** kill -9 of node {@code id} (1-based). */
    public void kill(int id) throws InterruptedException {
        nodes.get(id - 1).kill();
    }

    /**
     * Starts node {@code id} again on its data and ports, and waits until it is back; one that does
     * not come back is killed, so that no caller is left with a process it does not know of.
     */
    public JvmProcess restart(int id) throws IOException, InterruptedException {
        JvmProcess node = startNode(id);
        nodes.set(id - 1, node);
        try {
            awaitBrokers(nodes.size(), Duration.ofSeconds(90));
        } catch (RuntimeException | IOException | InterruptedException e) {
            node.kill();
            throw e;
        }
        return node;
    }

    /** Waits until {@code n} brokers are registered. */
    public void awaitBrokers(int n, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                5_000,
                                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                5_000))) {
            while (System.nanoTime() < deadline) {
                for (JvmProcess node : nodes) {
                    node.checkAlive();
                }
                try {
                    if (admin.describeCluster().nodes().get().size() >= n) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // not serving yet
                }
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException(
                "the Kafka cluster did not register " + n + " brokers within " + timeout);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public List<JvmProcess> nodes() {
        return nodes;
    }

    @Override
    public void close() throws InterruptedException {
        for (JvmProcess node : nodes) {
            node.close();
        }
    }
}

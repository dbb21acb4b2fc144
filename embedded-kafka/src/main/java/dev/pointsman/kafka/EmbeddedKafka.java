package dev.pointsman.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) bound to the
 * loopback interface, for the embedded default and for tests. The data directory is formatted on
 * first start and reused afterwards, so records survive a restart.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final String saslBootstrapServers;

    private EmbeddedKafka(
            KafkaRaftServer server,
            String bootstrapServers,
            Path dataDir,
            String saslBootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.saslBootstrapServers = saslBootstrapServers;
    }

    /**
     * A user and password the broker's SASL/PLAIN listener accepts.
     *
     * @param port the listener's port
     */
    public record SaslUser(String user, String password, int port) {}

    /**
     * Starts a single node on free ports that also listens for SASL_PLAINTEXT clients (mechanism
     * PLAIN) on {@link #saslBootstrapServers()}, accepting {@code user} with {@code password}: a
     * broker that turns away clients whose configuration lacks the credentials.
     */
    public static EmbeddedKafka startWithSasl(Path dataDir, String user, String password)
            throws IOException {
        int controllerPort = freePort();
        return start(
                new Node(
                        1,
                        dataDir,
                        freePort(),
                        controllerPort,
                        "1@" + HOST + ":" + controllerPort,
                        null),
                new SaslUser(user, password, freePort()));
    }

    /** Starts a broker on free loopback ports with its log and metadata under {@code dataDir}. */
    public static EmbeddedKafka start(Path dataDir) throws IOException {
        return start(dataDir, freePort(), freePort());
    }

    /**
     * Starts a broker on the given ports. A restart on the same {@code dataDir} must use the same
     * controller port, which is recorded in the quorum configuration.
     */
    public static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort)
            throws IOException {
        return start(
                new Node(
                        1,
                        dataDir,
                        brokerPort,
                        controllerPort,
                        "1@" + HOST + ":" + controllerPort,
                        null));
    }

    /**
     * One node of a KRaft cluster (broker and controller in one process) on loopback.
     *
     * @param voters the controller quorum, {@code id@host:port,...}; every node of a cluster gives
     *     the same
     * @param clusterId the id every node of the cluster is formatted with; null for a new random
     *     one (a single node)
     */
    public record Node(
            int id,
            Path dataDir,
            int brokerPort,
            int controllerPort,
            String voters,
            String clusterId) {
        /** How many nodes the quorum has. */
        int size() {
            return voters.split(",").length;
        }
    }

    /**
     * Starts one node. A restart on the same data directory must use the same ports, which the
     * quorum records. Internal topics are replicated 3 ways (2 in sync) once the cluster has 3
     * nodes or more, else on every node.
     */
    public static EmbeddedKafka start(Node node) throws IOException {
        return start(node, null);
    }

    private static EmbeddedKafka start(Node node, SaslUser sasl) throws IOException {
        Path dataDir = node.dataDir();
        Files.createDirectories(dataDir);
        String logDir = dataDir.toAbsolutePath().toString();
        int replicas = Math.min(3, node.size());
        String minIsr = Integer.toString(Math.max(1, replicas - 1));
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(node.id()));
        props.put("controller.quorum.voters", node.voters());
        props.put(
                "listeners",
                "PLAINTEXT://"
                        + HOST
                        + ":"
                        + node.brokerPort()
                        + ",CONTROLLER://"
                        + HOST
                        + ":"
                        + node.controllerPort());
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + node.brokerPort());
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        String saslBootstrap = null;
        if (sasl != null) {
            saslBootstrap = HOST + ":" + sasl.port();
            props.put("listeners", props.get("listeners") + ",SASL_PLAINTEXT://" + saslBootstrap);
            props.put(
                    "advertised.listeners",
                    props.get("advertised.listeners") + ",SASL_PLAINTEXT://" + saslBootstrap);
            props.put(
                    "listener.security.protocol.map",
                    props.get("listener.security.protocol.map") + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
            props.put("sasl.enabled.mechanisms", "PLAIN");
            props.put(
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
                            + sasl.user()
                            + "=\""
                            + sasl.password()
                            + "\";");
        }
        props.put("log.dirs", logDir);
        props.put("auto.create.topics.enable", "false");
        props.put("default.replication.factor", Integer.toString(replicas));
        props.put("offsets.topic.replication.factor", Integer.toString(replicas));
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", Integer.toString(replicas));
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", Integer.toString(replicas));
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("group.initial.rebalance.delay.ms", "0");
        // The log cleaner reserves 128 MiB of heap for dedupe by default; compaction here is small.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));

        KafkaConfig config = new KafkaConfig(props, false);
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format(
                    logDir,
                    node.id(),
                    node.clusterId() != null ? node.clusterId() : Uuid.randomUuid().toString());
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        String bootstrap = HOST + ":" + node.brokerPort();
        LOG.info("Kafka node {} up at {} (data {})", node.id(), bootstrap, logDir);
        return new EmbeddedKafka(server, bootstrap, dataDir, saslBootstrap);
    }

    private static void format(String logDir, int nodeId, String clusterId) throws IOException {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir))
                    .setMetadataLogDirectory(logDir)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IOException("formatting the Kafka data directory " + logDir + " failed", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * {@code host:port} of the SASL_PLAINTEXT listener of a broker from {@link #startWithSasl}.
     *
     * @throws IllegalStateException on a broker without one
     */
    public String saslBootstrapServers() {
        if (saslBootstrapServers == null) {
            throw new IllegalStateException("this broker has no SASL listener");
        }
        return saslBootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Shuts down cleanly: logs are flushed so a later start on the same directory recovers fast.
     */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("embedded Kafka broker at {} stopped", bootstrapServers);
    }
}

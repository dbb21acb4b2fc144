package dev.pointsman.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
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
    private final Secured secured;

    private EmbeddedKafka(
            KafkaRaftServer server, String bootstrapServers, Path dataDir, Secured secured) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.secured = secured;
    }

    /**
     * A broker's secured listener: SASL_SSL, SCRAM-SHA-512 users, a certificate for 127.0.0.1 that
     * {@link TestCertificates} made, and Kafka's StandardAuthorizer, under which a user may do only
     * what ACLs grant it. The plain listener stays, for the broker itself and for test harnesses,
     * as a super user.
     *
     * @param users user → password
     */
    public record Secured(int port, Map<String, String> users, TestCertificates certificates) {
        /** The client properties (security.protocol, sasl.*, ssl.*) that log {@code user} in. */
        public Map<String, String> clientProperties(String user) {
            String password = users.get(user);
            if (password == null) {
                throw new IllegalArgumentException("no such user: " + user);
            }
            Map<String, String> p = new LinkedHashMap<>();
            p.put("security.protocol", "SASL_SSL");
            p.put("sasl.mechanism", "SCRAM-SHA-512");
            p.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                            + user
                            + "\" password=\""
                            + password
                            + "\";");
            p.putAll(certificates.truststoreProperties());
            return p;
        }

        /**
         * Writes {@link #clientProperties} of {@code user} to {@code file}, as a component's {@code
         * --kafka-config} takes them, and returns the file.
         */
        public Path writeClientProperties(String user, Path file) throws IOException {
            Properties p = new Properties();
            p.putAll(clientProperties(user));
            try (Writer out = Files.newBufferedWriter(file)) {
                p.store(out, "Kafka client settings of " + user);
            }
            return file;
        }
    }

    /**
     * Starts a single node on free ports that also listens for SASL_SSL clients on {@link
     * #secureBootstrapServers()}: TLS with a certificate made for it, SCRAM-SHA-512 logins for
     * {@code users} (user → password), and ACLs enforced for them.
     */
    public static EmbeddedKafka startSecured(Path dataDir, Map<String, String> users)
            throws IOException {
        // beside the data directory: Kafka's log directory holds topic data only
        Path abs = dataDir.toAbsolutePath();
        TestCertificates certificates =
                TestCertificates.make(abs.resolveSibling(abs.getFileName() + "-tls"), HOST);
        return start(
                Node.single(dataDir, freePort(), freePort()),
                new Secured(freePort(), Map.copyOf(users), certificates));
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
        return start(Node.single(dataDir, brokerPort, controllerPort));
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
        /** The only node of a cluster of one. */
        static Node single(Path dataDir, int brokerPort, int controllerPort) {
            return new Node(
                    1,
                    dataDir,
                    brokerPort,
                    controllerPort,
                    "1@" + HOST + ":" + controllerPort,
                    null);
        }

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

    private static EmbeddedKafka start(Node node, Secured secured) throws IOException {
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
        if (secured != null) {
            String address = HOST + ":" + secured.port();
            props.put("listeners", props.get("listeners") + ",SASL_SSL://" + address);
            props.put(
                    "advertised.listeners",
                    props.get("advertised.listeners") + ",SASL_SSL://" + address);
            props.put(
                    "listener.security.protocol.map",
                    props.get("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
            props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            props.put(
                    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            secured.certificates()
                    .keystoreProperties()
                    .forEach((k, v) -> props.put("listener.name.sasl_ssl." + k, v));
            props.put(
                    "authorizer.class.name",
                    "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            // The broker itself and the plain listener's clients (test harnesses).
            props.put("super.users", "User:ANONYMOUS");
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
        if (secured != null) {
            addScramUsers(bootstrap, secured.users());
        }
        return new EmbeddedKafka(server, bootstrap, dataDir, secured);
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

    /** The SCRAM credentials of {@code users}, written through the plain listener. */
    private static void addScramUsers(String bootstrap, Map<String, String> users)
            throws IOException {
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        users.forEach(
                (user, password) ->
                        upserts.add(
                                new UserScramCredentialUpsertion(
                                        user,
                                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                                        password)));
        administer(
                bootstrap,
                "creating the SCRAM users",
                admin -> admin.alterUserScramCredentials(upserts).all());
    }

    /** Runs one admin call through the plain listener, waiting up to a minute for it. */
    private static void administer(
            String bootstrap, String what, Function<Admin, KafkaFuture<Void>> call)
            throws IOException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            call.apply(admin).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(what + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted " + what, e);
        }
    }

    /**
     * {@code host:port} of the SASL_SSL listener of a broker from {@link #startSecured}.
     *
     * @throws IllegalStateException on a broker without one
     */
    public String secureBootstrapServers() {
        return HOST + ":" + secured().port();
    }

    /**
     * The secured listener of a broker from {@link #startSecured}.
     *
     * @throws IllegalStateException on a broker without one
     */
    public Secured secured() {
        if (secured == null) {
            throw new IllegalStateException("this broker has no secured listener");
        }
        return secured;
    }

    /** Grants {@code acls} through the plain (super user) listener. */
    public void grant(List<AclBinding> acls) throws IOException {
        administer(bootstrapServers, "granting ACLs", admin -> admin.createAcls(acls).all());
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

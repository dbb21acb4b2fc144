package dev.pointsman.streams;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.settings.Setting;
import dev.pointsman.streams.api.ApiServer;
import dev.pointsman.streams.api.ApiSettings;
import dev.pointsman.streams.api.DecisionWaiter;
import dev.pointsman.streams.api.JobLag;
import dev.pointsman.streams.api.PeerMetricsView;
import dev.pointsman.streams.api.StoreMetricsView;
import dev.pointsman.streams.gateway.CatalogView;
import dev.pointsman.streams.gateway.Gateway;
import dev.pointsman.streams.gateway.GatewaySettings;
import dev.pointsman.topics.KafkaConfig;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.TopicSpec;
import dev.pointsman.topics.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running app: Kafka Streams (exactly once) with the {@link RouterTopology}, and the HTTP API
 * and dashboard on top of its stores.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);

    /**
     * @param partitions partitions of the topics the app creates when they are missing
     * @param replicationFactor replicas of those topics and of Kafka Streams' own, null for the
     *     default ({@link Replication})
     * @param minInsyncReplicas their {@code min.insync.replicas}, null for the default
     * @param standbyReplicas {@code --standby-replicas}: warm copies of each store on other
     *     instances, which take over at once when the instance that holds it goes
     * @param feedbackTopic {@code --feedback-topic}: where joined examples go
     * @param kafka {@code --kafka-config}: the properties every Kafka client of the app starts from
     */
    public record Settings(
            String bootstrap,
            @Nullable String registryUrl,
            String applicationId,
            Path stateDir,
            int partitions,
            @Nullable Integer replicationFactor,
            @Nullable Integer minInsyncReplicas,
            int standbyReplicas,
            TopologySettings topology,
            ApiSettings api,
            GatewaySettings gateway,
            String feedbackTopic,
            KafkaConfig kafka) {
        public Settings {
            if (bootstrap.isBlank()) {
                throw new IllegalArgumentException("--bootstrap must be set");
            }
            if (applicationId.isBlank()) {
                throw new IllegalArgumentException("--application-id must be set");
            }
            if (feedbackTopic.isBlank()) {
                throw new IllegalArgumentException("--feedback-topic must be set");
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
            }
            STANDBY_REPLICAS.check(standbyReplicas);
        }
    }

    public static final Setting<Integer> STANDBY_REPLICAS =
            Setting.integer(
                    "standby-replicas",
                    0,
                    "Warm copies of each of the app's stores kept on other instances, which take"
                            + " over at once when the instance holding it goes.",
                    0);

    private final KafkaStreams streams;
    private final KafkaProducer<String, byte[]> producer;
    private final DecisionWaiter decisions;
    private final CatalogView catalogs;
    private final JobLag jobLag;
    private final ApiServer api;
    private final AppMetrics metrics;

    private StreamsApp(
            KafkaStreams streams,
            KafkaProducer<String, byte[]> producer,
            DecisionWaiter decisions,
            CatalogView catalogs,
            JobLag jobLag,
            ApiServer api,
            AppMetrics metrics) {
        this.jobLag = jobLag;
        this.streams = streams;
        this.producer = producer;
        this.decisions = decisions;
        this.catalogs = catalogs;
        this.api = api;
        this.metrics = metrics;
    }

    public static StreamsApp start(Settings s) throws IOException, InterruptedException {
        Replication replication;
        Map<String, Object> client = s.kafka().client(s.bootstrap());
        try (Admin admin = Admin.create(client)) {
            replication = Replication.of(admin, s.replicationFactor(), s.minInsyncReplicas());
            List<TopicSpec> topics =
                    new ArrayList<>(Topics.all(s.partitions(), replication, Duration.ofDays(7)));
            if (!s.feedbackTopic().equals(Topics.FEEDBACK)) {
                topics.add(
                        new TopicSpec(
                                s.feedbackTopic(),
                                s.partitions(),
                                replication,
                                Duration.ofDays(7).toMillis(),
                                false));
            }
            Topics.ensure(admin, topics);
        }
        WireFormat wire = WireFormat.of(s.registryUrl());
        AppMetrics metrics = new AppMetrics();

        // Peers reach this instance at application.server, so its port must be known before
        // Kafka Streams starts: a free one is picked now for --http-port 0.
        ApiSettings apiSettings = s.api().port() == 0 ? s.api().withPort(freePort()) : s.api();
        Properties props = new Properties();
        props.putAll(client);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, apiSettings.advertised());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, s.standbyReplicas());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        props.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        // The app's changelog and repartition topics are replicated like the router's own.
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication.replicas());
        props.put(
                StreamsConfig.topicPrefix("min.insync.replicas"),
                Integer.toString(replication.minInsync()));
        KafkaStreams streams =
                new KafkaStreams(
                        RouterTopology.build(s.topology(), wire, metrics, s.feedbackTopic()),
                        props);
        ThreadFailures threadFailures = new ThreadFailures(System::currentTimeMillis);
        streams.setUncaughtExceptionHandler(
                e -> {
                    LOG.error("a stream thread failed; replacing it", e);
                    threadFailures.failed();
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                            .REPLACE_THREAD;
                });
        streams.setStateListener((now, before) -> LOG.info("Kafka Streams: {} -> {}", before, now));
        streams.start();

        Properties producerProps = new Properties();
        producerProps.putAll(client);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(
                        producerProps, new StringSerializer(), new ByteArraySerializer());
        DecisionWaiter decisions =
                new DecisionWaiter(
                        client,
                        Topics.DECISIONS,
                        wire.codec(RoutingDecision.class, Topics.DECISIONS),
                        apiSettings.maxWaiting());
        if (!decisions.awaitReady(Duration.ofSeconds(30))) {
            LOG.warn("the decision reader is not at the topic's end after 30 s");
        }
        CatalogView catalogs =
                new CatalogView(
                        client, Topics.CATALOG, wire.codec(PoolCatalog.class, Topics.CATALOG));
        if (!catalogs.awaitReady(Duration.ofSeconds(30))) {
            LOG.warn("the catalog reader has not read the catalogs after 30 s");
        }
        JobLag jobLag =
                new JobLag(
                        client,
                        apiSettings.jobGroup(),
                        Topics.QUERIES_EMBEDDED,
                        Duration.ofSeconds(5));
        RecordCodec<Query> queryCodec = wire.codec(Query.class, Topics.QUERIES);
        RecordCodec<Outcome> outcomeCodec = wire.codec(Outcome.class, Topics.OUTCOMES);
        RecordCodec<WindowMetrics> windowCodec = wire.codec(WindowMetrics.class, Topics.METRICS);
        RecordCodec<Alert> alertCodec = wire.codec(Alert.class, Topics.ALERTS);
        ApiServer api =
                new ApiServer(
                        apiSettings,
                        producer,
                        queryCodec,
                        outcomeCodec,
                        decisions,
                        new PeerMetricsView(
                                new StoreMetricsView(streams, windowCodec, alertCodec),
                                () -> peers(streams, apiSettings.advertised()),
                                windowCodec,
                                alertCodec,
                                apiSettings.metricsToken(),
                                apiSettings.tls() == null ? null : apiSettings.tls().context()),
                        metrics,
                        () -> streams.state().name(),
                        pool -> catalogs.get(pool) != null,
                        Map.of(
                                "catalogReader",
                                () -> catalogs.reading() ? null : "the catalog reader has stopped",
                                "streamThreads",
                                threadFailures),
                        jobLag,
                        auth ->
                                new Gateway(
                                        s.gateway(),
                                        auth,
                                        producer,
                                        queryCodec,
                                        outcomeCodec,
                                        decisions,
                                        catalogs,
                                        s.api().routeTimeout(),
                                        metrics,
                                        System::getenv));
        LOG.info(
                "pointsman streams-app: {} ({}), window {} + grace {}, feedback grace {}; API and"
                        + " dashboard on {}://{}:{}/{}",
                s.bootstrap(),
                wire.describe(),
                s.topology().window(),
                s.topology().windowGrace(),
                s.topology().feedbackGrace(),
                apiSettings.scheme(),
                s.api().host(),
                api.port(),
                s.api().tokens().isEmpty() ? "" : " (bearer tokens required)");
        return new StreamsApp(streams, producer, decisions, catalogs, jobLag, api, metrics);
    }

    /** The other instances of the app (their {@code application.server}), now. */
    private static List<HostInfo> peers(KafkaStreams streams, String self) {
        List<HostInfo> peers = new ArrayList<>();
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
            HostInfo host = m.hostInfo();
            if (!(host.host() + ":" + host.port()).equals(self)) {
                peers.add(host);
            }
        }
        return peers;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int apiPort() {
        return api.port();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public AppMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() throws InterruptedException {
        api.close();
        decisions.close();
        catalogs.close();
        jobLag.close();
        producer.close(Duration.ofSeconds(10));
        // Leave the group so that another instance takes the partitions over at once instead of
        // after the session timeout.
        streams.close(
                CloseOptions.groupMembershipOperation(
                                CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
        LOG.info("pointsman streams-app stopped");
    }
}

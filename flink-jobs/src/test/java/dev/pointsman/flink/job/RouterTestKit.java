package dev.pointsman.flink.job;

import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ModelMean;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.topics.KafkaConfig;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/** An embedded broker, a producer and readers for the job's ITs, with synthetic vectors. */
final class RouterTestKit implements AutoCloseable {
    static final int DIM = 16;
    static final String EMBEDDER = "synthetic";

    final EmbeddedKafka kafka;
    final KafkaProducer<byte[], byte[]> producer;
    final Random random = new Random(99);
    final String embedder;

    /** The brokers and client properties the jobs the kit starts are given. */
    private final String jobBootstrap;

    private final KafkaConfig jobKafka;

    RouterTestKit(Path dir) throws Exception {
        this(dir, EMBEDDER);
    }

    /** A kit whose examples and queries claim to come from {@code embedder}. */
    RouterTestKit(Path dir, String embedder) throws Exception {
        this(dir, embedder, false);
    }

    /**
     * A kit whose jobs reach the broker only through its SASL_SSL listener (SCRAM, TLS with a
     * certificate made for the test, ACLs enforced), as user {@code router} with the credentials
     * and truststore in a client properties file. The kit itself uses the plain listener.
     */
    static RouterTestKit overSasl(Path dir) throws Exception {
        return new RouterTestKit(dir, EMBEDDER, true);
    }

    private RouterTestKit(Path dir, String embedder, boolean sasl) throws Exception {
        this.embedder = embedder;
        if (sasl) {
            kafka = EmbeddedKafka.startSecured(dir.resolve("kafka"), Map.of("router", "s3cret"));
            Path file =
                    kafka.secured()
                            .writeClientProperties("router", dir.resolve("client.properties"));
            jobBootstrap = kafka.secureBootstrapServers();
            jobKafka = KafkaConfig.load(file.toString());
        } else {
            kafka = EmbeddedKafka.start(dir.resolve("kafka"));
            jobBootstrap = kafka.bootstrapServers();
            jobKafka = KafkaConfig.NONE;
        }
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            Topics.ensure(admin, Topics.all(2, Replication.SINGLE, Duration.ofDays(1)));
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The Flink cluster every IT of the job runs on: one TaskManager with 2 slots. */
    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }

    /** Starts the job (parallelism 2, 2 shards, k 5), restoring from {@code restoreFrom} if set. */
    JobClient start(Path checkpoints, @Nullable Path restoreFrom, String name) throws Exception {
        return start(checkpoints, restoreFrom, name, s -> s);
    }

    /** Starts the job with the kit's settings changed by {@code adjust}. */
    JobClient start(
            Path checkpoints,
            @Nullable Path restoreFrom,
            String name,
            UnaryOperator<JobSettings.Builder> adjust)
            throws Exception {
        return LocalJob.start(
                adjust.apply(settings(checkpoints, name)).build(), 2, restoreFrom, name);
    }

    /** The settings the kit's jobs start with (2 shards, k 5, group {@code name}). */
    JobSettings.Builder settings(Path checkpoints, String name) {
        return JobSettings.builder(jobBootstrap, checkpoints)
                .kafka(jobKafka)
                .group(name)
                .shards(2)
                .k(5)
                // pools without a catalog router: plain kNN, as the ITs were written for
                .router("knn-5")
                .capacity(10_000)
                .mergeTimeout(Duration.ofSeconds(5))
                .catalogWait(Duration.ofSeconds(20))
                .checkpointInterval(Duration.ofMillis(300));
    }

    float[] vector() {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    void catalog(String pool, Map<String, String> defaults, CatalogModel... models) {
        send(
                Topics.CATALOG,
                pool,
                SingleObjectCodec.of(PoolCatalog.class)
                        .encode(
                                PoolCatalog.newBuilder()
                                        .setPool(pool)
                                        .setModels(List.of(models))
                                        .setDefaults(defaults)
                                        .build()));
        producer.flush();
    }

    static CatalogModel model(String name, Double prior) {
        return CatalogModel.newBuilder()
                .setName(name)
                .setInputPrice(0)
                .setOutputPrice(0)
                .setPrior(prior)
                .build();
    }

    void example(String pool, String id, long ts, Map<String, ObservedOutcome> outcomes) {
        example(pool, id, vector(), ts, outcomes);
    }

    void example(
            String pool,
            String id,
            float[] vector,
            long ts,
            Map<String, ObservedOutcome> outcomes) {
        example(pool, id, vector, ts, outcomes, true);
    }

    /** An example; {@code paid} false for a seed example, which no budget counts. */
    void example(
            String pool,
            String id,
            float[] vector,
            long ts,
            Map<String, ObservedOutcome> outcomes,
            boolean paid) {
        send(
                Topics.FEEDBACK,
                id,
                SingleObjectCodec.of(FeedbackExample.class)
                        .encode(
                                FeedbackExample.newBuilder()
                                        .setExampleId(id)
                                        .setPool(pool)
                                        .setVector(Float32Vectors.toBytes(vector))
                                        .setDimension(vector.length)
                                        .setEmbedder(embedder)
                                        .setOutcomes(outcomes)
                                        .setPaid(paid)
                                        .setTs(Instant.ofEpochMilli(1_000 + ts))
                                        .build()));
    }

    /** Sends {@code n} queries with random vectors; returns their ids. */
    List<String> queries(String pool, String prefix, int n) {
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            vectors.add(vector());
        }
        return queries(pool, prefix, vectors);
    }

    /** Sends one query per vector; returns their ids. */
    List<String> queries(String pool, String prefix, List<float[]> vectors) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            String id = prefix + i;
            ids.add(id);
            Query q =
                    Query.newBuilder()
                            .setId(id)
                            .setPool(pool)
                            .setText("q")
                            .setTs(Instant.now())
                            .build();
            send(
                    Topics.QUERIES_EMBEDDED,
                    id,
                    SingleObjectCodec.of(EmbeddedQuery.class)
                            .encode(
                                    EmbeddedQuery.newBuilder()
                                            .setQuery(q)
                                            .setVector(Float32Vectors.toBytes(v))
                                            .setDimension(v.length)
                                            .setEmbedder(embedder)
                                            .build()));
        }
        producer.flush();
        return ids;
    }

    /** Sends probe queries until one sees {@code examples} support examples; returns their ids. */
    List<String> awaitSupport(String pool, long examples) throws Exception {
        return awaitSupport(pool, examples, null);
    }

    /** {@link #awaitSupport(String, long)} with probes of the given vector (random if null). */
    List<String> awaitSupport(String pool, long examples, float[] probe) throws Exception {
        List<String> probes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String prefix = pool + "-probe" + i + "-";
            List<String> id =
                    probe == null
                            ? queries(pool, prefix, 1)
                            : queries(pool, prefix, List.of(probe));
            probes.addAll(id);
            RoutingDecision d = readOne(id.get(0));
            if (d != null && d.getSupportSize() >= examples) {
                return probes;
            }
        }
        throw new AssertionError("the support set never reached " + examples + " examples");
    }

    /**
     * Reads committed decisions from the start until all {@code ids} arrived and the topic has been
     * quiet for 2 s; counts every decision seen per query id into {@code seen}.
     */
    Map<String, RoutingDecision> read(List<String> ids, Duration timeout, Map<String, Integer> seen)
            throws Exception {
        return read(ids, timeout, seen, 10);
    }

    /** The decision of one probe query, without waiting for the topic to go quiet. */
    RoutingDecision readOne(String id) throws Exception {
        return read(List.of(id), Duration.ofSeconds(60), new HashMap<>(), 0).get(id);
    }

    private Map<String, RoutingDecision> read(
            List<String> ids, Duration timeout, Map<String, Integer> seen, int quietPolls)
            throws Exception {
        SingleObjectCodec<RoutingDecision> codec = SingleObjectCodec.of(RoutingDecision.class);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "kit-reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, RoutingDecision> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.DECISIONS));
            long deadline = System.nanoTime() + timeout.toNanos();
            int quiet = 0;
            while (System.nanoTime() < deadline
                    && (!out.keySet().containsAll(ids) || quiet < quietPolls)) {
                var records = c.poll(Duration.ofMillis(200));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    RoutingDecision d = codec.decode(r.value());
                    out.put(d.getQueryId(), d);
                    seen.merge(d.getQueryId(), 1, Integer::sum);
                }
            }
        }
        return out;
    }

    /**
     * {@code n} examples where every model was observed: "big" scores 0.9 at 0.01, "small" 0.5 at
     * 0.001, so a kNN decision at λ 0 picks big.
     */
    void bigAndSmallExamples(String pool, int n) {
        for (int i = 0; i < n; i++) {
            example(
                    pool,
                    "x" + i,
                    vector(),
                    i,
                    Map.of(
                            "big", new ObservedOutcome(0.9, 0.01, 1.0, null),
                            "small", new ObservedOutcome(0.5, 0.001, 1.0, null)),
                    false);
        }
    }

    /** The decisions of {@code ids}, without waiting for the topic to go quiet. */
    Map<String, RoutingDecision> readAll(List<String> ids) throws Exception {
        return read(ids, Duration.ofSeconds(60), new HashMap<>(), 0);
    }

    /** Reads dead letters from the start until {@code count} arrived or {@code timeout} passed. */
    List<DeadLetter> deadLetters(int count, Duration timeout) throws Exception {
        return readAll(Topics.DLQ, DeadLetter.class, count, timeout);
    }

    /** Reads alerts from the start until {@code count} arrived or {@code timeout} passed. */
    List<Alert> alerts(int count, Duration timeout) throws Exception {
        return readAll(Topics.ALERTS, Alert.class, count, timeout);
    }

    private <T extends org.apache.avro.specific.SpecificRecord> List<T> readAll(
            String topic, Class<T> type, int count, Duration timeout) throws Exception {
        SingleObjectCodec<T> codec = SingleObjectCodec.of(type);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "kit-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(r.value()));
                }
            }
        }
        return out;
    }

    /**
     * A closed window of {@code pool} on {@code router.metrics}, as the streams app writes it.
     *
     * @param trend model → {mean score, mean cost}
     */
    void window(
            String pool,
            String router,
            long windowEnd,
            double auc,
            double trendAuc,
            Map<String, double[]> trend) {
        Map<String, ModelMean> means = new java.util.TreeMap<>();
        trend.forEach((m, v) -> means.put(m, new ModelMean(v[0], v[1])));
        WindowMetrics w =
                WindowMetrics.newBuilder()
                        .setPool(pool)
                        .setRouter(router)
                        .setWindowStart(java.time.Instant.ofEpochMilli(windowEnd - 10_000))
                        .setWindowEnd(java.time.Instant.ofEpochMilli(windowEnd))
                        .setAuc(auc)
                        .setGlobalTrendAuc(trendAuc)
                        .setShadowQueries(20)
                        .setMeanScore(0)
                        .setMeanCost(0)
                        .setOodShare(0)
                        .setN(40)
                        .setTrend(means)
                        .build();
        send(Topics.METRICS, pool, SingleObjectCodec.of(WindowMetrics.class).encode(w));
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
        kafka.close();
    }
}

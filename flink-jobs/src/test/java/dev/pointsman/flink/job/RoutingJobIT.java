package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkLoader;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.core.eval.Splits;
import dev.pointsman.core.route.KnnPredictor;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.TrainingSet;
import dev.pointsman.core.route.UtilityPredictor;
import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import dev.pointsman.embed.OnnxEmbedder;
import dev.pointsman.embed.Truncation;
import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.kafka.Topics;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing job on a MiniCluster at parallelism 2 with 3 shards per pool, on the embedded broker:
 * a pool seeded with one dataset's training rows of the bundled RouterBench sample routes its test
 * rows with exactly the predictions of router-core's knn-10 on the same split (the code path of
 * {@code pointsman eval}), and bad records reach the DLQ while routing goes on.
 */
class RoutingJobIT {
    private static final int K = 10;
    private static final int SHARDS = 3;
    private static final String EMBEDDER = "all-minilm-l6-v2-q/tail/128";

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path dir;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            Topics.ensure(admin, Topics.all(2, (short) 1, Duration.ofDays(1)));
        }
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void decisionsEqualTheOfflineKnnPredictionsOnTheSameSplit() throws Exception {
        Benchmark sample;
        try (InputStream in =
                getClass()
                        .getClassLoader()
                        .getResourceAsStream("samples/routerbench-sample.jsonl")) {
            sample = BenchmarkLoader.load(in, "routerbench-sample.jsonl");
        }
        String dataset = sample.datasets().get(0);
        List<BenchmarkRow> rows =
                sample.rows().stream().filter(r -> r.dataset().equals(dataset)).toList();
        List<float[]> raw;
        try (OnnxEmbedder embedder =
                new OnnxEmbedder(
                        new EmbedderConfig(
                                EmbeddingModel.ALL_MINILM_L6_V2_Q,
                                128,
                                Truncation.TAIL,
                                1,
                                0,
                                false))) {
            assertThat(embedder.id()).isEqualTo(EMBEDDER);
            raw = List.of(embedder.embed(rows.stream().map(BenchmarkRow::prompt).toList()));
        }

        // The offline side, exactly as Evaluation does it for seed 0.
        int[] members = new int[rows.size()];
        for (int i = 0; i < members.length; i++) {
            members[i] = i;
        }
        Splits.Split split = Splits.random(members, 0);
        VectorSet vectors = VectorSet.ofNormalized(raw);
        List<String> models = sample.models();
        double[][] scores = new double[rows.size()][];
        double[][] costs = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            scores[i] = rows.get(i).scores();
            costs[i] = rows.get(i).costs();
        }
        Outcomes outcomes = new Outcomes(models, scores, costs);
        TrainingSet all = new TrainingSet(vectors, outcomes);
        UtilityPredictor knn =
                KnnPredictor.trainer(K, false)
                        .fit(all.select(split.train()), all.select(split.validation()), 0);

        // The online side.
        String pool = "sample-" + dataset.toLowerCase();
        Configuration conf =
                RoutingJob.configuration(dir.resolve("checkpoints"), Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        RoutingJob.build(
                env,
                new RoutingJob.Settings(
                        kafka.bootstrapServers(),
                        "it-router",
                        "it-router",
                        SHARDS,
                        K,
                        100_000,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(20),
                        null,
                        DeliveryGuarantee.EXACTLY_ONCE,
                        20_000,
                        1_000,
                        Duration.ofMinutes(5)));
        JobClient job = env.executeAsync("routing-job-it");
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, Topics.CATALOG, pool, catalog(pool, models));
            long base = 1_700_000_000_000L;
            for (int t = 0; t < split.train().length; t++) {
                int row = split.train()[t];
                send(
                        producer,
                        Topics.FEEDBACK,
                        rows.get(row).id(),
                        example(pool, rows.get(row), raw.get(row), models, base + t));
            }
            // Poison: not Avro, and an outcome for a model outside the catalog.
            producer.send(
                    new ProducerRecord<>(Topics.FEEDBACK, "junk".getBytes(), "junk".getBytes()));
            BenchmarkRow stranger = rows.get(split.test()[0]);
            send(
                    producer,
                    Topics.FEEDBACK,
                    "stranger",
                    SingleObjectCodec.of(FeedbackExample.class)
                            .encode(
                                    FeedbackExample.newBuilder()
                                            .setExampleId("stranger")
                                            .setPool(pool)
                                            .setVector(
                                                    Float32Vectors.toBytes(
                                                            raw.get(split.test()[0])))
                                            .setDimension(384)
                                            .setEmbedder(EMBEDDER)
                                            .setOutcomes(
                                                    Map.of(
                                                            "no-such-model",
                                                            new ObservedOutcome(0.5, 0.1)))
                                            .setTs(Instant.ofEpochMilli(base))
                                            .build()));
            producer.flush();

            // Wait until every training example is in the support set: a probe query reports it.
            int probes = 0;
            RoutingDecision probe;
            do {
                String id = "probe-" + probes++;
                send(
                        producer,
                        Topics.QUERIES_EMBEDDED,
                        id,
                        query(pool, id, raw.get(split.test()[0])));
                producer.flush();
                probe = readDecisions(List.of(id), Duration.ofSeconds(60)).get(id);
                assertThat(probe).as("a decision for " + id).isNotNull();
            } while (probe.getSupportSize() < split.train().length && probes < 60);
            assertThat(probe.getSupportSize()).isEqualTo(split.train().length);

            List<String> ids = new ArrayList<>();
            for (int row : split.test()) {
                String id = "test-" + rows.get(row).id();
                ids.add(id);
                send(producer, Topics.QUERIES_EMBEDDED, id, query(pool, id, raw.get(row)));
            }
            producer.send(
                    new ProducerRecord<>(
                            Topics.QUERIES_EMBEDDED, "bad".getBytes(), "not avro".getBytes()));
            producer.flush();

            Map<String, RoutingDecision> decisions = readDecisions(ids, Duration.ofSeconds(120));
            assertThat(decisions).hasSize(ids.size());
            double[] s = new double[models.size()];
            double[] c = new double[models.size()];
            for (int t = 0; t < split.test().length; t++) {
                int row = split.test()[t];
                knn.predict(vectors.row(row), s, c);
                RoutingDecision d = decisions.get(ids.get(t));
                assertThat(d.getShardsMissing()).isZero();
                assertThat(d.getNeighbours()).hasSize(K);
                Map<String, ModelPrediction> byModel = new HashMap<>();
                d.getPredictions().forEach(p -> byModel.put(p.getModel(), p));
                for (int m = 0; m < models.size(); m++) {
                    ModelPrediction p = byModel.get(models.get(m));
                    assertThat(p.getScore())
                            .as("score of %s for %s", models.get(m), ids.get(t))
                            .isEqualTo(s[m]);
                    assertThat(p.getCost())
                            .as("cost of %s for %s", models.get(m), ids.get(t))
                            .isEqualTo(c[m]);
                }
                assertThat(d.getModel())
                        .isEqualTo(argmax(models, s)); // λ = 0: the best predicted score
            }
            List<DeadLetter> dead = readDeadLetters(3, Duration.ofSeconds(60));
            assertThat(dead)
                    .extracting(DeadLetter::getReason)
                    .anySatisfy(
                            r ->
                                    assertThat(r)
                                            .contains(
                                                    "not Avro single-object encoded FeedbackExample"))
                    .anySatisfy(r -> assertThat(r).contains("no-such-model"))
                    .anySatisfy(r -> assertThat(r).contains("EmbeddedQuery"));
        } finally {
            job.cancel().get();
        }
    }

    private static String argmax(List<String> models, double[] s) {
        int best = 0;
        for (int m = 1; m < s.length; m++) {
            if (s[m] > s[best]) {
                best = m;
            }
        }
        return models.get(best);
    }

    private static byte[] catalog(String pool, List<String> models) {
        List<CatalogModel> list = new ArrayList<>();
        for (String m : models) {
            list.add(
                    CatalogModel.newBuilder()
                            .setName(m)
                            .setInputPrice(0)
                            .setOutputPrice(0)
                            .setPrior(null)
                            .build());
        }
        return SingleObjectCodec.of(PoolCatalog.class)
                .encode(
                        PoolCatalog.newBuilder()
                                .setPool(pool)
                                .setModels(list)
                                .setDefaults(Map.of("embedder", EMBEDDER))
                                .build());
    }

    private static byte[] example(
            String pool, BenchmarkRow row, float[] vector, List<String> models, long ts) {
        Map<String, ObservedOutcome> outcomes = new LinkedHashMap<>();
        for (int m = 0; m < models.size(); m++) {
            if (!Double.isNaN(row.scores()[m])) {
                outcomes.put(models.get(m), new ObservedOutcome(row.scores()[m], row.costs()[m]));
            }
        }
        return SingleObjectCodec.of(FeedbackExample.class)
                .encode(
                        FeedbackExample.newBuilder()
                                .setExampleId(row.id())
                                .setPool(pool)
                                .setVector(Float32Vectors.toBytes(vector))
                                .setDimension(vector.length)
                                .setEmbedder(EMBEDDER)
                                .setOutcomes(outcomes)
                                .setTs(Instant.ofEpochMilli(ts))
                                .build());
    }

    private static byte[] query(String pool, String id, float[] vector) {
        Query q =
                Query.newBuilder()
                        .setId(id)
                        .setPool(pool)
                        .setText("(embedded offline)")
                        .setTs(Instant.now())
                        .build();
        return SingleObjectCodec.of(EmbeddedQuery.class)
                .encode(
                        EmbeddedQuery.newBuilder()
                                .setQuery(q)
                                .setVector(Float32Vectors.toBytes(vector))
                                .setDimension(vector.length)
                                .setEmbedder(EMBEDDER)
                                .build());
    }

    private static void send(
            KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    private static Map<String, RoutingDecision> readDecisions(List<String> ids, Duration timeout)
            throws Exception {
        SingleObjectCodec<RoutingDecision> codec = SingleObjectCodec.of(RoutingDecision.class);
        Map<String, RoutingDecision> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(Topics.DECISIONS)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!out.keySet().containsAll(ids) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    RoutingDecision d = codec.decode(r.value());
                    if (ids.contains(d.getQueryId())) {
                        assertThat(out.put(d.getQueryId(), d))
                                .as("one decision per query")
                                .isNull();
                    }
                }
            }
        }
        return out;
    }

    private static List<DeadLetter> readDeadLetters(int count, Duration timeout) throws Exception {
        SingleObjectCodec<DeadLetter> codec = SingleObjectCodec.of(DeadLetter.class);
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(Topics.DLQ)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(r.value()));
                }
            }
        }
        return out;
    }
}

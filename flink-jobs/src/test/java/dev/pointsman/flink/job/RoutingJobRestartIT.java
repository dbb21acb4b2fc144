package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.kafka.Topics;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
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
 * The routing job cancelled while queries are in flight and restarted from its last retained
 * checkpoint: every query has exactly one committed decision, and the restored support set is the
 * one it had (its feedback is not read again; it comes back from RocksDB state).
 */
class RoutingJobRestartIT {
    private static final int DIM = 16;
    private static final String POOL = "restart";
    private static final String EMBEDDER = "synthetic";
    private static final int EXAMPLES = 40;

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

    private static JobClient start(Path checkpoints, Path restoreFrom) throws Exception {
        Configuration conf = RoutingJob.configuration(checkpoints, Duration.ofMillis(300));
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        RoutingJob.build(
                env,
                new RoutingJob.Settings(
                        kafka.bootstrapServers(),
                        "restart-router",
                        "restart-router",
                        2,
                        5,
                        10_000,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(20),
                        null));
        return env.executeAsync("routing-job-restart-it");
    }

    @Test
    void restartFromCheckpointDecidesEveryQueryExactlyOnceWithTheSameSupportSet() throws Exception {
        Random random = new Random(99);
        Path checkpoints = dir.resolve("checkpoints");
        JobClient first = start(checkpoints, null);
        List<String> all = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, Topics.CATALOG, POOL, catalog());
            for (int i = 0; i < EXAMPLES; i++) {
                send(producer, Topics.FEEDBACK, "x" + i, example("x" + i, vector(random), i));
            }
            // Probe until the whole support set is in (feedback and queries race otherwise).
            Map<String, Integer> seen = new HashMap<>();
            long support = 0;
            for (int probe = 0; support < EXAMPLES && probe < 60; probe++) {
                List<String> id = queries(producer, "probe" + probe + "-", 1, random);
                all.addAll(id);
                support = read(id, Duration.ofSeconds(60), seen).get(id.get(0)).getSupportSize();
            }
            assertThat(support).isEqualTo(EXAMPLES);
            List<String> batch1 = queries(producer, "a", 30, random);
            all.addAll(batch1);
            Map<String, RoutingDecision> decided = read(batch1, Duration.ofSeconds(90), seen);
            assertThat(decided).containsKeys(batch1.toArray(new String[0]));

            // Queries in flight when the job goes away; their transactions are never committed.
            all.addAll(queries(producer, "b", 30, random));
            Thread.sleep(200);
            first.cancel().get();

            Path latest = latestCheckpoint(checkpoints);
            JobClient second = start(checkpoints, latest);
            try {
                all.addAll(queries(producer, "c", 30, random));
                seen.clear();
                Map<String, RoutingDecision> everything = read(all, Duration.ofSeconds(120), seen);
                assertThat(everything).containsKeys(all.toArray(new String[0]));
                assertThat(everything).hasSize(all.size());
                assertThat(seen).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
                for (String id : all.subList(all.size() - 90, all.size())) {
                    assertThat(everything.get(id).getSupportSize())
                            .as("support size seen by " + id)
                            .isEqualTo(EXAMPLES);
                }
            } finally {
                second.cancel().get();
            }
        }
    }

    private static Path latestCheckpoint(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .max(
                            Comparator.comparingInt(
                                    p -> Integer.parseInt(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no completed checkpoint under " + root));
        }
    }

    private static float[] vector(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static List<String> queries(
            KafkaProducer<byte[], byte[]> producer, String prefix, int n, Random random) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = prefix + i;
            ids.add(id);
            Query q =
                    Query.newBuilder()
                            .setId(id)
                            .setPool(POOL)
                            .setText("q")
                            .setTs(Instant.now())
                            .build();
            float[] v = vector(random);
            send(
                    producer,
                    Topics.QUERIES_EMBEDDED,
                    id,
                    SingleObjectCodec.of(EmbeddedQuery.class)
                            .encode(
                                    EmbeddedQuery.newBuilder()
                                            .setQuery(q)
                                            .setVector(Float32Vectors.toBytes(v))
                                            .setDimension(DIM)
                                            .setEmbedder(EMBEDDER)
                                            .build()));
        }
        producer.flush();
        return ids;
    }

    private static byte[] catalog() {
        return SingleObjectCodec.of(PoolCatalog.class)
                .encode(
                        PoolCatalog.newBuilder()
                                .setPool(POOL)
                                .setModels(
                                        List.of(
                                                CatalogModel.newBuilder()
                                                        .setName("big")
                                                        .setInputPrice(0)
                                                        .setOutputPrice(0)
                                                        .build(),
                                                CatalogModel.newBuilder()
                                                        .setName("small")
                                                        .setInputPrice(0)
                                                        .setOutputPrice(0)
                                                        .build()))
                                .build());
    }

    private static byte[] example(String id, float[] v, long ts) {
        return SingleObjectCodec.of(FeedbackExample.class)
                .encode(
                        FeedbackExample.newBuilder()
                                .setExampleId(id)
                                .setPool(POOL)
                                .setVector(Float32Vectors.toBytes(v))
                                .setDimension(DIM)
                                .setEmbedder(EMBEDDER)
                                .setOutcomes(
                                        Map.of(
                                                "big", new ObservedOutcome(0.9, 0.01),
                                                "small",
                                                        new ObservedOutcome(
                                                                (double) (ts % 2), 0.001)))
                                .setTs(Instant.ofEpochMilli(1_000 + ts))
                                .build());
    }

    private static void send(
            KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Reads decisions read_committed until all {@code ids} arrived; counts every one seen. */
    private static Map<String, RoutingDecision> read(
            List<String> ids, Duration timeout, Map<String, Integer> seen) throws Exception {
        SingleObjectCodec<RoutingDecision> codec = SingleObjectCodec.of(RoutingDecision.class);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, RoutingDecision> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.DECISIONS));
            long deadline = System.nanoTime() + timeout.toNanos();
            int quiet = 0;
            // Read until everything arrived, then a little longer to catch duplicates.
            while (System.nanoTime() < deadline && (!out.keySet().containsAll(ids) || quiet < 10)) {
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
}

package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.cli.cluster.BuildArtifacts;
import dev.pointsman.cli.cluster.FlinkSession;
import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing job as a job: {@code pointsman route --jobmanager} uploads pointsman-job.jar to a
 * Flink standalone session cluster (a JobManager and two TaskManagers, each its own JVM on Flink's
 * runtime jars), the job decides, a TaskManager is killed with SIGKILL while queries flow and the
 * job carries on, {@code route --stop} takes a savepoint, and the next {@code route} restores from
 * it with the support set it had.
 */
class FlinkSessionIT {
    private static final String POOL = "cluster";
    private static final int DIM = 8;
    private static final int EXAMPLES = 20;

    @TempDir Path dir;

    private final Random random = new Random(7);

    @Test
    void theJobJarRunsOnASessionClusterSurvivesAKilledTaskManagerAndRestoresFromItsSavepoint()
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                FlinkSession flink =
                        FlinkSession.start(
                                new FlinkSession.Settings(
                                        dir.resolve("flink"),
                                        BuildArtifacts.flinkLib(),
                                        2,
                                        2,
                                        null,
                                        false));
                KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
            Path checkpoints = dir.resolve("checkpoints");
            String job = submit(flink, kafka, checkpoints);
            assertThat(flink.rest().allRunning(job)).isTrue();

            send(producer, Topics.CATALOG, POOL, catalog());
            for (int i = 0; i < EXAMPLES; i++) {
                send(producer, Topics.FEEDBACK, "x" + i, example("x" + i));
            }
            List<String> first = queries(producer, "a", 10);
            assertThat(decisions(kafka, first)).containsKeys(first.toArray(new String[0]));
            // Feedback and queries are separate topics, so the first queries may be decided before
            // every example is in; a later query sees all of them.
            RoutingDecision settled = awaitSupport(producer, kafka, EXAMPLES);
            assertThat(settled.getSupportSize()).isEqualTo(EXAMPLES);
            assertThat(settled.getModel()).isEqualTo("big");

            // One TaskManager dies with the job's tasks on it; the job restarts from its last
            // checkpoint on the other one's slots, and queries sent meanwhile are decided.
            flink.killBusyTaskManager();
            List<String> during = queries(producer, "b", 10);
            assertThat(decisions(kafka, during)).containsKeys(during.toArray(new String[0]));
            assertThat(flink.rest().failures(job)).isPositive();

            CliRun stop =
                    cli(
                            "route",
                            "--jobmanager",
                            flink.restAddress(),
                            "--stop",
                            job,
                            "--checkpoints",
                            checkpoints.toString());
            assertThat(stop.exit()).as(stop.err()).isZero();
            Path savepoint = Path.of(java.net.URI.create(stop.out().strip()));
            assertThat(savepoint.resolve("_metadata")).isRegularFile();
            assertThat(savepoint.getParent()).isEqualTo(checkpoints.resolve("savepoints"));
            assertThat(flink.rest().state(job)).isEqualTo("FINISHED");

            // Submitted again, the job finds the savepoint under --checkpoints: the support set is
            // the one it had, restored from state (feedback is not read again).
            String again = submit(flink, kafka, checkpoints);
            List<String> after = queries(producer, "c", 5);
            Map<String, RoutingDecision> restored = decisions(kafka, after);
            assertThat(restored).containsKeys(after.toArray(new String[0]));
            assertThat(restored.values())
                    .allSatisfy(d -> assertThat(d.getSupportSize()).isEqualTo(EXAMPLES));
            flink.rest().cancel(again);
        }
    }

    /**
     * Sends one query at a time until one is decided with a support set of {@code size} (at most 20
     * tries), and returns the last decision.
     */
    private RoutingDecision awaitSupport(
            KafkaProducer<byte[], byte[]> producer, EmbeddedKafka kafka, int size)
            throws Exception {
        RoutingDecision last = null;
        for (int i = 0; i < 20 && (last == null || last.getSupportSize() < size); i++) {
            List<String> probe = queries(producer, "probe" + i + "-", 1);
            last = decisions(kafka, probe).get(probe.get(0));
        }
        return last;
    }

    private String submit(FlinkSession flink, EmbeddedKafka kafka, Path checkpoints) {
        CliRun run =
                cli(
                        "route",
                        "--jobmanager",
                        flink.restAddress(),
                        "--detached",
                        "--parallelism",
                        "2",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--checkpoints",
                        checkpoints.toString(),
                        "--shards",
                        "2",
                        "--k",
                        "5",
                        "--router",
                        "knn-5",
                        "--checkpoint-interval",
                        "500ms",
                        "--catalog-wait",
                        "30s");
        assertThat(run.exit()).as(run.err()).isZero();
        return run.out().strip();
    }

    private static CliRun cli(String... args) {
        return CliRun.execute(args);
    }

    private static PoolCatalog catalog() {
        return PoolCatalog.newBuilder()
                .setPool(POOL)
                .setModels(List.of(model("big"), model("small")))
                .setDefaults(Map.of())
                .build();
    }

    private static CatalogModel model(String name) {
        return CatalogModel.newBuilder()
                .setName(name)
                .setInputPrice(0)
                .setOutputPrice(0)
                .setPrior(null)
                .build();
    }

    private FeedbackExample example(String id) {
        float[] v = vector();
        return FeedbackExample.newBuilder()
                .setExampleId(id)
                .setPool(POOL)
                .setVector(Float32Vectors.toBytes(v))
                .setDimension(DIM)
                .setEmbedder("synthetic")
                .setOutcomes(
                        Map.of(
                                "big", new ObservedOutcome(0.9, 0.01, 1.0, null),
                                "small", new ObservedOutcome(0.5, 0.001, 1.0, null)))
                .setPaid(false)
                .setTs(Instant.ofEpochMilli(1_000))
                .build();
    }

    private List<String> queries(KafkaProducer<byte[], byte[]> producer, String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = prefix + i;
            float[] v = vector();
            Query q =
                    Query.newBuilder()
                            .setId(id)
                            .setPool(POOL)
                            .setText("q")
                            .setTs(Instant.now())
                            .build();
            send(
                    producer,
                    Topics.QUERIES_EMBEDDED,
                    id,
                    EmbeddedQuery.newBuilder()
                            .setQuery(q)
                            .setVector(Float32Vectors.toBytes(v))
                            .setDimension(DIM)
                            .setEmbedder("synthetic")
                            .build());
            ids.add(id);
        }
        producer.flush();
        return ids;
    }

    private float[] vector() {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static <T extends org.apache.avro.specific.SpecificRecord> void send(
            KafkaProducer<byte[], byte[]> producer, String topic, String key, T value) {
        byte[] bytes = SingleObjectCodec.of((Class<T>) value.getClass()).encode(value);
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), bytes));
        producer.flush();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * The decisions of {@code ids} (and of no other query) a read_committed reader sees within 3
     * minutes.
     */
    private static Map<String, RoutingDecision> decisions(EmbeddedKafka kafka, List<String> ids)
            throws Exception {
        SingleObjectCodec<RoutingDecision> codec = SingleObjectCodec.of(RoutingDecision.class);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, RoutingDecision> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.DECISIONS));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline && !out.keySet().containsAll(ids)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    RoutingDecision d = codec.decode(r.value());
                    if (ids.contains(d.getQueryId())) {
                        out.put(d.getQueryId(), d);
                    }
                }
            }
        }
        return out;
    }
}

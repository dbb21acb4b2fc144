package dev.pointsman.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import dev.pointsman.embed.OnnxEmbedder;
import dev.pointsman.embed.Truncation;
import dev.pointsman.embed.service.BatchPolicy;
import dev.pointsman.embed.service.EmbedWorker;
import dev.pointsman.embed.service.QueryValidator;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.topics.KafkaAcls;
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
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The embedding service on a real broker with the real quantised MiniLM: on the embedded broker, on
 * Apache Kafka's image through Testcontainers where Docker exists, and on the embedded broker's
 * secured listener (SASL_SSL, SCRAM) as a user granted exactly {@link KafkaAcls#embedWorker}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestBroker.class)
class EmbedWorkerIT {
    private static final SingleObjectCodec<Query> QUERIES = SingleObjectCodec.of(Query.class);
    private static final SingleObjectCodec<EmbeddedQuery> EMBEDDED =
            SingleObjectCodec.of(EmbeddedQuery.class);
    private static final SingleObjectCodec<DeadLetter> DEAD =
            SingleObjectCodec.of(DeadLetter.class);

    @TempDir static Path dir;

    /** Which broker this invocation runs on (shown in the test name). */
    @Parameter TestBroker broker;

    private static TestBroker.Running kafka;
    private static OnnxEmbedder embedder;

    @BeforeParameterizedClassInvocation
    static void start(TestBroker broker) throws Exception {
        kafka = broker.start(dir.resolve("kafka-" + broker.name().toLowerCase()));
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            Topics.ensure(admin, Topics.all(2, Replication.SINGLE, Duration.ofDays(1)));
        }
        kafka.grant(KafkaAcls.embedWorker(TestBroker.PRINCIPAL, "it-embed", "it-embed"));
        embedder =
                new OnnxEmbedder(
                        new EmbedderConfig(
                                EmbeddingModel.ALL_MINILM_L6_V2_Q,
                                64,
                                Truncation.TAIL,
                                8,
                                1,
                                false));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (embedder != null) {
            embedder.close();
            embedder = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    @Test
    void embedsEveryQueryOnceDeadLettersPoisonAndResumesAfterARestart() throws Exception {
        List<String> texts = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < 12; i++) {
                send(producer, "q" + i, "question number " + i + " about routing", texts);
            }
            producer.send(
                    new ProducerRecord<>(
                            Topics.QUERIES, "bad".getBytes(), "not avro at all".getBytes()));
            send(producer, "empty", "   ", null);
            for (int i = 12; i < 16; i++) {
                send(producer, "q" + i, "question number " + i + " about routing", texts);
            }
        }
        Thread first = startWorker();
        Map<String, EmbeddedQuery> out = readEmbedded(16);
        List<DeadLetter> dead = readDeadLetters(2);
        stopWorker(first);

        assertThat(out).hasSize(16);
        for (int i = 0; i < 16; i++) {
            EmbeddedQuery e = out.get("q" + i);
            float[] direct = embedder.embed(List.of(texts.get(i)))[0];
            assertThat(Float32Vectors.fromBytes(e.getVector(), e.getDimension()))
                    .containsExactly(direct);
            assertThat(e.getEmbedder()).isEqualTo(embedder.id());
        }
        assertThat(dead)
                .extracting(DeadLetter::getReason)
                .anySatisfy(r -> assertThat(r).contains("not Avro single-object encoded"))
                .anySatisfy(r -> assertThat(r).isEqualTo("query empty has empty text"));
        assertThat(dead).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo(Topics.QUERIES));

        // A restarted worker in the same group continues after the committed offsets.
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 16; i < 20; i++) {
                send(producer, "q" + i, "question number " + i + " about routing", texts);
            }
        }
        Thread second = startWorker();
        Map<String, EmbeddedQuery> all = readEmbedded(20);
        stopWorker(second);
        assertThat(all).hasSize(20);
        assertThat(countEmbeddedRecords()).as("no query embedded twice").isEqualTo(20);

        // The broker stamped each query with its own time (the producer's timestamp claimed
        // 1970), and the embedded query carries that time on.
        Map<String, ConsumerRecord<byte[], byte[]>> queries = records(Topics.QUERIES, 22);
        Map<String, ConsumerRecord<byte[], byte[]>> embedded = records(Topics.QUERIES_EMBEDDED, 20);
        for (int i = 0; i < 20; i++) {
            ConsumerRecord<byte[], byte[]> q = queries.get("q" + i);
            assertThat(q.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(q.timestamp()).isGreaterThan(CLAIMED_TS);
            assertThat(embedded.get("q" + i).timestamp()).isEqualTo(q.timestamp());
        }
    }

    /** The timestamp every test query's producer record claims. */
    private static final long CLAIMED_TS = 1_000;

    /** The newest record of each key on {@code topic}, once {@code count} keys are read. */
    private static Map<String, ConsumerRecord<byte[], byte[]>> records(String topic, int count) {
        Map<String, ConsumerRecord<byte[], byte[]>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(topic)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.put(new String(r.key(), StandardCharsets.UTF_8), r);
                }
            }
        }
        return out;
    }

    private static EmbedWorker worker;

    private static Thread startWorker() {
        worker =
                new EmbedWorker(
                        new EmbedWorker.Settings(
                                kafka.clientBootstrapServers(),
                                "it-embed",
                                "it-embed-0",
                                Topics.QUERIES,
                                Topics.QUERIES_EMBEDDED,
                                Topics.DLQ,
                                new BatchPolicy(8, 30),
                                kafka.clientConfig()),
                        embedder,
                        new QueryValidator(4096, Set.of()));
        Thread t = new Thread(worker, "embed-worker-it");
        t.start();
        return t;
    }

    private static void stopWorker(Thread t) throws InterruptedException {
        worker.close();
        t.join(30_000);
        assertThat(t.isAlive()).isFalse();
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, String id, String text, List<String> texts) {
        byte[] value =
                QUERIES.encode(
                        Query.newBuilder()
                                .setId(id)
                                .setPool("default")
                                .setText(text)
                                .setTs(Instant.now())
                                .build());
        producer.send(
                new ProducerRecord<>(
                        Topics.QUERIES,
                        null,
                        CLAIMED_TS,
                        id.getBytes(StandardCharsets.UTF_8),
                        value));
        if (texts != null) {
            texts.add(text);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** Polls until {@code count} distinct queries are embedded, for at most 60 s. */
    private static Map<String, EmbeddedQuery> readEmbedded(int count) throws Exception {
        Map<String, EmbeddedQuery> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(Topics.QUERIES_EMBEDDED)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    EmbeddedQuery e = EMBEDDED.decode(r.value());
                    out.put(e.getQuery().getId(), e);
                }
            }
        }
        return out;
    }

    private static List<DeadLetter> readDeadLetters(int count) throws Exception {
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(Topics.DLQ)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(DEAD.decode(r.value()));
                }
            }
        }
        return out;
    }

    /** Every committed record on the output topic, read to the end. */
    private static int countEmbeddedRecords() {
        int n = 0;
        try (KafkaConsumer<byte[], byte[]> c = consumer(Topics.QUERIES_EMBEDDED)) {
            int emptyPolls = 0;
            while (emptyPolls < 5) {
                int got = c.poll(Duration.ofMillis(300)).count();
                n += got;
                emptyPolls = got == 0 ? emptyPolls + 1 : 0;
            }
        }
        return n;
    }
}

package dev.pointsman.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code pointsman embed-worker} as a child JVM, kills it with SIGKILL mid-stream, starts it
 * again, and checks the read_committed output holds every query exactly once.
 */
class EmbedWorkerCrashIT {
    private static final int QUERIES = 2000;
    private static final SingleObjectCodec<EmbeddedQuery> EMBEDDED =
            SingleObjectCodec.of(EmbeddedQuery.class);

    @TempDir Path dir;

    @Test
    void aKilledWorkerLosesAndDuplicatesNothingAfterRestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            try (Admin admin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    kafka.bootstrapServers()))) {
                Topics.ensure(admin, Topics.all(2, Replication.SINGLE, Duration.ofDays(1)));
            }
            produce(kafka.bootstrapServers());

            Process first = worker(kafka.bootstrapServers());
            // Wait until part of the stream is committed, then kill without any shutdown.
            waitForCommitted(kafka.bootstrapServers(), 16, Duration.ofSeconds(120), false);
            first.destroyForcibly().waitFor();
            int committedAtKill =
                    countCommitted(kafka.bootstrapServers()).values().stream()
                            .mapToInt(Integer::intValue)
                            .sum();
            assertThat(committedAtKill).isLessThan(QUERIES);

            Process second = worker(kafka.bootstrapServers());
            try {
                Map<String, Integer> perId =
                        waitForCommitted(
                                kafka.bootstrapServers(), QUERIES, Duration.ofSeconds(240), true);
                assertThat(perId).hasSize(QUERIES);
                assertThat(perId.values()).as("every query exactly once").containsOnly(1);
            } finally {
                second.destroy();
                second.waitFor();
            }
        }
    }

    private static void produce(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        SingleObjectCodec<Query> codec = SingleObjectCodec.of(Query.class);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < QUERIES; i++) {
                String id = "q" + i;
                byte[] value =
                        codec.encode(
                                Query.newBuilder()
                                        .setId(id)
                                        .setPool("default")
                                        .setText(
                                                "query "
                                                        + i
                                                        + ": "
                                                        + "which model should answer this? "
                                                                .repeat(1 + i % 4))
                                        .setTs(Instant.now())
                                        .build());
                sent.add(
                        producer.send(
                                new ProducerRecord<>(
                                        Topics.QUERIES,
                                        id.getBytes(StandardCharsets.UTF_8),
                                        value)));
            }
            // A lost input would read as a lost output later; fail here instead.
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The workers' client settings: a 6 s session (the broker's least), so that the restarted
     * worker takes the killed one's partitions over after 6 s instead of the default 45 s.
     */
    private Path clientConfig() throws java.io.IOException {
        Path file = dir.resolve("client.properties");
        java.nio.file.Files.writeString(
                file, "session.timeout.ms=6000\nheartbeat.interval.ms=1500\n");
        return file;
    }

    private Process worker(String bootstrap) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(
                        java,
                        "-Xmx1g",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.pointsman.cli.Main",
                        "embed-worker",
                        "--bootstrap",
                        bootstrap,
                        "--embedder",
                        "all-minilm-l6-v2-q",
                        "--max-tokens",
                        "64",
                        "--batch-size",
                        "8",
                        "--max-wait",
                        "10ms",
                        "--threads",
                        "1",
                        "--group",
                        "crash-it",
                        "--transactional-id",
                        "crash-it-0",
                        "--kafka-config",
                        clientConfig().toString());
        pb.redirectErrorStream(true);
        Path log = Path.of("target", "crash-it-worker-" + System.nanoTime() + ".log");
        pb.redirectOutput(log.toFile());
        assertThat(new File(java)).exists();
        return pb.start();
    }

    /**
     * Committed output records per query id, polled until {@code count} ids are seen or timeout.
     */
    private static Map<String, Integer> waitForCommitted(
            String bootstrap, int count, Duration timeout, boolean settle) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Integer> perId = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
            while (perId.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    perId.merge(EMBEDDED.decode(r.value()).getQuery().getId(), 1, Integer::sum);
                }
            }
            // Read on briefly so a duplicate committed after the last new id would still be seen.
            int quiet = 0;
            while (settle && quiet < 5 && perId.size() >= count) {
                var records = c.poll(Duration.ofMillis(300));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    perId.merge(EMBEDDED.decode(r.value()).getQuery().getId(), 1, Integer::sum);
                }
                quiet = records.isEmpty() ? quiet + 1 : 0;
            }
        }
        return perId;
    }

    private static Map<String, Integer> countCommitted(String bootstrap) throws Exception {
        return waitForCommitted(bootstrap, Integer.MAX_VALUE, Duration.ofSeconds(5), false);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(Topics.QUERIES_EMBEDDED));
        return c;
    }
}

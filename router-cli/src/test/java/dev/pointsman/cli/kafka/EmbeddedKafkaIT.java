package dev.pointsman.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real KRaft broker in-process: topics, transactions, and a restart on the same data. */
class EmbeddedKafkaIT {
    @TempDir Path dir;

    @Test
    void createsTopicsKeepsOnlyCommittedTransactionsAndSurvivesARestart() throws Exception {
        int brokerPort = freePort();
        int controllerPort = freePort();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, brokerPort, controllerPort)) {
            try (Admin admin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    kafka.bootstrapServers()))) {
                Topics.ensure(admin, Topics.all(2, Replication.SINGLE, Duration.ofDays(7)));
                Topics.ensure(
                        admin, Topics.all(2, Replication.SINGLE, Duration.ofDays(7))); // idempotent
                assertThat(admin.listTopics().names().get())
                        .contains(Topics.QUERIES, Topics.DLQ, Topics.CATALOG);
                assertThat(
                                admin.describeTopics(List.of(Topics.QUERIES))
                                        .allTopicNames()
                                        .get()
                                        .get(Topics.QUERIES)
                                        .partitions())
                        .hasSize(2);
                ConfigResource catalog =
                        new ConfigResource(ConfigResource.Type.TOPIC, Topics.CATALOG);
                Config config = admin.describeConfigs(List.of(catalog)).all().get().get(catalog);
                assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            }
            try (KafkaProducer<String, String> producer =
                    transactionalProducer(kafka.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(Topics.QUERIES, "q" + i, "committed-" + i));
                }
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(Topics.QUERIES, "q9", "aborted"));
                producer.flush();
                producer.abortTransaction();
            }
            assertThat(readCommitted(kafka.bootstrapServers(), 3))
                    .containsExactlyInAnyOrder("committed-0", "committed-1", "committed-2");
        }
        try (EmbeddedKafka again = EmbeddedKafka.start(dir, brokerPort, controllerPort)) {
            assertThat(readCommitted(again.bootstrapServers(), 3))
                    .containsExactlyInAnyOrder("committed-0", "committed-1", "committed-2");
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /**
     * Reads until {@code expected} values arrived or 30 s passed, then a little more to catch
     * extras.
     */
    private static List<String> readCommitted(String bootstrap, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.QUERIES));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int emptyPollsAfterTarget = 0;
            while (System.nanoTime() < deadline && emptyPollsAfterTarget < 2) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, String> r : records) {
                    values.add(r.value());
                }
                if (values.size() >= expected && records.isEmpty()) {
                    emptyPollsAfterTarget++;
                }
            }
        }
        return values;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}

package dev.pointsman.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.KafkaConfig;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller waiting on its query's decision on a real broker: a decision of another pool that reuses
 * the query's id does not answer it; its own pool's does.
 */
class DecisionWaiterIT {
    @TempDir Path dir;

    private static RoutingDecision decision(String pool, String id, String model) {
        return RoutingDecision.newBuilder()
                .setQueryId(id)
                .setPool(pool)
                .setModel(model)
                .setLambda(0)
                .setPredictions(List.of(new ModelPrediction(model, 0.5, 0.001)))
                .setRouter("knn-5")
                .setRouterVersion(0)
                .setSupportSize(0)
                .setTs(Instant.now())
                .setChallengers(java.util.List.of())
                .build();
    }

    @Test
    void aDecisionOfAnotherPoolWithTheSameIdDoesNotAnswerTheCaller() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            try (Admin admin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    kafka.bootstrapServers()))) {
                Topics.ensure(admin, Topics.all(2, Replication.SINGLE, Duration.ofDays(1)));
            }
            RecordCodec<RoutingDecision> codec =
                    WireFormat.singleObject().codec(RoutingDecision.class, Topics.DECISIONS);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            DecisionWaiter waiter =
                    new DecisionWaiter(
                            KafkaConfig.NONE.client(kafka.bootstrapServers()),
                            Topics.DECISIONS,
                            codec);
            try (KafkaProducer<String, byte[]> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                assertThat(waiter.awaitReady(Duration.ofSeconds(30))).isTrue();
                CompletableFuture<RoutingDecision> answer =
                        CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return waiter.route(
                                                producer,
                                                "q",
                                                "shared-id",
                                                "query".getBytes(StandardCharsets.UTF_8),
                                                Duration.ofSeconds(30));
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                });
                long registered = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (waiter.waiting() == 0) {
                    assertThat(System.nanoTime()).isLessThan(registered);
                    Thread.sleep(5);
                }
                // Pool p's decision for a query that reused the id comes first.
                producer.send(
                                new ProducerRecord<>(
                                        Topics.DECISIONS,
                                        "shared-id",
                                        codec.encode(decision("p", "shared-id", "p-model"))))
                        .get();
                // Read by the waiter (it follows the topic in order), yet q's caller still waits.
                long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (waiter.recent("p").isEmpty() && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertThat(waiter.recent("p")).hasSize(1);
                assertThat(answer).isNotDone();
                producer.send(
                                new ProducerRecord<>(
                                        Topics.DECISIONS,
                                        "shared-id",
                                        codec.encode(decision("q", "shared-id", "q-model"))))
                        .get();
                RoutingDecision got = answer.get();
                assertThat(got.getPool()).isEqualTo("q");
                assertThat(got.getModel()).isEqualTo("q-model");
            } finally {
                waiter.close();
            }
        }
    }
}

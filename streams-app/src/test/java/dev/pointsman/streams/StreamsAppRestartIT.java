package dev.pointsman.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.streams.api.ApiSettings;
import dev.pointsman.streams.gateway.GatewaySettings;
import dev.pointsman.topics.KafkaConfig;
import dev.pointsman.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger survives a restart: the second instance starts with an empty state directory, so it
 * must restore the joined query and its outcomes from the changelog topics.
 */
class StreamsAppRestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private StreamsApp start(EmbeddedKafka kafka, String stateDir) throws Exception {
        return StreamsApp.start(
                new StreamsApp.Settings(
                        kafka.bootstrapServers(),
                        null,
                        "streams-restart-it",
                        dir.resolve(stateDir),
                        2,
                        null,
                        null,
                        0,
                        TopologySettings.defaults(),
                        new ApiSettings("127.0.0.1", 0, Duration.ofSeconds(30), Map.of()),
                        GatewaySettings.DEFAULTS,
                        Topics.FEEDBACK,
                        KafkaConfig.NONE));
    }

    @Test
    void aRestartedAppStillJoinsOutcomesOfQueriesSeenBeforeIt() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                StreamsAppIT.Upstream upstream =
                        new StreamsAppIT.Upstream(kafka.bootstrapServers())) {
            StreamsAppIT.declare(kafka.bootstrapServers(), "p");
            upstream.start();
            String id;
            StreamsApp first = start(kafka, "state-1");
            try {
                HttpResponse<String> routed =
                        post(
                                first,
                                "/v1/route",
                                "{\"pool\":\"p\",\"text\":\"before the restart\"}");
                assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);
                id = JSON.readTree(routed.body()).get("queryId").asText();
                assertThat(post(first, "/v1/outcomes", outcome(id, "a")).statusCode())
                        .isEqualTo(202);
                await(
                        kafka,
                        Topics.FEEDBACK,
                        FeedbackExample.class,
                        e -> e.getExampleId().equals(id));
            } finally {
                first.close();
            }

            StreamsApp second = start(kafka, "state-2");
            try {
                assertThat(post(second, "/v1/outcomes", outcome(id, "b")).statusCode())
                        .isEqualTo(202);
                FeedbackExample merged =
                        await(
                                kafka,
                                Topics.FEEDBACK,
                                FeedbackExample.class,
                                e -> e.getExampleId().equals(id) && e.getOutcomes().size() == 2);
                assertThat(merged.getOutcomes()).containsOnlyKeys("a", "b");
                assertThat(Float32Vectors.fromBytes(merged.getVector(), merged.getDimension()))
                        .containsExactly(StreamsAppIT.Upstream.vector(id));

                assertThat(post(second, "/v1/outcomes", outcome(id, "a")).statusCode())
                        .isEqualTo(202);
                DeadLetter duplicate =
                        await(
                                kafka,
                                Topics.DLQ,
                                DeadLetter.class,
                                d -> d.getReason().startsWith("duplicate outcome"));
                assertThat(duplicate.getReason())
                        .isEqualTo("duplicate outcome for model 'a' of query " + id);
            } finally {
                second.close();
            }
        }
    }

    private static String outcome(String id, String model) {
        return "{\"queryId\":\""
                + id
                + "\",\"pool\":\"p\",\"model\":\""
                + model
                + "\",\"score\":1,\"cost\":0.001}";
    }

    private <T extends org.apache.avro.specific.SpecificRecord> T await(
            EmbeddedKafka kafka, String topic, Class<T> type, Predicate<T> match) throws Exception {
        RecordCodec<T> codec = WireFormat.singleObject().codec(type, topic);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    T value = codec.decode(r.value());
                    if (match.test(value)) {
                        return value;
                    }
                }
            }
        }
        throw new AssertionError("no matching record on " + topic + " within 90 s");
    }

    private HttpResponse<String> post(StreamsApp app, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.apiPort() + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

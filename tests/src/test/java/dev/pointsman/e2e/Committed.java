package dev.pointsman.e2e;

import dev.pointsman.cli.demo.LocalStack;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what the stack has committed to a topic, for the tests' assertions. */
final class Committed {
    private Committed() {}

    /** Every committed record of a topic so far (until the topic has been quiet for 2 s). */
    static <T extends SpecificRecord> List<T> read(LocalStack stack, String topic, Class<T> type) {
        RecordCodec<T> codec = stack.wire().codec(type, topic);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-read-" + topic + "-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int quiet = 0;
            while (quiet < 4) {
                var records = consumer.poll(Duration.ofMillis(500));
                quiet = records.isEmpty() && !consumer.assignment().isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    try {
                        out.add(codec.decode(r.value()));
                    } catch (UndecodableRecordException e) {
                        throw new AssertionError("undecodable record on " + topic, e);
                    }
                }
            }
        }
        return out;
    }
}

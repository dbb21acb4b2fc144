package dev.pointsman.e2e;

import dev.pointsman.cli.demo.LocalStack;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkLoader;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
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

/**
 * What the end-to-end tests share: the bundled sample, a free port, and what the stack has
 * committed to a topic, for their assertions.
 */
final class E2e {
    private E2e() {}

    /** The bundled RouterBench sample. */
    static Benchmark sample() throws IOException {
        try (InputStream in =
                Benchmark.class
                        .getClassLoader()
                        .getResourceAsStream("samples/routerbench-sample.jsonl")) {
            return BenchmarkLoader.load(in, "routerbench-sample.jsonl");
        }
    }

    /** A port free at the moment of asking. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Every committed record of a topic so far (until the topic has been quiet for 2 s). */
    static <T extends SpecificRecord> List<T> committed(
            LocalStack stack, String topic, Class<T> type) {
        return committed(stack, topic, type, false);
    }

    /**
     * The committed records of {@code topic}; with {@code skipUndecodable}, records that are not
     * {@code type} (hostile input written there on purpose) are passed over instead of failing.
     */
    static <T extends SpecificRecord> List<T> committed(
            LocalStack stack, String topic, Class<T> type, boolean skipUndecodable) {
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
                        if (!skipUndecodable) {
                            throw new AssertionError("undecodable record on " + topic, e);
                        }
                    }
                }
            }
        }
        return out;
    }
}

package dev.pointsman.flink.records;

import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import org.apache.flink.util.OutputTag;

/**
 * The routing job's dead letters: every operator that rejects a record emits it on {@link #TAG},
 * encoded and keyed like the record it carries, and the job writes them all to {@code router.dlq}.
 */
public final class DeadLetters {
    /** The component named in the job's dead letters. */
    public static final String COMPONENT = "flink-router";

    /** Dead letters, encoded, keyed like the record they came from. */
    public static final OutputTag<KeyedBytes> TAG = new OutputTag<>("dlq") {};

    private DeadLetters() {}

    /** {@code source}, dead-lettered with {@code reason}. */
    public static KeyedBytes of(KafkaRecord source, String reason) {
        return new KeyedBytes(source.key, encode(source.deadLetter(reason, COMPONENT)));
    }

    private static byte[] encode(DeadLetter letter) {
        return SingleObjectCodec.of(DeadLetter.class).encode(letter);
    }
}

package dev.pointsman.flink.records;

import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.codec.Rejections;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.topics.Topics;
import org.apache.flink.util.OutputTag;
import org.jspecify.annotations.Nullable;

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

    /** {@code source}, dead-lettered as {@code kind} with {@code reason}, its pool unknown. */
    public static KeyedBytes of(KafkaRecord source, String kind, String reason) {
        return of(source, kind, reason, null, false);
    }

    /**
     * {@code source} of {@code pool}, dead-lettered as {@code kind} with {@code reason}. Its
     * payload is kept only where it carries no prompt text or the pool opted in ({@code
     * poolKeepsText}).
     */
    public static KeyedBytes of(
            KafkaRecord source,
            String kind,
            String reason,
            @Nullable String pool,
            boolean poolKeepsText) {
        boolean keep = poolKeepsText || !Topics.CARRY_TEXT.contains(source.topic);
        return new KeyedBytes(
                source.key,
                encode(source.deadLetter(new Rejections.Why(kind, reason, pool, keep), COMPONENT)));
    }

    private static byte[] encode(DeadLetter letter) {
        return SingleObjectCodec.of(DeadLetter.class).encode(letter);
    }
}

package dev.pointsman.schemas.codec;

import dev.pointsman.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The one way every component builds a {@link DeadLetter}: the record as read, and why. The
 * dead-letter topic is shared by every pool, so a record that carries prompt text keeps only its
 * length and SHA-256 there (its partition and offset still find it on its own topic, within that
 * topic's retention and ACLs), unless its pool opted in to keeping the text.
 */
public final class Rejections {
    private Rejections() {}

    /** What a dead letter says about the record, besides the record itself. */
    public record Why(String kind, String reason, @Nullable String pool, boolean keepPayload) {
        /**
         * @param kind a short, bounded label for counting (undecodable, invalid, future, ...)
         * @param reason what is wrong, for a person
         * @param pool the pool the record names, null where it could not be read
         * @param keepPayload false to keep only the payload's length and hash (it carries prompt
         *     text and the pool did not opt in)
         */
        public Why {}
    }

    /**
     * @param partition -1 (and offset -1) when the record is no longer at hand as read
     * @param component which component rejected it
     */
    public static DeadLetter deadLetter(
            String topic,
            int partition,
            long offset,
            byte @Nullable [] key,
            byte @Nullable [] payload,
            Why why,
            String component,
            Instant ts) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setPayload(payload == null || !why.keepPayload() ? null : ByteBuffer.wrap(payload))
                .setPayloadBytes(payload == null ? -1 : payload.length)
                .setPayloadSha256(payload == null ? null : sha256(payload))
                .setPool(why.pool())
                .setKind(why.kind())
                .setReason(why.reason())
                .setComponent(component)
                .setTs(ts)
                .build();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

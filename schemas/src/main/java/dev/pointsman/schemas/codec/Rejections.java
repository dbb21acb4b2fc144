package dev.pointsman.schemas.codec;

import dev.pointsman.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The one way every component builds a {@link DeadLetter}: the record as read, and why. */
public final class Rejections {
    private Rejections() {}

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
            String reason,
            String component,
            Instant ts) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setPayload(payload == null ? null : ByteBuffer.wrap(payload))
                .setReason(reason)
                .setComponent(component)
                .setTs(ts)
                .build();
    }
}

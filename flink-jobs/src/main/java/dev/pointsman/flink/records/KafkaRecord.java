package dev.pointsman.flink.records;

import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.codec.Rejections;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A Kafka record as read, kept so that a record we cannot use reaches the DLQ intact. A POJO. */
public class KafkaRecord {
    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;
    public long ts;

    public KafkaRecord() {}

    /**
     * A record of {@code topic} no longer at hand as read (partition and offset unknown), for the
     * dead letter of something derived from it.
     */
    public static KafkaRecord derived(
            String topic, byte @Nullable [] key, byte @Nullable [] value, long ts) {
        KafkaRecord r = new KafkaRecord();
        r.topic = topic;
        r.partition = -1;
        r.offset = -1;
        r.key = key;
        r.value = value;
        r.ts = ts;
        return r;
    }

    /** This record, dead-lettered for {@code why} by {@code component}. */
    public DeadLetter deadLetter(Rejections.Why why, String component) {
        return Rejections.deadLetter(
                topic,
                partition,
                offset,
                key,
                value,
                why,
                component,
                Instant.ofEpochMilli(System.currentTimeMillis()));
    }
}

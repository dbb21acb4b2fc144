package dev.pointsman.flink.records;

import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.codec.Rejections;
import java.time.Instant;

/** A Kafka record as read, kept so that a record we cannot use reaches the DLQ intact. A POJO. */
public class KafkaRecord {
    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;
    public long ts;

    public KafkaRecord() {}

    /** This record, dead-lettered with {@code reason} by {@code component}. */
    public DeadLetter deadLetter(String reason, String component) {
        return Rejections.deadLetter(
                topic,
                partition,
                offset,
                key,
                value,
                reason,
                component,
                Instant.ofEpochMilli(System.currentTimeMillis()));
    }
}

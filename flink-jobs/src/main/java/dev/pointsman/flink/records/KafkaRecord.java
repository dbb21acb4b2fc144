package dev.pointsman.flink.records;

import dev.pointsman.schemas.DeadLetter;
import java.nio.ByteBuffer;
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
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setPayload(value == null ? null : ByteBuffer.wrap(value))
                .setReason(reason)
                .setComponent(component)
                .setTs(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build();
    }
}

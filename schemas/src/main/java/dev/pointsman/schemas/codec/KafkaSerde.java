package dev.pointsman.schemas.codec;

import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link RecordCodec} as a Kafka {@link Serde}, for plain clients and Kafka Streams. An
 * undecodable value becomes a {@link SerializationException} naming the reason, which Kafka Streams
 * hands to its deserialization exception handler (the project's routes it to the dead-letter
 * topic). A null value stays null (a tombstone).
 */
public final class KafkaSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final RecordCodec<T> codec;

    public KafkaSerde(RecordCodec<T> codec) {
        this.codec = codec;
    }

    public RecordCodec<T> codec() {
        return codec;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return codec.decode(data);
        } catch (UndecodableRecordException e) {
            throw new SerializationException(
                    "undecodable record on " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}
}

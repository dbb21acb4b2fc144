package dev.pointsman.schemas.codec;

/** Turns records of one type into Kafka record values and back. Thread-safe. */
public interface RecordCodec<T> {
    byte[] encode(T record);

    /** Anything that is not a valid record becomes a typed error, never another exception. */
    T decode(byte[] bytes) throws UndecodableRecordException;
}

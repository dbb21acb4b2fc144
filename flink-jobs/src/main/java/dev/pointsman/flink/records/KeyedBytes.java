package dev.pointsman.flink.records;

/** A record to write: key and value bytes. A POJO. */
public class KeyedBytes {
    public byte[] key;
    public byte[] value;

    public KeyedBytes() {}

    public KeyedBytes(byte[] key, byte[] value) {
        this.key = key;
        this.value = value;
    }
}

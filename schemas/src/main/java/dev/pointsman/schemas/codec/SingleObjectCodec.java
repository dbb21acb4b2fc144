package dev.pointsman.schemas.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (a 2-byte marker, the writer schema's 64-bit fingerprint, then the
 * binary record), so a reader needs no schema registry: it recognises the writer schema by
 * fingerprint. Older versions of a schema are registered with {@link #withPreviousVersion} and are
 * resolved into the current class. Thread-safe.
 */
public final class SingleObjectCodec<T extends SpecificRecord> implements RecordCodec<T> {
    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private SingleObjectCodec(Class<T> type, Schema schema) {
        TrustedSchemas.install();
        this.type = type;
        SpecificData model = new SpecificData(type.getClassLoader());
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
    }

    /** The codec for a generated record class. */
    public static <T extends SpecificRecord> SingleObjectCodec<T> of(Class<T> type) {
        return new SingleObjectCodec<>(type, SpecificData.get().getSchema(type));
    }

    /** Also accept bytes written with {@code previous}, resolving them to the current schema. */
    public SingleObjectCodec<T> withPreviousVersion(Schema previous) {
        decoder.addSchema(previous);
        return this;
    }

    @Override
    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] out = new byte[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("encoding " + type.getSimpleName() + " failed", e);
        }
    }

    /** Whether {@code bytes} start with the single-object marker (0xC3 0x01). */
    public static boolean looksSingleObject(byte[] bytes) {
        return bytes != null
                && bytes.length >= 10
                && bytes[0] == (byte) 0xC3
                && bytes[1] == (byte) 0x01;
    }

    /** Decodes {@code bytes}; anything that is not a valid record becomes a typed error. */
    @Override
    public T decode(byte[] bytes) throws UndecodableRecordException {
        if (bytes == null) {
            throw new UndecodableRecordException(
                    "null payload, expected " + type.getSimpleName(), null);
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new UndecodableRecordException(
                    "unknown writer schema for " + type.getSimpleName() + ": " + e.getMessage(), e);
        } catch (BadHeaderException e) {
            throw new UndecodableRecordException(
                    "not Avro single-object encoded "
                            + type.getSimpleName()
                            + ": "
                            + e.getMessage(),
                    e);
        } catch (IOException
                | AvroRuntimeException
                | IndexOutOfBoundsException
                | NegativeArraySizeException e) {
            throw new UndecodableRecordException(
                    "corrupt " + type.getSimpleName() + " payload: " + e, e);
        }
    }
}

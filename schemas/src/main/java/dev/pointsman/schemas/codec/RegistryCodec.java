package dev.pointsman.schemas.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The schema-registry wire format that Confluent's serdes, Kafka Connect and most registry-aware
 * tools read: a zero magic byte, the writer schema's 4-byte big-endian registry id, then the Avro
 * binary record. Writer schemas are registered under {@code <topic>-value} (the topic-name
 * strategy). For migrations it also reads the registry-free single-object encoding. A registry that
 * does not know an id makes the record undecodable (it goes to the dead-letter topic); a registry
 * that cannot be reached is an error of the deployment, not of the record, and is thrown as such.
 * Thread-safe.
 */
public final class RegistryCodec<T extends SpecificRecord> implements RecordCodec<T> {
    static final byte MAGIC = 0;

    private final Class<T> type;
    private final Schema schema;
    private final String subject;
    private final SchemaRegistryClient registry;
    private final SpecificData model;
    private final SingleObjectCodec<T> singleObject;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    private volatile int writerId = -1;

    public RegistryCodec(Class<T> type, String topic, SchemaRegistryClient registry) {
        TrustedSchemas.install();
        this.type = type;
        this.schema = SpecificData.get().getSchema(type);
        this.subject = topic + "-value";
        this.registry = registry;
        this.model = new SpecificData(type.getClassLoader());
        this.singleObject = SingleObjectCodec.of(type);
    }

    /** The subject the writer schema is registered under. */
    public String subject() {
        return subject;
    }

    @Override
    public byte[] encode(T record) {
        int id = writerId;
        if (id < 0) {
            id = registry.register(subject, schema);
            writerId = id;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<T>(schema, model).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException("encoding " + type.getSimpleName() + " failed", e);
        }
        return out.toByteArray();
    }

    @Override
    public T decode(byte[] bytes) throws UndecodableRecordException {
        if (SingleObjectCodec.looksSingleObject(bytes)) {
            return singleObject.decode(bytes);
        }
        if (bytes == null || bytes.length < 5 || bytes[0] != MAGIC) {
            throw new UndecodableRecordException(
                    "neither schema-registry framed nor single-object encoded "
                            + type.getSimpleName(),
                    null);
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        SpecificDatumReader<T> reader = readers.get(id);
        if (reader == null) {
            Schema writer = registry.schema(id);
            reader = new SpecificDatumReader<>(writer, schema, model);
            readers.putIfAbsent(id, reader);
        }
        try {
            BinaryDecoder decoder =
                    DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new UndecodableRecordException(
                        "trailing bytes after " + type.getSimpleName() + " (schema id " + id + ")",
                        null);
            }
            return record;
        } catch (IOException
                | AvroRuntimeException
                | IndexOutOfBoundsException
                | NegativeArraySizeException
                | ClassCastException e) {
            throw new UndecodableRecordException(
                    "corrupt " + type.getSimpleName() + " payload (schema id " + id + "): " + e, e);
        }
    }
}

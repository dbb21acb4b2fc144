package dev.pointsman.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.schemas.Query;
import dev.pointsman.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryCodecTest {
    private FakeSchemaRegistry registry;
    private RegistryCodec<Query> codec;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeSchemaRegistry();
        codec =
                new RegistryCodec<>(
                        Query.class, Topics.QUERIES, new SchemaRegistryClient(registry.url()));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private static Query query(String id) {
        return Query.newBuilder()
                .setId(id)
                .setPool("default")
                .setText("What is 2 + 2?")
                .setLambda(0.25)
                .setTs(Instant.ofEpochMilli(1_700_000_000_000L))
                .setAttributes(Map.of("tenant", "t1"))
                .build();
    }

    @Test
    void framesWithMagicByteAndRegistryIdAndRegistersOnce() throws Exception {
        byte[] first = codec.encode(query("a"));
        byte[] second = codec.encode(query("b"));

        assertThat(first[0]).isZero();
        int id = ByteBuffer.wrap(first, 1, 4).getInt();
        assertThat(id).isEqualTo(100); // the fake registry's first id
        assertThat(ByteBuffer.wrap(second, 1, 4).getInt()).isEqualTo(id);
        assertThat(registry.registeredSubjects).containsExactly("router.queries-value");
        assertThat(codec.decode(first)).isEqualTo(query("a"));
        assertThat(codec.decode(second)).isEqualTo(query("b"));
    }

    @Test
    void readsSingleObjectRecordsToo() throws Exception {
        byte[] legacy = SingleObjectCodec.of(Query.class).encode(query("old"));
        assertThat(codec.decode(legacy)).isEqualTo(query("old"));
    }

    @Test
    void resolvesAnOlderWriterSchemaFromTheRegistry() throws Exception {
        // A producer still on v1 of Query registered it as id 7.
        Schema v1 =
                new Schema.Parser().parse(getClass().getResourceAsStream("/compat/v1/Query.avsc"));
        registry.put(7, v1.toString());
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field f : v1.getFields()) {
            old.put(f.name(), f.hasDefaultValue() ? GenericData.get().getDefaultValue(f) : null);
        }
        old.put("id", "v1-query");
        old.put("pool", "default");
        old.put("text", "hello");
        old.put("ts", 1_700_000_000_000L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(7).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
        encoder.flush();

        Query decoded = codec.decode(out.toByteArray());
        assertThat(decoded.getId()).isEqualTo("v1-query");
        assertThat(decoded.getText()).isEqualTo("hello");
    }

    @Test
    void unknownIdsAndBadBytesAreUndecodable() {
        byte[] good = codec.encode(query("a"));
        byte[] unknownId = good.clone();
        ByteBuffer.wrap(unknownId, 1, 4).putInt(424242);
        assertThatThrownBy(() -> codec.decode(unknownId))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("424242");

        assertThatThrownBy(() -> codec.decode("plain text".getBytes()))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("neither schema-registry framed nor single-object");
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(UndecodableRecordException.class);

        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        assertThatThrownBy(() -> codec.decode(truncated))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("corrupt Query");

        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        assertThatThrownBy(() -> codec.decode(trailing))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("trailing bytes");
    }

    @Test
    void anUnreachableRegistryIsADeploymentErrorNotABadRecord() {
        String url = registry.url();
        registry.close();
        RegistryCodec<Query> orphan =
                new RegistryCodec<>(Query.class, Topics.QUERIES, new SchemaRegistryClient(url));
        assertThatThrownBy(() -> orphan.encode(query("a")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("unreachable");
    }

    @Test
    void wireFormatPicksTheCodecFromTheConfiguration() {
        assertThat(WireFormat.of(null).codec(Query.class, "t"))
                .isInstanceOf(SingleObjectCodec.class);
        assertThat(WireFormat.of(registry.url()).codec(Query.class, "t"))
                .isInstanceOf(RegistryCodec.class);
        assertThatThrownBy(() -> WireFormat.of("ftp://nope"))
                .hasMessageContaining("schema-registry");
    }
}

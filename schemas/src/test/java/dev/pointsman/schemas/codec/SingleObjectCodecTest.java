package dev.pointsman.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.Query;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SingleObjectCodecTest {
    private static final SingleObjectCodec<EmbeddedQuery> CODEC =
            SingleObjectCodec.of(EmbeddedQuery.class);

    private static EmbeddedQuery sample() {
        Query q =
                Query.newBuilder()
                        .setId("q-1")
                        .setPool("default")
                        .setText("What is 2 + 2?")
                        .setLambda(0.5)
                        .setTs(Instant.ofEpochMilli(1_700_000_000_000L))
                        .setAttributes(Map.of("tenant", "t1"))
                        .build();
        return EmbeddedQuery.newBuilder()
                .setQuery(q)
                .setVector(Float32Vectors.toBytes(new float[] {0.6f, -0.8f, 0f}))
                .setDimension(3)
                .setEmbedder("all-minilm-l6-v2/tail/128")
                .build();
    }

    @Test
    void roundTripsARecordWithItsVector() throws Exception {
        EmbeddedQuery original = sample();
        EmbeddedQuery back = CODEC.decode(CODEC.encode(original));
        assertThat(back).isEqualTo(original);
        assertThat(back.getQuery().getTs()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(back.getQuery().getBudget()).isNull();
        assertThat(Float32Vectors.fromBytes(back.getVector(), back.getDimension()))
                .containsExactly(0.6f, -0.8f, 0f);
    }

    @Test
    void theWireFormatStartsWithTheSingleObjectMarkerAndFingerprint() {
        byte[] bytes = CODEC.encode(sample());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
    }

    @Test
    void corruptOrForeignBytesAreTypedErrorsNotCrashes() {
        byte[] good = CODEC.encode(sample());
        assertThat(
                        catchThrowableOfType(
                                        UndecodableRecordException.class,
                                        () -> CODEC.decode("hello".getBytes()))
                                .getMessage())
                .contains("not Avro single-object encoded");
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        assertThat(
                        catchThrowableOfType(
                                        UndecodableRecordException.class,
                                        () -> CODEC.decode(truncated))
                                .getMessage())
                .contains("corrupt EmbeddedQuery payload");
        byte[] otherType =
                SingleObjectCodec.of(Outcome.class)
                        .encode(
                                Outcome.newBuilder()
                                        .setQueryId("q")
                                        .setPool("p")
                                        .setModel("m")
                                        .setScore(1.0)
                                        .setCost(0.1)
                                        .setTs(Instant.EPOCH)
                                        .build());
        assertThat(
                        catchThrowableOfType(
                                        UndecodableRecordException.class,
                                        () -> CODEC.decode(otherType))
                                .getMessage())
                .contains("unknown writer schema for EmbeddedQuery");
        assertThat(
                        catchThrowableOfType(
                                        UndecodableRecordException.class, () -> CODEC.decode(null))
                                .getMessage())
                .contains("null payload");
    }

    @Test
    void bytesFromAnOlderCompatibleVersionAreResolved() throws Exception {
        // An older Outcome without latencyMs: the current schema gives it the default (null).
        Schema old =
                SchemaBuilder.record("Outcome")
                        .namespace("dev.pointsman.schemas")
                        .fields()
                        .requiredString("queryId")
                        .requiredString("pool")
                        .requiredString("model")
                        .requiredDouble("score")
                        .requiredDouble("cost")
                        .name("ts")
                        .type(
                                org.apache.avro.LogicalTypes.timestampMillis()
                                        .addToSchema(Schema.create(Schema.Type.LONG)))
                        .noDefault()
                        .endRecord();
        GenericRecord record = new GenericData.Record(old);
        record.put("queryId", "q");
        record.put("pool", "p");
        record.put("model", "m");
        record.put("score", 0.5);
        record.put("cost", 0.01);
        record.put("ts", 42L);
        byte[] bytes =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old)
                        .encode(record)
                        .array();
        SingleObjectCodec<Outcome> codec = SingleObjectCodec.of(Outcome.class);
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(UndecodableRecordException.class);
        Outcome outcome = codec.withPreviousVersion(old).decode(bytes);
        assertThat(outcome.getScore()).isEqualTo(0.5);
        assertThat(outcome.getLatencyMs()).isNull();
    }

    @Test
    void vectorByteCountsAreChecked() {
        assertThatThrownBy(
                        () ->
                                Float32Vectors.fromBytes(
                                        Float32Vectors.toBytes(new float[] {1, 2}), 3))
                .hasMessageContaining("vector has 8 bytes, expected 12 for dimension 3");
    }
}

package dev.pointsman.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.schemas.Outcome;
import dev.pointsman.topics.Topics;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class KafkaSerdeTest {
    private final KafkaSerde<Outcome> serde = new KafkaSerde<>(SingleObjectCodec.of(Outcome.class));

    private static Outcome outcome() {
        return Outcome.newBuilder()
                .setQueryId("q-1")
                .setPool("default")
                .setModel("gpt-4")
                .setScore(0.75)
                .setCost(0.002)
                .setTs(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
    }

    @Test
    void roundTripsThroughTheKafkaInterfaces() {
        byte[] bytes = serde.serializer().serialize(Topics.OUTCOMES, outcome());
        assertThat(serde.deserializer().deserialize(Topics.OUTCOMES, bytes)).isEqualTo(outcome());
    }

    @Test
    void tombstonesStayNull() {
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void undecodableValuesBecomeSerializationExceptionsWithTheReason() {
        assertThatThrownBy(() -> serde.deserialize(Topics.OUTCOMES, "junk".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Topics.OUTCOMES)
                .hasMessageContaining("Outcome")
                .hasCauseInstanceOf(UndecodableRecordException.class);
    }
}

package dev.pointsman.flink.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final SingleObjectCodec<DeadLetter> LETTERS =
            SingleObjectCodec.of(DeadLetter.class);

    private static KafkaRecord record(String topic, String value) {
        KafkaRecord r = new KafkaRecord();
        r.topic = topic;
        r.partition = 3;
        r.offset = 42;
        r.key = "q1".getBytes(StandardCharsets.UTF_8);
        r.value = value.getBytes(StandardCharsets.UTF_8);
        return r;
    }

    private static DeadLetter letter(KeyedBytes k) throws Exception {
        return LETTERS.decode(k.value);
    }

    @Test
    void aPromptKeepsOnlyItsLengthAndHashUnlessItsPoolOptedIn() throws Exception {
        KafkaRecord prompt = record(Topics.QUERIES_EMBEDDED, "my secret prompt");
        DeadLetter hidden = letter(DeadLetters.of(prompt, "invalid", "bad", "p", false));
        assertThat(hidden.getPayload()).isNull();
        assertThat(hidden.getPayloadBytes()).isEqualTo(16);
        // sha256("my secret prompt")
        assertThat(hidden.getPayloadSha256())
                .isEqualTo("234bde84ffe7ec43476d011ee74354c33cbf7b14087205626e5263c237ebe808");
        assertThat(hidden.getPool()).isEqualTo("p");
        assertThat(hidden.getKind()).isEqualTo("invalid");
        assertThat(hidden.getPartition()).isEqualTo(3);
        assertThat(hidden.getOffset()).isEqualTo(42);

        DeadLetter kept = letter(DeadLetters.of(prompt, "invalid", "bad", "p", true));
        assertThat(StandardCharsets.UTF_8.decode(kept.getPayload()).toString())
                .isEqualTo("my secret prompt");
        assertThat(kept.getPayloadSha256()).isEqualTo(hidden.getPayloadSha256());

        // A record without prompt text keeps its payload: it is what an operator needs.
        DeadLetter catalog =
                letter(DeadLetters.of(record(Topics.CATALOG, "{}"), "undecodable", "x"));
        assertThat(catalog.getPayload()).isNotNull();
        assertThat(catalog.getPool()).isNull();
    }

    @Test
    void aPoolOptsInByItsCatalog() {
        assertThat(PoolSettings.keepsText("p", Map.of())).isFalse();
        assertThat(PoolSettings.keepsText("p", Map.of("dlq.keep-text", "true"))).isTrue();
        assertThatThrownBy(() -> PoolSettings.parse("p", Map.of("dlq.keep-text", "yes")))
                .hasMessage("catalog of p: default dlq.keep-text must be true or false, got yes");
    }
}

package dev.pointsman.embed.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryValidatorTest {
    private static final SingleObjectCodec<Query> CODEC = SingleObjectCodec.of(Query.class);

    static byte[] query(String id, String pool, String text) {
        return CODEC.encode(
                Query.newBuilder()
                        .setId(id)
                        .setPool(pool)
                        .setText(text)
                        .setTs(Instant.EPOCH)
                        .build());
    }

    @Test
    void acceptsAGoodQuery() {
        QueryValidator v = new QueryValidator(100, Set.of());
        assertThat(v.check(query("q1", "p", "hello")))
                .isInstanceOfSatisfying(
                        QueryValidator.Accepted.class,
                        a -> assertThat(a.query().getId()).isEqualTo("q1"));
    }

    @Test
    void rejectsEachKindOfBadRecordWithAReason() {
        QueryValidator v = new QueryValidator(10, Set.of("chat"));
        assertThat(reason(v, "garbage".getBytes())).contains("not Avro single-object encoded");
        assertThat(reason(v, query("q2", "chat", "   "))).isEqualTo("query q2 has empty text");
        assertThat(reason(v, query("q3", "chat", "ééééééé")))
                .isEqualTo("query q3 text is 14 bytes, over the limit of 10");
        assertThat(reason(v, query("q4", "code", "hi")))
                .isEqualTo("query q4 names unknown pool 'code'");
        assertThat(reason(v, null)).contains("null payload");
    }

    @Test
    void invalidUtf8IsRejectedAndAGenuineReplacementCharacterIsNot() {
        QueryValidator v = new QueryValidator(100, Set.of());
        byte[] good = query("q5", "p", "abcd");
        // Put a lone continuation byte where 'b' was: invalid UTF-8 that Avro would make U+FFFD.
        byte[] bad = good.clone();
        for (int i = bad.length - 1; i >= 0; i--) {
            if (bad[i] == 'b' && bad[i - 1] == 'a') {
                bad[i] = (byte) 0x80;
                break;
            }
        }
        assertThat(reason(v, bad)).isEqualTo("query q5 is not valid UTF-8 (its text, id or pool)");
        assertThat(v.check(query("q6", "p", "a\uFFFDb")))
                .isInstanceOf(QueryValidator.Accepted.class);
    }

    private static String reason(QueryValidator v, byte[] value) {
        return ((QueryValidator.Rejected) v.check(value)).reason();
    }
}

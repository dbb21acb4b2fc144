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

    private static String reason(QueryValidator v, byte[] value) {
        return ((QueryValidator.Rejected) v.check(value)).reason();
    }
}

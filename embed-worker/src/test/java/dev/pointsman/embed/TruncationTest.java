package dev.pointsman.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TruncationTest {
    private static final long[] TOKENS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    @Test
    void headKeepsTheStart() {
        assertThat(Truncation.HEAD.apply(TOKENS, 4)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void tailKeepsTheEnd() {
        assertThat(Truncation.TAIL.apply(TOKENS, 4)).containsExactly(7, 8, 9, 10);
    }

    @Test
    void headTailKeepsAQuarterFromTheStartAndTheRestFromTheEnd() {
        assertThat(Truncation.HEAD_TAIL.apply(TOKENS, 8)).containsExactly(1, 2, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void shortInputIsUntouched() {
        for (Truncation t : Truncation.values()) {
            assertThat(t.apply(TOKENS, 10)).containsExactly(TOKENS);
        }
    }

    @Test
    void idsRoundTripAndUnknownNamesAreRejected() {
        for (Truncation t : Truncation.values()) {
            assertThat(Truncation.byId(t.id())).isEqualTo(t);
        }
        assertThatThrownBy(() -> Truncation.byId("middle"))
                .hasMessageContaining("unknown truncation 'middle'");
    }
}

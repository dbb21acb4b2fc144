package dev.pointsman.embed.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BatchPolicyTest {
    private final BatchPolicy policy = new BatchPolicy(8, 50);

    @Test
    void flushesWhenFullOrWhenTheFirstRecordHasWaitedLongEnough() {
        assertThat(policy.shouldFlush(0, 0, 1_000)).isFalse();
        assertThat(policy.shouldFlush(7, 1_000, 1_049)).isFalse();
        assertThat(policy.shouldFlush(8, 1_000, 1_001)).isTrue();
        assertThat(policy.shouldFlush(1, 1_000, 1_050)).isTrue();
    }

    @Test
    void pollsNoLongerThanTheBatchDeadline() {
        assertThat(policy.pollTimeoutMs(0, 0, 5_000)).isEqualTo(50);
        assertThat(policy.pollTimeoutMs(3, 1_000, 1_030)).isEqualTo(20);
        assertThat(policy.pollTimeoutMs(3, 1_000, 1_090)).isZero();
    }

    @Test
    void invalidSettingsNameTheirOption() {
        assertThatThrownBy(() -> new BatchPolicy(0, 10))
                .hasMessageContaining("--batch-size must be > 0");
        assertThatThrownBy(() -> new BatchPolicy(1, -1))
                .hasMessageContaining("--max-wait must be >= 0");
    }
}

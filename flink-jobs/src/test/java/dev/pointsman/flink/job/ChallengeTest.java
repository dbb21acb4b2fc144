package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChallengeTest {
    @Test
    void aChallengerThatWinsThreeWindowsInARowIsPromotedAndTheRouterCanWinItBack() {
        Challenge.State s = new Challenge.State();
        // Window 1: the challenger's row first, then the router's; the challenger wins.
        assertThat(Challenge.observe(s, false, 1, 80, 3)).isFalse();
        assertThat(Challenge.observe(s, true, 1, 75, 3)).isFalse();
        assertThat(s.wins).isEqualTo(1);
        // Window 2: the router wins in the other order; the run ends.
        assertThat(Challenge.observe(s, true, 2, 90, 3)).isFalse();
        assertThat(Challenge.observe(s, false, 2, 85, 3)).isFalse();
        assertThat(s.wins).isZero();
        // A repeat of window 2 and a tie in window 3 count for nothing.
        assertThat(Challenge.observe(s, false, 2, 99, 3)).isFalse();
        assertThat(Challenge.observe(s, true, 3, 70, 3)).isFalse();
        assertThat(Challenge.observe(s, false, 3, 70, 3)).isFalse();
        assertThat(s.wins).isZero();
        // Windows 4–6: three wins in a row promote it.
        for (long w = 4; w <= 6; w++) {
            assertThat(Challenge.observe(s, true, w, 70, 3)).isFalse();
            assertThat(Challenge.observe(s, false, w, 72, 3)).isEqualTo(w == 6);
        }
        assertThat(s.promoted).isTrue();
        assertThat(s.wins).isZero();
        assertThat(s.lastChallengerAuc).isEqualTo(72.0);
        // A window whose other side never came does not pair with the next one.
        assertThat(Challenge.observe(s, true, 7, 60, 3)).isFalse();
        assertThat(Challenge.observe(s, true, 8, 60, 3)).isFalse();
        assertThat(Challenge.observe(s, false, 8, 61, 3)).isFalse();
        assertThat(s.wins).isEqualTo(1);
        // The former router, now the challenger, wins it back the same way.
        for (long w = 9; w <= 10; w++) {
            Challenge.observe(s, false, w, 65, 3);
            assertThat(Challenge.observe(s, true, w, 60, 3)).isEqualTo(w == 10);
        }
        assertThat(s.promoted).isFalse();
    }
}

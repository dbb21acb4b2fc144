package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FallbackTest {
    @Test
    void fallsBackAfterNWindowsBelowTheTrendAndRecoversAfterNAbove() {
        Fallback.State s = new Fallback.State();
        // AUC − trend per window: one dip does not count, three in a row do.
        double[] lifts = {-2, 1, -1, -3, -0.5, 2, -1, 4, 3, 1, 2};
        List<Fallback.Change> changes = new ArrayList<>();
        List<Boolean> active = new ArrayList<>();
        for (double lift : lifts) {
            changes.add(Fallback.observe(s, 80 + lift, 80, 3));
            active.add(s.active);
        }
        assertThat(changes)
                .containsExactly(
                        Fallback.Change.NONE,
                        Fallback.Change.NONE,
                        Fallback.Change.NONE,
                        Fallback.Change.NONE,
                        Fallback.Change.FELL_BACK, // third below in a row
                        Fallback.Change.NONE,
                        Fallback.Change.NONE, // a dip resets the count above
                        Fallback.Change.NONE,
                        Fallback.Change.NONE,
                        Fallback.Change.RECOVERED, // third above in a row
                        Fallback.Change.NONE);
        assertThat(active)
                .containsExactly(
                        false, false, false, false, true, true, true, true, true, false, false);
        // A tie is not below.
        Fallback.State tie = new Fallback.State();
        assertThat(Fallback.observe(tie, 80, 80, 1)).isEqualTo(Fallback.Change.NONE);
        assertThat(tie.above).isEqualTo(1);
    }
}

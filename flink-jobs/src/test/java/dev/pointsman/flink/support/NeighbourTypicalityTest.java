package dev.pointsman.flink.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NeighbourTypicalityTest {
    @Test
    void scoresHowManySpreadsBelowTheTypicalSimilarityANeighbourIs() {
        NeighbourTypicality t = new NeighbourTypicality();
        Random random = new Random(1);
        for (int i = 0; i < NeighbourTypicality.MIN_OBSERVATIONS - 1; i++) {
            t.observe(0.8 + 0.05 * random.nextGaussian());
        }
        assertThat(t.zScore(0.1)).as("too few observations").isNaN();
        for (int i = 0; i < 2000; i++) {
            t.observe(0.8 + 0.05 * random.nextGaussian());
        }
        assertThat(t.mean()).isCloseTo(0.8, within(0.02));
        assertThat(t.zScore(0.8)).isCloseTo(0, within(0.5));
        assertThat(t.zScore(0.65)).isCloseTo(3, within(0.8));
        assertThat(t.zScore(0.95)).isNegative();
        assertThat(t.zScore(Double.NaN)).isNaN();

        NeighbourTypicality restored = NeighbourTypicality.fromArray(t.toArray());
        assertThat(restored.zScore(0.65)).isEqualTo(t.zScore(0.65));
        assertThat(NeighbourTypicality.fromArray(null).count()).isZero();
    }
}

package dev.pointsman.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DriftTest {
    @Test
    void oodBinsSplitAtTheEdges() {
        assertThat(Drift.oodBin(-5)).isZero();
        assertThat(Drift.oodBin(-1)).isEqualTo(1);
        assertThat(Drift.oodBin(0.5)).isEqualTo(2);
        assertThat(Drift.oodBin(3.99)).isEqualTo(5);
        assertThat(Drift.oodBin(100)).isEqualTo(Drift.OOD_BINS - 1);
        assertThatThrownBy(() -> Drift.oodBin(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void psiIsZeroForTheSameProportionsAndMatchesTheFormula() {
        long[] reference = {10, 30, 60, 0, 0, 0, 0, 0};
        assertThat(Drift.psi(reference, new long[] {1, 3, 6, 0, 0, 0, 0, 0})).isZero();

        long[] current = {30, 30, 40, 0, 0, 0, 0, 0};
        double expected = (0.3 - 0.1) * Math.log(0.3 / 0.1) + 0 + (0.4 - 0.6) * Math.log(0.4 / 0.6);
        assertThat(Drift.psi(reference, current)).isCloseTo(expected, within(1e-12));
    }

    @Test
    void psiOfMassMovingToAnEmptyBinIsLarge() {
        long[] reference = {0, 100, 0, 0, 0, 0, 0, 0};
        long[] current = {0, 50, 0, 0, 0, 50, 0, 0};
        assertThat(Drift.psi(reference, current)).isGreaterThan(2);
        assertThat(Drift.psi(reference, new long[8])).isNaN();
    }

    @Test
    void meanShiftIsOneMinusTheCosineOfTheMeans() {
        assertThat(Drift.meanShift(new double[] {2, 0}, new double[] {5, 0})).isZero();
        assertThat(Drift.meanShift(new double[] {1, 0}, new double[] {0, 3})).isEqualTo(1.0);
        assertThat(Drift.meanShift(new double[] {1, 1}, new double[] {1, 0}))
                .isCloseTo(1 - Math.sqrt(0.5), within(1e-12));
        assertThat(Drift.meanShift(new double[2], new double[] {1, 0})).isNaN();
    }
}

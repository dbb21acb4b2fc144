package dev.pointsman.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExplorationTest {
    @Test
    void theShareGoesWhereTheRouterIsLeastSure() {
        // Every model seen by at least 3 neighbours: the floor, half the share.
        assertThat(0.1 * Exploration.uncertainty(new int[] {3, 7}, 3, 0.0, 3.0)).isEqualTo(0.05);
        // One model seen by 2 of the 3 neighbours wanted: 1/3 unseen, under the floor.
        assertThat(0.1 * Exploration.uncertainty(new int[] {2, 7}, 3, 0.0, 3.0)).isEqualTo(0.05);
        // One model seen by 1 of the 3 neighbours wanted: 2/3 of the share.
        assertThat(0.1 * Exploration.uncertainty(new int[] {1, 7}, 3, 0.0, 3.0))
                .isCloseTo(0.1 * 2 / 3, within(1e-15));
        // A model nobody nearby observed: the whole share.
        assertThat(0.1 * Exploration.uncertainty(new int[] {0, 7}, 3, 0.0, 3.0)).isEqualTo(0.1);
        // Out of distribution: the whole share, however well observed the neighbours are.
        assertThat(0.1 * Exploration.uncertainty(new int[] {9, 9}, 3, 3.5, 3.0)).isEqualTo(0.1);
        // An unknown OOD score (NaN) and min-observed 0 leave the floor.
        assertThat(0.1 * Exploration.uncertainty(new int[] {0, 0}, 0, Double.NaN, 3.0))
                .isEqualTo(0.05);
        // A pool with no share explores nothing, however unsure.
        assertThat(
                        new Exploration.Budget()
                                .spend(0, Exploration.uncertainty(new int[] {0}, 3, 9, 3)))
                .isZero();
    }

    @Test
    void theBudgetSpendsTheWholeShareAndKeepsTheRanking() {
        Exploration.Budget budget = new Exploration.Budget();
        // Sure everywhere (uncertainty at the floor): the whole share, from the first decision.
        assertThat(budget.spend(0.1, 0.5)).isCloseTo(0.1, within(1e-15));
        assertThat(budget.spend(0.1, 0.5)).isCloseTo(0.1, within(1e-15));
        // An unsure query among them: the mean moves by a third of the gap, to 2/3, and the
        // query gets 0.1 · 1 / (2/3).
        assertThat(budget.spend(0.1, 1.0)).isCloseTo(0.15, within(1e-15));
        assertThat(budget.mean).isCloseTo(2.0 / 3, within(1e-15));
        // A changed share applies at once; the ranking stays: half as likely when sure.
        assertThat(budget.spend(0.2, 0.5)).isCloseTo(0.2 * 0.5 / budget.mean, within(1e-15));
        // Over a long run of mixed queries the mean probability is the share.
        SplittableRandom random = new SplittableRandom(5);
        double sum = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            sum += budget.spend(0.1, random.nextInt(4) == 0 ? 1.0 : 0.5);
        }
        assertThat(sum / n).isCloseTo(0.1, within(0.002));
        // Never above 1.
        Exploration.Budget wide = new Exploration.Budget();
        wide.spend(0.9, 0.5);
        assertThat(wide.spend(0.9, 1.0)).isEqualTo(1.0);
    }

    @Test
    void theDrawIsUniformAndTheSameForTheSameQuery() {
        int hits = 0;
        for (int i = 0; i < 20_000; i++) {
            if (Exploration.draw("query-" + i, 0.3)) {
                hits++;
            }
            double u = Exploration.uniform("query-" + i);
            assertThat(u).isGreaterThanOrEqualTo(0).isLessThan(1);
        }
        assertThat(hits / 20_000.0).isCloseTo(0.3, within(0.015));
        assertThat(Exploration.draw("q", 0)).isFalse();
        assertThat(Exploration.draw("q", 1)).isTrue();
        assertThat(Exploration.uniform("q")).isEqualTo(Exploration.uniform("q"));
    }
}

package dev.pointsman.core.spend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.monitor.ShadowRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpendTrackingTest {
    /**
     * A query where "big" is predicted 0.9 at 0.01 and "small" 0.5 at 0.001, and really scores
     * {@code bigScore} and 0.5 at those costs.
     */
    private static ShadowRow row(double bigScore) {
        return new ShadowRow(
                Map.of("big", new double[] {0.9, 0.01}, "small", new double[] {0.5, 0.001}),
                Map.of("big", new double[] {bigScore, 0.01}, "small", new double[] {0.5, 0.001}));
    }

    @Test
    void trailingMeansAverageTheLastWindowAndFewerAtTheStart() {
        assertThat(SpendTracking.trailing(new double[] {2, 4, 6, 8}, 2))
                .containsExactly(2, 3, 5, 7);
    }

    @Test
    void aFixedLambdaRoutesEveryRowByItsPredictionsAndPaysTheTrueCost() {
        List<ShadowRow> rows = List.of(row(1.0), row(0.0));
        // λ 0: big everywhere; λ 100: 0.9 − 1 < 0.5 − 0.1, small everywhere
        assertThat(SpendTracking.fixedLambda(rows, 0)).containsExactly(0.5, 0.01);
        assertThat(SpendTracking.fixedLambda(rows, 100)).containsExactly(0.5, 0.001);
    }

    @Test
    void hindsightInterpolatesBetweenTheFixedLambdasThatBracketTheSpend() {
        List<ShadowRow> rows = List.of(row(0.9), row(0.9));
        // all big: 0.9 at 0.01; all small: 0.5 at 0.001; halfway in spend, halfway in quality
        assertThat(SpendTracking.hindsight(rows, 0.0055, 0.005)).isCloseTo(0.7, within(1e-9));
        assertThat(SpendTracking.hindsight(rows, 0.02, 0.005)).isEqualTo(0.9);
        assertThat(SpendTracking.hindsight(rows, 0.0001, 0.005)).isEqualTo(0.5);
    }

    @Test
    void countsTheWindowsOnTargetBeforeTheChangeAndTheQueriesToComeBackAfterIt() {
        int n = 40;
        double[] paid = new double[n];
        Arrays.fill(paid, 1.0);
        paid[5] = 1.2; // off target in the window ending at 5 (and 6)
        for (int i = 24; i < 30; i++) {
            paid[i] = 2.0; // the change: off until the window is past it
        }
        double[] score = new double[n];
        double[] chosen = new double[n];
        Arrays.fill(chosen, 0.01);
        List<ShadowRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(row(0.9));
        }
        SpendTracking.Result r = SpendTracking.of(1.0, paid, score, chosen, rows, 2, 2, 20, 0.05);
        // windows end at 3..19: 17 windows, those ending at 5 and 6 are off
        assertThat(r.withinBefore()).isCloseTo(15.0 / 17, within(1e-12));
        assertThat(r.worstBefore()).isCloseTo(0.1, within(1e-12));
        // windows end at 3..39: 37; off at 5, 6 (over) and 24..30 (over)
        assertThat(r.within()).isCloseTo(28.0 / 37, within(1e-12));
        assertThat(r.over()).isCloseTo(9.0 / 37, within(1e-12));
        // the first window wholly after the change ends at 21 (paid 20, 21 = 1): on target, 2
        // queries after 20; the last window off target ends at 30 (paid[29] = 2, paid[30] = 1): 11
        assertThat(r.backWithin()).isEqualTo(2);
        assertThat(r.toRecover()).isEqualTo(11);
        // windows wholly after the change end at 21..39: 19, off at 24..30
        assertThat(r.withinAfter()).isCloseTo(12.0 / 19, within(1e-12));
        assertThat(r.hindsight()).isCloseTo(0.9, within(1e-12));
        paid[n - 1] = 3.0;
        assertThat(SpendTracking.of(1.0, paid, score, chosen, rows, 2, 2, 20, 0.05).toRecover())
                .isEqualTo(-1);
        assertThat(SpendTracking.of(1.0, paid, score, chosen, rows, 2, 2, -1, 0.05).toRecover())
                .isZero();
    }

    /** A row predicted as {@link #row}, whose models really cost {@code big} and {@code small}. */
    private static ShadowRow costing(double big, double small) {
        return new ShadowRow(
                Map.of("big", new double[] {0.9, 0.01}, "small", new double[] {0.5, 0.001}),
                Map.of("big", new double[] {0.9, big}, "small", new double[] {0.5, small}));
    }

    @Test
    void theFloorIsTheFixedLambdaClosestToTheBudgetOnEachSideOfTheChange() {
        // before the change big costs 0.005 and 0.015 in turn (0.01 on average), small 0.001;
        // after it every price doubles
        List<ShadowRow> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(costing(i % 2 == 0 ? 0.005 : 0.015, 0.001));
        }
        for (int i = 0; i < 10; i++) {
            rows.add(costing(0.02, 0.002));
        }
        double[] none = new double[20];
        // at 0.01 a query, λ 0 (big everywhere) spends exactly the budget before the change;
        // after it big (0.02) is 0.01 off and small (0.002) 0.008 off: small everywhere
        double[] floor = SpendTracking.floorSpend(rows, 0.01, 2, 10);
        assertThat(Arrays.copyOfRange(floor, 0, 4)).containsExactly(0.005, 0.015, 0.005, 0.015);
        assertThat(Arrays.copyOfRange(floor, 10, 20)).containsOnly(0.002);
        // windows of 2 average the alternation away: every one before the change is on target;
        // none after it ever is, so the floor never recovers
        SpendTracking.Floor two =
                SpendTracking.of(0.01, floor, none, none, rows, 2, 2, 10, 0.05).floor();
        assertThat(two.withinBefore()).isEqualTo(1.0);
        assertThat(two.withinAfter()).isZero();
        assertThat(two.backWithin()).isEqualTo(-1);
        assertThat(two.toRecover()).isEqualTo(-1);
        // windows of 1 see each answer's own cost: ±50%, never on target
        assertThat(SpendTracking.of(0.01, floor, none, none, rows, 2, 1, 10, 0.05).floor())
                .isEqualTo(new SpendTracking.Floor(0.0, -1, -1, 0.0));
    }
}

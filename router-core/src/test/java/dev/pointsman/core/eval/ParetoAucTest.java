package dev.pointsman.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.eval.ParetoAuc.Point;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoAucTest {
    private static final double EPS = 1e-9;

    /** Two queries; model a is cheap (1), b expensive (3); b is right on both, a only on q1. */
    private static final Outcomes TWO_MODELS =
            new Outcomes(
                    List.of("a", "b"),
                    new double[][] {{1, 1}, {0, 1}},
                    new double[][] {{1, 3}, {1, 3}});

    @Test
    void singlePointFrontierRisesFromTheOriginThenStaysFlat() {
        // 0.5·0.8/2 + 0.5·0.8 = 0.6
        assertThat(ParetoAuc.area(ParetoAuc.frontier(List.of(new Point(0.5, 0.8)))))
                .isCloseTo(60, within(EPS));
    }

    @Test
    void pointsUnderTheConcaveEnvelopeDoNotCount() {
        List<Point> points = List.of(new Point(0.2, 0.5), new Point(0.5, 0.6), new Point(0.6, 0.9));
        List<Point> frontier = ParetoAuc.frontier(points);
        assertThat(frontier)
                .containsExactly(
                        new Point(0, 0),
                        new Point(0.2, 0.5),
                        new Point(0.6, 0.9),
                        new Point(1, 0.9));
        // 0.2·0.5/2 + 0.4·(0.5+0.9)/2 + 0.4·0.9 = 0.69
        assertThat(ParetoAuc.area(frontier)).isCloseTo(69, within(EPS));
    }

    @Test
    void theFrontierIsCutAtItsHighestPoint() {
        List<Point> frontier =
                ParetoAuc.frontier(List.of(new Point(0.3, 0.9), new Point(1.0, 0.7)));
        assertThat(frontier)
                .containsExactly(new Point(0, 0), new Point(0.3, 0.9), new Point(1, 0.9));
        assertThat(ParetoAuc.area(frontier)).isCloseTo(76.5, within(EPS));
    }

    @Test
    void aFreePointLiftsTheStartOfTheFrontier() {
        List<Point> frontier = ParetoAuc.frontier(List.of(new Point(0, 0.4), new Point(0.5, 0.9)));
        assertThat(frontier.get(0)).isEqualTo(new Point(0, 0.4));
        // 0.5·(0.4+0.9)/2 + 0.5·0.9 = 0.775
        assertThat(ParetoAuc.area(frontier)).isCloseTo(77.5, within(EPS));
    }

    @Test
    void oracleRandomAndGlobalTrendOnAHandWorkedCase() {
        // Oracle: λ=0 → (a on q1 by the tie rule, b on q2) = (2/3, 1); large λ → a,a = (1/3, 0.5).
        // The two points and the origin are collinear, so the frontier is (0,0)-(2/3,1)-(1,1).
        assertThat(ParetoAuc.oracle(TWO_MODELS)).isCloseTo(200.0 / 3, within(1e-9));
        // Random: (mean cost 2 / C 3, mean score 0.75) → 2/3·0.75/2 + 1/3·0.75 = 0.5
        assertThat(ParetoAuc.random(TWO_MODELS)).isCloseTo(50, within(EPS));
        // Global trend ŝ = (0.5, 1), ĉ = (1, 3): b,b = (1, 1) for λ < 0.25, then a,a = (1/3, 0.5).
        Predictions trend =
                new Predictions(
                        new double[][] {{0.5, 1}, {0.5, 1}}, new double[][] {{1, 3}, {1, 3}});
        // 1/3·0.5/2 + 2/3·(0.5+1)/2 = 7/12
        assertThat(ParetoAuc.auc(TWO_MODELS, trend)).isCloseTo(700.0 / 12, within(1e-9));
    }

    @Test
    void weightedMeansOnAHandWorkedCase() {
        double[] weights = {1, 3}; // q2 counts three times
        // C = max(mean a 1, mean b 3) = 3. Oracle: λ < 1/2 → a on q1 (tie), b on q2: cost
        // (1 + 9)/4 / 3 = 5/6, score 1; above → a,a: (1/3, 1/4), under the chord from the origin.
        // Frontier (0,0)-(5/6,1)-(1,1): 5/12 + 1/6 = 7/12.
        assertThat(ParetoAuc.oracle(TWO_MODELS, weights)).isCloseTo(700.0 / 12, within(EPS));
        // Random: mean cost (4 + 12)/8 = 2 → 2/3, mean score (2 + 3)/8 = 5/8: 5/24 + 5/24.
        assertThat(ParetoAuc.random(TWO_MODELS, weights)).isCloseTo(1000.0 / 24, within(EPS));
        // Scaling every weight changes nothing; uniform weights are the unweighted figures.
        assertThat(ParetoAuc.oracle(TWO_MODELS, new double[] {2, 2}))
                .isEqualTo(ParetoAuc.oracle(TWO_MODELS));
        assertThat(ParetoAuc.random(TWO_MODELS, new double[] {1, 1}))
                .isEqualTo(ParetoAuc.random(TWO_MODELS));
    }

    @Test
    void anIntegerWeightIsTheSameQueryRepeated() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        int n = 30;
        double[] weights = new double[n];
        double[][] s = new double[n][3];
        double[][] c = new double[n][3];
        double[][] sh = new double[n][3];
        double[][] ch = new double[n][3];
        int total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = 1 + random.nextInt(4);
            total += (int) weights[i];
            for (int m = 0; m < 3; m++) {
                s[i][m] = random.nextInt(2);
                c[i][m] = (m + 1) * random.nextDouble();
                sh[i][m] = random.nextDouble();
                ch[i][m] = c[i][m] * (0.5 + random.nextDouble());
            }
        }
        double[][] rs = new double[total][];
        double[][] rc = new double[total][];
        double[][] rsh = new double[total][];
        double[][] rch = new double[total][];
        int r = 0;
        for (int i = 0; i < n; i++) {
            for (int copy = 0; copy < weights[i]; copy++, r++) {
                rs[r] = s[i];
                rc[r] = c[i];
                rsh[r] = sh[i];
                rch[r] = ch[i];
            }
        }
        List<String> models = List.of("a", "b", "c");
        Outcomes weighted = new Outcomes(models, s, c);
        Outcomes repeated = new Outcomes(models, rs, rc);
        assertThat(ParetoAuc.auc(weighted, new Predictions(sh, ch), weights))
                .isCloseTo(ParetoAuc.auc(repeated, new Predictions(rsh, rch)), within(1e-9));
        assertThat(ParetoAuc.oracle(weighted, weights))
                .isCloseTo(ParetoAuc.oracle(repeated), within(1e-9));
        assertThat(ParetoAuc.random(weighted, weights))
                .isCloseTo(ParetoAuc.random(repeated), within(1e-9));
    }

    @Test
    void weightsMustBeOnePositiveFiniteNumberPerQuery() {
        assertThatThrownBy(() -> ParetoAuc.oracle(TWO_MODELS, new double[] {1}))
                .hasMessage("1 weights for 2 queries");
        assertThatThrownBy(() -> ParetoAuc.oracle(TWO_MODELS, new double[] {1, 0}))
                .hasMessage("weights must be finite and > 0, got 0.0");
        assertThatThrownBy(
                        () ->
                                ParetoAuc.random(
                                        TWO_MODELS, new double[] {1, Double.POSITIVE_INFINITY}))
                .hasMessage("weights must be finite and > 0, got Infinity");
    }

    @Test
    void costsAboveTheNormaliserAreClippedToOne() {
        // Per-model mean costs are both 1 (C = 1), but picking the dear model on each query costs
        // 2.
        Outcomes truth =
                new Outcomes(
                        List.of("a", "b"),
                        new double[][] {{1, 0}, {0, 1}},
                        new double[][] {{2, 0}, {0, 2}});
        Predictions greedy =
                new Predictions(new double[][] {{1, 0}, {0, 1}}, new double[][] {{0, 0}, {0, 0}});
        List<Point> points = ParetoAuc.sweep(truth, greedy);
        assertThat(ParetoAuc.costNormalizer(truth)).isEqualTo(1);
        assertThat(points).allSatisfy(p -> assertThat(p.cost()).isEqualTo(1.0));
        assertThat(ParetoAuc.auc(truth, greedy)).isCloseTo(50, within(EPS));
    }

    @Test
    void tiesGoToTheFirstModelInNameOrder() {
        assertThat(ParetoAuc.choose(new double[] {0.5, 0.5, 0.5}, new double[] {1, 1, 1}, 0))
                .isZero();
        assertThat(ParetoAuc.choose(new double[] {0.1, 0.9, 0.9}, new double[] {1, 1, 1}, 0))
                .isEqualTo(1);
        assertThat(
                        ParetoAuc.choose(
                                new double[] {0, 1, 1},
                                new double[] {2, 1, 1},
                                Double.POSITIVE_INFINITY))
                .isEqualTo(1);
    }

    @Test
    void theSweepHas401FiniteLambdasOfScorePerUnitCostBetweenZeroAndInfinity() {
        double[] lambdas = ParetoAuc.lambdas(2.0);
        assertThat(lambdas).hasSize(403);
        assertThat(lambdas[0]).isZero();
        assertThat(lambdas[1]).isCloseTo(5e-5, within(1e-15));
        assertThat(lambdas[201]).isCloseTo(0.5, within(1e-12));
        assertThat(lambdas[401]).isCloseTo(5e3, within(1e-8));
        assertThat(lambdas[402]).isInfinite();
        // Costs in another unit (C ten times larger) give the same choices: λ·ĉ is unchanged.
        double[] tenfold = ParetoAuc.lambdas(20.0);
        for (int i = 1; i <= 401; i++) {
            assertThat(tenfold[i] * 10).isCloseTo(lambdas[i], within(lambdas[i] * 1e-12));
        }
        // Where every cost is 0 the finite λ values stay finite (taken for C = 1).
        double[] free = ParetoAuc.lambdas(0);
        for (int i = 1; i <= 401; i++) {
            assertThat(free[i]).isFinite().isPositive();
        }
    }

    @Test
    void accuracyAtZeroUsesTheTrueScoreOfTheArgmax() {
        Predictions p = new Predictions(new double[][] {{0.9, 0.1}, {0.2, 0.8}}, null);
        assertThat(ParetoAuc.accuracyAtZero(TWO_MODELS, p)).isCloseTo(1.0, within(EPS));
        Predictions wrong = new Predictions(new double[][] {{0.1, 0.9}, {0.8, 0.2}}, null);
        assertThat(ParetoAuc.accuracyAtZero(TWO_MODELS, wrong)).isCloseTo(0.5, within(EPS));
    }

    @Test
    void aucNeedsCosts() {
        Outcomes qualityOnly = new Outcomes(List.of("a"), new double[][] {{1}}, null);
        assertThatThrownBy(() -> ParetoAuc.oracle(qualityOnly)).hasMessageContaining("needs costs");
    }
}

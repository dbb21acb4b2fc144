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

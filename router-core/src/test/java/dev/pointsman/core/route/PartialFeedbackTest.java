package dev.pointsman.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.knn.ExactKnn;
import dev.pointsman.core.knn.Neighbour;
import dev.pointsman.core.vector.VectorSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Learning from live windows where most examples carry only the chosen model's outcome. */
class PartialFeedbackTest {
    private static final double NA = Double.NaN;

    private static TrainingSet set(double[][] scores, double[][] costs, double[][] propensities) {
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            vectors.add(new float[] {1, i});
        }
        return new TrainingSet(
                VectorSet.ofNormalized(vectors),
                new Outcomes(List.of("a", "b"), scores, costs),
                propensities);
    }

    @Test
    void theTrendWeightsEachOutcomeByItsInversePropensity() {
        // "b" was chosen (propensity 1) on the first two queries and scored 1; explored with
        // probability 0.25 on the third, where it scored 0. The plain mean says 2/3; the
        // inverse-propensity mean (1 + 1 + 4·0) / (1 + 1 + 4) = 1/3.
        TrainingSet s =
                set(
                        new double[][] {{NA, 1}, {NA, 1}, {1, 0}},
                        new double[][] {{NA, 2}, {NA, 2}, {1, 4}},
                        new double[][] {{1, 1}, {1, 1}, {1, 0.25}});
        GlobalTrend trend = GlobalTrend.fit(s);
        assertThat(trend.meanScore(1)).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(trend.meanCost(1)).isCloseTo((2 + 2 + 4 * 4) / 6.0, within(1e-15));
        assertThat(trend.meanScore(0)).isEqualTo(1.0);
        assertThat(GlobalTrend.fit(s.outcomes()).meanScore(1)).isCloseTo(2.0 / 3, within(1e-15));
    }

    @Test
    void aCompleteRowWeighsOneOverItsLeastLikelyOutcome() {
        TrainingSet s =
                set(
                        new double[][] {{1, 0}, {NA, 1}, {0, 1}},
                        new double[][] {{1, 1}, {NA, 1}, {1, 1}},
                        new double[][] {{1, 0.2}, {1, 1}, {1, 1}});
        TrainingSet.Complete c = s.completeRows();
        assertThat(c.rows()).containsExactly(0, 2);
        assertThat(c.weights()).containsExactly(5.0, 1.0);
        assertThat(s.select(new int[] {0}).propensity(0, 1)).isEqualTo(0.2);
        assertThatThrownBy(
                        () ->
                                set(
                                        new double[][] {{1, 0}},
                                        new double[][] {{1, 1}},
                                        new double[][] {{1, 0}}))
                .hasMessageContaining("propensities must be in (0, 1]");
    }

    /**
     * Outcomes that do not depend on the query at all: the best router is the trend, so k and α
     * should come out large. Three quarters of the examples carry only one model's outcome (NaN for
     * the other): a validation that ignored them would compare NaN AUCs and keep the first grid
     * point, k 5 and α 0 (the bug this replaces).
     */
    @Test
    void leaveOneOutOnTheCompleteRowsChoosesStrongShrinkageForNoiseAndIgnoresThePartialOnes() {
        TrainingSet noise = noise(400, 4, new Random(5));
        KnnShrunkTrainer trainer = new KnnShrunkTrainer(100);
        KnnShrinkage chosen = trainer.fitLeaveOneOut(noise, 1);
        // The neighbours know nothing: the one-standard-error rule keeps the shrinkage strong.
        assertThat(chosen.priorStrength()).isGreaterThanOrEqualTo(50);

        // Without any complete example the squared-error criterion decides, with the same lesson.
        TrainingSet partial = noise(400, 0, new Random(5));
        assertThat(partial.completeRows().size()).isZero();
        KnnShrinkage byError = trainer.fitLeaveOneOut(partial, 1);
        assertThat(byError.priorStrength()).isEqualTo(100);
    }

    @Test
    void aLargeWindowHoldsOutASeededSampleOfAtMostTwoThousand() {
        assertThat(KnnShrunkTrainer.sample(5, 2000, 1)).containsExactly(0, 1, 2, 3, 4);
        int[] picked = KnnShrunkTrainer.sample(20_000, 2000, 7);
        assertThat(picked).hasSize(2000).isSorted().doesNotHaveDuplicates();
        assertThat(picked[picked.length - 1]).isLessThan(20_000);
        assertThat(KnnShrunkTrainer.sample(20_000, 2000, 7)).containsExactly(picked);
        assertThat(KnnShrunkTrainer.sample(20_000, 2000, 8)).isNotEqualTo(picked);
    }

    /**
     * Queries answered by the neighbours' model: every (k, α) of the grid routes them all right, so
     * the one-standard-error rule takes the hardest shrinkage, and it still follows the query.
     */
    @Test
    void leaveOneOutKeepsTheNeighboursWhenTheyKnowBetter() {
        TrainingSet clusters = Clusters.make(200, 3);
        KnnShrinkage chosen = new KnnShrunkTrainer(100).fitLeaveOneOut(clusters, 1);
        assertThat(chosen.k()).isEqualTo(100);
        assertThat(chosen.priorStrength()).isEqualTo(100);
        TrainingSet test = Clusters.make(50, 4);
        ExactKnn index = new ExactKnn(clusters.vectors());
        double[][] s = new double[test.size()][2];
        double[][] c = new double[test.size()][2];
        for (int i = 0; i < test.size(); i++) {
            Neighbour[] n = index.search(test.vectors().row(i), chosen.k());
            chosen.estimate(
                    n, null, n.length, clusters.outcomes(), GlobalTrend.fit(clusters), s[i], c[i]);
        }
        assertThat(Clusters.accuracy(test, new Predictions(s, c))).isEqualTo(1.0);
    }

    /**
     * Rows dealt round-robin into at most ten folds of at least five; the standard error of a
     * paired difference by hand: differences 1, 2, 3 have mean 2 and sample variance 1, so the
     * error of their mean is √(1/3).
     */
    @Test
    void theOneStandardErrorRuleFoldsAndPairsByHand() {
        assertThat(KnnShrunkTrainer.folds(9)).isEmpty();
        assertThat(KnnShrunkTrainer.folds(10))
                .isDeepEqualTo(new int[][] {{0, 2, 4, 6, 8}, {1, 3, 5, 7, 9}});
        int[][] folds = KnnShrunkTrainer.folds(23);
        assertThat(folds).hasNumberOfRows(4);
        assertThat(folds[0]).containsExactly(0, 4, 8, 12, 16, 20);
        assertThat(folds[3]).containsExactly(3, 7, 11, 15, 19);
        assertThat(KnnShrunkTrainer.folds(1000)).hasNumberOfRows(10);
        assertThat(KnnShrunkTrainer.folds(1000)[9]).hasSize(100).endsWith(999);
        assertThat(
                        KnnShrunkTrainer.pairedError(
                                new double[] {80, 1, 2, 3}, new double[] {79, 0, 0, 0}))
                .isCloseTo(Math.sqrt(1.0 / 3), within(1e-12));
        assertThat(KnnShrunkTrainer.pairedError(new double[] {80, 5, 5}, new double[] {79, 4, 4}))
                .isZero();
    }

    /**
     * The prior moves to the neighbourhood's level, by hand. Trend 0.5 and cost 1 for both models,
     * α 2 (so α/M = 1). "a" was chosen on three neighbours, scored 1 and cost 2 each; "b" was
     * explored on the third with probability 0.5, scored 1 and cost 3. Evidence nₐ 3, n_b 1; the
     * inverse-propensity means 1 and 1, costs 2 and 3. Level δ = (3·0.5 + 1·0.5) / (4 + 1) = 0.4,
     * so ŝₐ = (3 + 2·0.9) / 5 = 0.96 and ŝ_b = (1 + 2·0.9) / 3 = 2.8/3 (0.8 and 2/3 without it).
     * Cost ratio r = (3·2 + 1·3 + 1) / (3·1 + 1·1 + 1) = 2, so ĉₐ = (6 + 2·2) / 5 = 2 and ĉ_b = (3
     * + 2·2) / 3 = 7/3: "b" is not made to look cheap beside "a" by the trend's level.
     */
    @Test
    void thePriorMovesToTheNeighbourhoodsLevelByHand() {
        Outcomes support =
                new Outcomes(
                        List.of("a", "b"),
                        new double[][] {{1, NA}, {1, NA}, {1, 1}},
                        new double[][] {{2, NA}, {2, NA}, {2, 3}});
        double[][] propensities = {{1, 1}, {1, 1}, {1, 0.5}};
        Neighbour[] n = {new Neighbour(0, 0.9f), new Neighbour(1, 0.8f), new Neighbour(2, 0.7f)};
        GlobalTrend trend = GlobalTrend.of(new double[] {0.5, 0.5}, new double[] {1, 1});
        double[] s = new double[2];
        double[] c = new double[2];
        KnnPredictor.estimateWeighted(
                n, new double[] {1, 1, 1}, 3, support, propensities, trend, 2, s, c);
        assertThat(s[0]).isCloseTo(0.96, within(1e-12));
        assertThat(s[1]).isCloseTo(2.8 / 3, within(1e-12));
        assertThat(c[0]).isCloseTo(2.0, within(1e-12));
        assertThat(c[1]).isCloseTo(7.0 / 3, within(1e-12));

        // Without shrinkage (α 0) there is no prior to move: the plain inverse-propensity means.
        KnnPredictor.estimateWeighted(
                n, new double[] {1, 1, 1}, 3, support, propensities, trend, 0, s, c);
        assertThat(s).containsExactly(1.0, 1.0);
        assertThat(c).containsExactly(2.0, 3.0);
    }

    /** Every neighbour observed every model: the plain shrunk estimate, toward the trend itself. */
    @Test
    void withCompleteNeighboursThePriorStaysTheTrend() {
        Outcomes support =
                new Outcomes(
                        List.of("a", "b"),
                        new double[][] {{1, 0}, {1, 1}, {0, 1}},
                        new double[][] {{1, 2}, {1, 2}, {1, 2}});
        Neighbour[] n = {new Neighbour(0, 0.9f), new Neighbour(1, 0.8f), new Neighbour(2, 0.7f)};
        GlobalTrend trend = GlobalTrend.of(new double[] {0.2, 0.3}, new double[] {1, 1});
        double[] s = new double[2];
        double[] c = new double[2];
        KnnPredictor.estimateWeighted(n, new double[] {1, 1, 1}, 3, support, trend, 4, s, c);
        assertThat(s[0]).isCloseTo((2 + 4 * 0.2) / 7, within(1e-12));
        assertThat(s[1]).isCloseTo((2 + 4 * 0.3) / 7, within(1e-12));
        assertThat(c[0]).isCloseTo(1.0, within(1e-12));
        assertThat(c[1]).isCloseTo((6 + 4 * 1.0) / 7, within(1e-12));
    }

    /**
     * Each model from its own first k observations: the two nearest neighbours observed only "a"
     * (chosen there), so with k 2 "b" rests on the next two, which observed it (1 and 0: 0.5), not
     * on no neighbour at all (the trend, 0.2). "a" takes its first two: 1.0.
     */
    @Test
    void eachModelRestsOnItsOwnFirstKObservations() {
        Outcomes support =
                new Outcomes(
                        List.of("a", "b"),
                        new double[][] {{1, NA}, {1, NA}, {0, 1}, {0, 0}},
                        new double[][] {{1, NA}, {1, NA}, {1, 2}, {1, 4}});
        Neighbour[] n = {
            new Neighbour(0, 0.9f),
            new Neighbour(1, 0.8f),
            new Neighbour(2, 0.7f),
            new Neighbour(3, 0.6f)
        };
        GlobalTrend trend = GlobalTrend.of(new double[] {0.5, 0.2}, new double[] {1, 1});
        double[] ones = {1, 1, 1, 1};
        double[] s = new double[2];
        double[] c = new double[2];
        KnnPredictor.estimateWeighted(n, ones, 4, 2, support, null, trend, 0, s, c);
        assertThat(s).containsExactly(1.0, 0.5);
        assertThat(c).containsExactly(1.0, 3.0);
        // The first two neighbours only: "b" has none and falls back to its trend.
        KnnPredictor.estimateWeighted(n, ones, 2, support, null, trend, 0, s, c);
        assertThat(s).containsExactly(1.0, 0.2);
        // knn-shrunk with k 2 over the four it is given does the same, shrunk toward its trend.
        KnnShrinkage shrinkage = new KnnShrinkage(2, 0, trend, new boolean[] {true, true});
        shrinkage.estimate(n, null, 4, support, trend, s, c);
        assertThat(s).containsExactly(1.0, 0.5);
    }

    /**
     * @param completeEvery every this many rows is observed for both models; the others for one (a
     *     routed query), alternating
     */
    private static TrainingSet noise(int n, int completeEvery, Random random) {
        List<float[]> vectors = new ArrayList<>();
        double[][] scores = new double[n][2];
        double[][] costs = new double[n][2];
        double[][] propensities = new double[n][2];
        for (int i = 0; i < n; i++) {
            float[] v = new float[8];
            for (int j = 0; j < 8; j++) {
                v[j] = (float) random.nextGaussian();
            }
            vectors.add(v);
            scores[i] =
                    new double[] {
                        random.nextDouble() < 0.7 ? 1 : 0, random.nextDouble() < 0.4 ? 1 : 0
                    };
            costs[i] = new double[] {1, 0.1};
            propensities[i] = new double[] {1, 1};
            if (completeEvery > 0 && i % completeEvery == 0) {
                propensities[i][1] = 0.25; // explored
            } else {
                int missing = i % 2;
                scores[i][missing] = Double.NaN;
                costs[i][missing] = Double.NaN;
            }
        }
        return new TrainingSet(
                VectorSet.ofNormalized(vectors),
                new Outcomes(List.of("a", "b"), scores, costs),
                propensities);
    }
}

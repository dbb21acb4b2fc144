package dev.pointsman.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.knn.Neighbour;
import dev.pointsman.core.vector.VectorSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code shrink.prior reference}: the reference router's prediction, moved by live rows only. */
class ReferencePriorTest {
    private static final double NAN = Double.NaN;
    private static final float[] QUERY = {1f, 0f};

    /**
     * Scores 0.2·x₀ + 0.5 and 0.4, costs 2 and −0.5 (clipped to 0): at the query {1, 0}, priors 0.7
     * and 0.4, costs 2 and 0.
     */
    private static LinearPredictor reference() {
        double[][] weights = {{0.2, 0}, {0, 0}, {0, 0}, {0, 0}};
        double[] intercepts = {0.5, 0.4, 2.0, -0.5};
        return new LinearPredictor(weights, intercepts, 2);
    }

    private static KnnShrinkage shrinkage(double alpha) {
        return new KnnShrinkage(
                        10,
                        alpha,
                        GlobalTrend.of(new double[] {0.9, 0.9}, new double[] {1, 1}),
                        new boolean[] {true, true})
                .withReference(reference());
    }

    /** Row 0 a reference row; row 1 observed a only (chosen); row 2 explored, b with π 0.5. */
    private static final Outcomes SUPPORT =
            new Outcomes(
                    List.of("a", "b"),
                    new double[][] {{1, 1}, {0, NAN}, {1, 0}},
                    new double[][] {{2, 1}, {2, NAN}, {2, 1}});

    private static final double[][] PROPENSITIES = {{1, 1}, {1, 1}, {1, 0.5}};

    private static final Neighbour[] NEIGHBOURS = {
        new Neighbour(0, 0.9f), new Neighbour(1, 0.8f), new Neighbour(2, 0.7f)
    };

    /** The estimate from the first {@code count} of {@link #NEIGHBOURS}, unweighted. */
    private static boolean estimate(
            KnnShrinkage shrinkage, int count, double[][] ips, double[] s, double[] c) {
        return shrinkage.estimateFromReference(
                QUERY, NEIGHBOURS, null, count, SUPPORT, PROPENSITIES, ips, 1.0, s, c);
    }

    @Test
    void referenceRowsRefineTheReferenceThenLiveRowsMoveItByTheirLevelAndOwnOutcomes() {
        double[] s = new double[2];
        double[] c = new double[2];
        boolean used = estimate(shrinkage(2), 3, PROPENSITIES, s, c);
        assertThat(used).isTrue();
        // Step 1, the reference row 0 (every model observed, certain) toward the reference's
        // 0.7 / 0.4 and 2 / 0: ŝ = (1 + 2·0.7) / 3 = 0.8 and (1 + 2·0.4) / 3 = 0.6; ĉ = (2 + 2·2) /
        // 3 = 2 and (1 + 0) / 3.
        // Step 2, the live rows 1 and 2 toward that: a seen twice (0, 1: mean 0.5, costs 2), b
        // once (row 2, weight 1/0.5 in its mean: 0, cost 1). Level δ = ((1 − 2·0.8) + (0 − 0.6))
        // / (3 + α/M) = −0.3; ŝ_a = (1 + 2·(0.8 − 0.3)) / 4 = 0.5, ŝ_b = (0 + 2·(0.6 − 0.3)) / 3.
        assertThat(s[0]).isCloseTo(0.5, within(1e-12));
        assertThat(s[1]).isCloseTo(0.2, within(1e-12));
        // Cost ratio r = (4 + 1 + β) / (2·2 + 1·(1/3) + β), β = (α/M)·(13/3) / 3; ĉ_a = (4 + 2·2·r)
        // / 4, ĉ_b = (1 + 2·(1/3)·r) / 3.
        double trendCosts = 4 + 1.0 / 3;
        double beta = trendCosts / 3;
        double r = (5 + beta) / (trendCosts + beta);
        assertThat(c[0]).isCloseTo((4 + 4 * r) / 4, within(1e-12));
        assertThat(c[1]).isCloseTo((1 + 2.0 / 3 * r) / 3, within(1e-12));
    }

    @Test
    void nearReferenceRowsOnlyItIsKnnShrunkTowardTheReferenceAndWithNoneTheReferenceItself() {
        double[] s = new double[2];
        double[] c = new double[2];
        estimate(shrinkage(2), 1, null, s, c);
        assertThat(s[0]).isCloseTo(0.8, within(1e-12));
        assertThat(s[1]).isCloseTo(0.6, within(1e-12));
        assertThat(c[0]).isCloseTo(2.0, within(1e-12));
        assertThat(c[1]).isCloseTo(1.0 / 3, within(1e-12));
        estimate(shrinkage(2), 0, null, s, c);
        assertThat(s).containsExactly(0.7, 0.4);
        assertThat(c).containsExactly(2.0, 0.0);
    }

    @Test
    void withoutAReferenceTheCallerEstimatesAsBefore() {
        KnnShrinkage plain =
                new KnnShrinkage(
                        10,
                        2,
                        GlobalTrend.of(new double[] {0.9, 0.9}, new double[] {1, 1}),
                        new boolean[] {true, true});
        double[] s = {-1, -1};
        assertThat(estimate(plain, 3, PROPENSITIES, s, new double[2])).isFalse();
        assertThat(s).containsExactly(-1, -1);
    }

    @Test
    void theReferenceTravelsWithTheShrinkageAndPredictsTheSameAfterDecoding() {
        KnnShrinkage fitted = shrinkage(2);
        KnnShrinkage decoded = (KnnShrinkage) TrainedRouters.decode(TrainedRouters.encode(fitted));
        assertThat(decoded.reference()).isNotNull();
        assertThat(decoded.toString()).isEqualTo(fitted.toString()).endsWith("reference");
        double[][] before = {new double[2], new double[2]};
        double[][] after = {new double[2], new double[2]};
        estimate(fitted, 3, PROPENSITIES, before[0], before[1]);
        estimate(decoded, 3, PROPENSITIES, after[0], after[1]);
        assertThat(after).isDeepEqualTo(before);
        // A trend's ageing toward the live windows keeps the reference.
        assertThat(
                        fitted.withTrend(
                                        new double[] {0.5, 0.5},
                                        new double[] {1, 1},
                                        new boolean[] {true, false})
                                .reference())
                .isSameAs(fitted.reference());
    }

    @Test
    void theReferenceIsFittedOnlyOnRowsObservedForEveryModelWithCertainty() {
        // 99 certain rows and 60 explored ones (every model observed, one with π 0.5): too few.
        assertThat(KnnShrunkTrainer.fitReference(rows(99, 60), 7)).isNull();
        LinearPredictor fitted = KnnShrunkTrainer.fitReference(rows(100, 60), 7);
        assertThat(fitted).isNotNull();
        assertThat(fitted.modelCount()).isEqualTo(2);
        assertThat(fitted.predictsCosts()).isTrue();
        // Model a scores 1 where x₀ > 0 and 0 elsewhere: the fit ranks the two halves.
        double[] high = new double[2];
        double[] low = new double[2];
        fitted.predict(new float[] {1f, 0f}, high, new double[2]);
        fitted.predict(new float[] {-1f, 0f}, low, new double[2]);
        assertThat(high[0]).isGreaterThan(low[0] + 0.5);
    }

    @Test
    void crossValidationSmoothsNoiseAwayButFollowsASignalItCanSee() {
        // Scores that ignore the query: the largest penalty the folds cannot tell from the best
        // leaves a nearly constant fit. Scores set by the query's first coordinate: a fit that
        // still puts a above b (0.5) where x₀ > 0 and below it elsewhere, which is all routing
        // needs, however hard it is smoothed.
        LinearPredictor noise = RidgeTrainer.crossValidated(signal(400, 0.0), 11);
        LinearPredictor clean = RidgeTrainer.crossValidated(signal(400, 1.0), 11);
        assertThat(spread(noise)).isLessThan(0.05);
        double[] high = new double[2];
        double[] low = new double[2];
        clean.predict(new float[] {1f, 0f}, high, new double[2]);
        clean.predict(new float[] {-1f, 0f}, low, new double[2]);
        assertThat(high[0]).isGreaterThan(high[1]);
        assertThat(low[0]).isLessThan(low[1]);
        assertThat(spread(clean)).isGreaterThan(4 * spread(noise));
    }

    /** How far model a's predicted score moves between the queries {1, 0} and {−1, 0}. */
    private static double spread(LinearPredictor p) {
        double[] high = new double[2];
        double[] low = new double[2];
        p.predict(new float[] {1f, 0f}, high, new double[2]);
        p.predict(new float[] {-1f, 0f}, low, new double[2]);
        return high[0] - low[0];
    }

    /**
     * {@code n} rows whose model a scores 1 where x₀ > 0 with probability {@code strength}, else at
     * random; model b a constant 0.5 at a lower cost.
     */
    private static TrainingSet signal(int n, double strength) {
        Random random = new Random(17);
        List<float[]> vectors = new ArrayList<>();
        double[][] scores = new double[n][];
        double[][] costs = new double[n][];
        for (int i = 0; i < n; i++) {
            float x = (float) random.nextGaussian();
            vectors.add(new float[] {x, (float) random.nextGaussian()});
            double a =
                    random.nextDouble() < strength
                            ? (x > 0 ? 1 : 0)
                            : (random.nextBoolean() ? 1 : 0);
            scores[i] = new double[] {a, 0.5};
            costs[i] = new double[] {2, 1};
        }
        return new TrainingSet(
                VectorSet.ofNormalized(vectors), new Outcomes(List.of("a", "b"), scores, costs));
    }

    /** {@code certain} rows observed for both models with π 1, then {@code explored} with π 0.5. */
    private static TrainingSet rows(int certain, int explored) {
        Random random = new Random(3);
        int n = certain + explored;
        List<float[]> vectors = new ArrayList<>();
        double[][] scores = new double[n][2];
        double[][] costs = new double[n][2];
        double[][] propensities = new double[n][2];
        for (int i = 0; i < n; i++) {
            float x = (float) random.nextGaussian();
            vectors.add(new float[] {x, (float) random.nextGaussian()});
            scores[i] = new double[] {x > 0 ? 1 : 0, 0.5};
            costs[i] = new double[] {2, 1};
            Arrays.fill(propensities[i], 1.0);
            if (i >= certain) {
                propensities[i][1] = 0.5;
            }
        }
        return new TrainingSet(
                VectorSet.ofNormalized(vectors),
                new Outcomes(List.of("a", "b"), scores, costs),
                propensities);
    }
}

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
    void theFirstStepTakesItsOwnKAndAlphaAndTheLiveStepTheShrinkagesOwn() {
        KnnShrinkage twoSteps = shrinkage(2).withReference(reference(), 10, 4);
        assertThat(twoSteps.referenceK()).isEqualTo(10);
        assertThat(twoSteps.referenceStrength()).isEqualTo(4.0);
        assertThat(twoSteps.priorStrength()).isEqualTo(2.0);
        double[] s = new double[2];
        double[] c = new double[2];
        estimate(twoSteps, 3, PROPENSITIES, s, c);
        // Step 1, row 0 with α 4: ŝ = (1 + 4·0.7) / 5 = 0.76 and (1 + 4·0.4) / 5 = 0.52; ĉ = (2 +
        // 4·2) / 5 = 2 and (1 + 0) / 5 = 0.2.
        // Step 2, rows 1 and 2 with α 2 toward that: δ = ((1 − 2·0.76) + (0 − 0.52)) / (3 + 1) =
        // −0.26; ŝ_a = (1 + 2·(0.76 − 0.26)) / 4 = 0.5, ŝ_b = (0 + 2·(0.52 − 0.26)) / 3.
        assertThat(s[0]).isCloseTo(0.5, within(1e-12));
        assertThat(s[1]).isCloseTo(0.52 / 3, within(1e-12));
        // r = (5 + β) / (2·2 + 0.2 + β), β = 1·4.2 / 3; ĉ_a = (4 + 2·2·r) / 4, ĉ_b = (1 + 2·0.2·r)
        // / 3.
        double beta = 4.2 / 3;
        double r = (5 + beta) / (4.2 + beta);
        assertThat(c[0]).isCloseTo((4 + 4 * r) / 4, within(1e-12));
        assertThat(c[1]).isCloseTo((1 + 0.4 * r) / 3, within(1e-12));
        // Both travel with the shrinkage, and a trend's ageing keeps them.
        KnnShrinkage decoded =
                (KnnShrinkage) TrainedRouters.decode(TrainedRouters.encode(twoSteps));
        assertThat(decoded.referenceK()).isEqualTo(10);
        assertThat(decoded.referenceStrength()).isEqualTo(4.0);
        KnnShrinkage aged =
                twoSteps.withTrend(
                        new double[] {0.5, 0.5}, new double[] {1, 1}, new boolean[] {true, true});
        assertThat(aged.referenceStrength()).isEqualTo(4.0);
        assertThat(aged.toString()).isEqualTo("k 10, α 2.0, reference (k 10, α 4.0)");
    }

    @Test
    void theJobsTrainerChoosesTheFirstStepAsKnnRefDoesFromPriorsThatDidNotSeeTheRow() {
        TrainingSet all = signal(300, 0.8);
        KnnShrunkTrainer trainer = new KnnShrunkTrainer(100);
        KnnShrinkage live = trainer.fitLeaveOneOut(all, 3);
        KnnShrinkage fitted = trainer.withFittedReference(live, all, 3);
        assertThat(fitted.k()).isEqualTo(live.k());
        assertThat(fitted.priorStrength()).isEqualTo(live.priorStrength());
        assertThat(KnnShrunkTrainer.REFERENCE_ALPHA_GRID).contains(fitted.referenceStrength());
        assertThat(fitted.referenceK()).isBetween(1, 100);
        // The reference is the cross-validated ridge of the reference rows, seed for seed.
        double[] expected = new double[2];
        double[] actual = new double[2];
        RidgeTrainer.crossValidated(all, 3).predict(QUERY, expected, new double[2]);
        fitted.reference().predict(QUERY, actual, new double[2]);
        assertThat(actual).containsExactly(expected);
        // Too few reference rows: the live fit as it was.
        assertThat(trainer.withFittedReference(live, signal(99, 0.8), 3)).isSameAs(live);
    }

    @Test
    void anInfiniteLiveAlphaSwitchesTheLiveStepOffAndTravelsWithTheShrinkage() {
        KnnShrinkage off = shrinkage(2).withLiveStep(10, Double.POSITIVE_INFINITY);
        double[] s = new double[2];
        double[] c = new double[2];
        estimate(off, 3, PROPENSITIES, s, c);
        // Step 1 only (the first test's): ŝ 0.8 and 0.6, ĉ 2 and 1/3; rows 1 and 2 move nothing.
        assertThat(s[0]).isCloseTo(0.8, within(1e-12));
        assertThat(s[1]).isCloseTo(0.6, within(1e-12));
        assertThat(c[0]).isCloseTo(2, within(1e-12));
        assertThat(c[1]).isCloseTo(1.0 / 3, within(1e-12));
        KnnShrinkage decoded = (KnnShrinkage) TrainedRouters.decode(TrainedRouters.encode(off));
        assertThat(decoded.priorStrength()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(decoded.referenceStrength()).isEqualTo(2.0);
        assertThat(off.toString()).isEqualTo("k 10, α ∞ (live step off), reference (k 10, α 2.0)");
    }

    @Test
    void liveRowsThatAgreeWithTheSeedSwitchTheLiveStepOff() {
        // The live traffic follows the seed's law (a scores 1 where x₀ > 0), noisier: the live
        // neighbours cannot improve the routing of the explored queries, so the pool routes as
        // the router without feedback.
        TrainingSet all = seedThenLive(1000, 400, 0.8, false);
        KnnShrunkTrainer trainer = new KnnShrunkTrainer(100);
        KnnShrinkage fitted = trainer.withFittedReference(trainer.fitLeaveOneOut(all, 5), all, 5);
        assertThat(fitted.reference()).isNotNull();
        assertThat(fitted.priorStrength()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void liveRowsThatShowAChangeTheSeedDidNotSeeKeepTheLiveStepAndMoveTheRouting() {
        // After the seed, model a fails everywhere: the reference still puts a first where x₀ > 0,
        // the explored queries show that the live neighbours route them better.
        TrainingSet all = seedThenLive(200, 400, 0.8, true);
        KnnShrunkTrainer trainer = new KnnShrunkTrainer(100);
        KnnShrinkage fitted = trainer.withFittedReference(trainer.fitLeaveOneOut(all, 5), all, 5);
        assertThat(fitted.priorStrength()).isLessThan(Double.POSITIVE_INFINITY);
        // At a query where x₀ > 0, its nearest neighbours: with the live step b comes first, as
        // the live traffic says; with it off, a, as the seed said.
        float[] query = {1f, 0.05f};
        Neighbour[] neighbours =
                new dev.pointsman.core.knn.ExactKnn(all.vectors()).search(query, 100);
        double[] on = scoresAt(fitted, query, neighbours, all);
        double[] off =
                scoresAt(
                        fitted.withLiveStep(fitted.k(), Double.POSITIVE_INFINITY),
                        query,
                        neighbours,
                        all);
        assertThat(off[0]).isGreaterThan(off[1]);
        assertThat(on[0]).isLessThan(on[1]);
    }

    /** ŝ at {@code query} from its {@code neighbours} among {@code all}, in both steps. */
    private static double[] scoresAt(
            KnnShrinkage shrinkage, float[] query, Neighbour[] neighbours, TrainingSet all) {
        double[] s = new double[2];
        shrinkage.estimateFromReference(
                query,
                neighbours,
                null,
                neighbours.length,
                all.outcomes(),
                all.propensities(),
                all.propensities(),
                1.0,
                s,
                new double[2]);
        return s;
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
        assertThat(decoded.toString()).isEqualTo(fitted.toString()).contains("reference");
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
    void knnRefOfflineShrinksTheNeighboursTowardTheReferenceAtTheQuery() {
        // The three rows of SUPPORT, all observed for both models with certainty.
        Outcomes full =
                new Outcomes(
                        List.of("a", "b"),
                        new double[][] {{1, 1}, {0, 0}, {1, 0}},
                        new double[][] {{2, 1}, {2, 1}, {2, 3}});
        dev.pointsman.core.knn.ExactKnn index =
                new dev.pointsman.core.knn.ExactKnn(
                        VectorSet.ofNormalized(
                                List.of(
                                        new float[] {1f, 0.1f},
                                        new float[] {1f, 0.5f},
                                        new float[] {-1f, 1f})));
        GlobalTrend trend = GlobalTrend.of(new double[] {0.9, 0.9}, new double[] {1, 1});
        KnnPredictor knnRef =
                new KnnPredictor(
                        index, full, trend, 2, false, 2, Double.POSITIVE_INFINITY, reference());
        double[] s = new double[2];
        double[] c = new double[2];
        knnRef.predict(QUERY, s, c);
        // The two nearest rows 0 and 1 toward the reference's 0.7 / 0.4 and 2 / 0 at {1, 0}:
        // ŝ_a = (1 + 0 + 2·0.7) / 4, ŝ_b = (1 + 0 + 2·0.4) / 4, ĉ_a = (4 + 4) / 4, ĉ_b = 2 / 4.
        assertThat(s[0]).isCloseTo(0.6, within(1e-12));
        assertThat(s[1]).isCloseTo(0.45, within(1e-12));
        assertThat(c[0]).isCloseTo(2.0, within(1e-12));
        assertThat(c[1]).isCloseTo(0.5, within(1e-12));
        // The streaming job's estimate from the same neighbours, every row a reference row, is the
        // same arithmetic.
        double[] js = new double[2];
        double[] jc = new double[2];
        shrinkage(2)
                .estimateFromReference(
                        QUERY,
                        index.search(QUERY, 3),
                        null,
                        2,
                        full,
                        new double[][] {{1, 1}, {1, 1}, {1, 1}},
                        null,
                        1.0,
                        js,
                        jc);
        assertThat(js).containsExactly(s);
        assertThat(jc).containsExactly(c);
    }

    @Test
    void knnRefFitsItsReferenceOnTheTrainingSplitAndPredictsAsTheJobWouldWithIt() {
        TrainingSet train = signal(400, 0.8);
        TrainingSet validation = signal(120, 0.8);
        KnnShrunkTrainer trainer = KnnShrunkTrainer.withReferencePrior();
        assertThat(trainer.name()).isEqualTo("knn-ref");
        UtilityPredictor offline = trainer.fit(train, validation, 5);
        KnnShrinkage shipped = trainer.shrinkage();
        assertThat(shipped.reference()).isNotNull();
        // The reference is the cross-validated ridge of the training split, seed for seed.
        double[] expected = new double[2];
        double[] actual = new double[2];
        RidgeTrainer.crossValidated(train, 5).predict(QUERY, expected, new double[2]);
        shipped.reference().predict(QUERY, actual, new double[2]);
        assertThat(actual).containsExactly(expected);
        double[][] pure = new double[train.size()][];
        Arrays.fill(pure, new double[] {1, 1});
        dev.pointsman.core.knn.ExactKnn index =
                new dev.pointsman.core.knn.ExactKnn(train.vectors());
        for (float[] q : List.of(new float[] {1f, 0f}, new float[] {-0.6f, 0.8f})) {
            double[] s = new double[2];
            double[] c = new double[2];
            offline.predict(q, s, c);
            double[] js = new double[2];
            double[] jc = new double[2];
            Neighbour[] found = index.search(q, trainer.chosenK());
            shipped.estimateFromReference(
                    q, found, null, found.length, train.outcomes(), pure, null, 1.0, js, jc);
            assertThat(js).containsExactly(s);
            assertThat(jc).containsExactly(c);
        }
    }

    @Test
    void theReferenceIsFittedOnlyOnRowsObservedForEveryModelWithCertainty() {
        // 99 certain rows and 60 explored ones (every model observed, one with π 0.5): too few.
        KnnShrunkTrainer trainer = new KnnShrunkTrainer(100);
        TrainingSet tooFew = rows(99, 60);
        KnnShrinkage live = trainer.fitLeaveOneOut(tooFew, 7);
        assertThat(trainer.withFittedReference(live, tooFew, 7).reference()).isNull();
        TrainingSet enough = rows(100, 60);
        LinearPredictor fitted =
                trainer.withFittedReference(trainer.fitLeaveOneOut(enough, 7), enough, 7)
                        .reference();
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
    void aCrossFitsHeldOutPredictionsComeFromTheFitWithoutTheRowsFold() {
        TrainingSet rows = signal(120, 0.8);
        RidgeTrainer.CrossFit fit = RidgeTrainer.crossFitted(rows, 8);
        int[] foldOf = RidgeTrainer.foldOf(rows.size(), 8);
        for (int fold = 0; fold < RidgeTrainer.CV_FOLDS; fold++) {
            int f = fold;
            int[] others =
                    java.util.stream.IntStream.range(0, rows.size())
                            .filter(i -> foldOf[i] != f)
                            .toArray();
            // The same penalty, fitted without the fold: exactly what the rows of the fold got.
            UtilityPredictor without =
                    new RidgeTrainer(
                                    RidgeTrainer.Selection.ROUTING_QUALITY,
                                    new double[] {fit.penalty()})
                            .fit(rows.select(others), rows, 0);
            for (int i = 0; i < rows.size(); i++) {
                if (foldOf[i] == fold) {
                    double[] s = new double[2];
                    double[] c = new double[2];
                    without.predict(rows.vectors().row(i), s, c);
                    assertThat(fit.heldOut().scores()[i]).containsExactly(s);
                    assertThat(fit.heldOut().costs()[i]).containsExactly(c);
                }
            }
        }
        // And the predictor is the fit on every row, as crossValidated returns it.
        double[] all = new double[2];
        double[] again = new double[2];
        fit.predictor().predict(QUERY, all, new double[2]);
        RidgeTrainer.crossValidated(rows, 8).predict(QUERY, again, new double[2]);
        assertThat(all).containsExactly(again);
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

    /**
     * {@code seed} rows observed for both models for certain, whose model a scores 1 where x₀ > 0
     * (with probability {@code strength}, else at random) at cost 1 and b a constant 0.5 at 1.2;
     * then {@code live} rows of the same law (or, {@code aFails}, with a scoring 0 everywhere),
     * observed for the model argmax of the seed's law chose (a where x₀ > 0) and, one in five,
     * explored: the other model too, with π 0.2.
     */
    private static TrainingSet seedThenLive(int seed, int live, double strength, boolean aFails) {
        Random random = new Random(23);
        int n = seed + live;
        TwoModels rows = new TwoModels(n);
        double[][] scores = rows.scores;
        double[][] costs = rows.costs;
        double[][] propensities = rows.propensities;
        for (int i = 0; i < n; i++) {
            float x = rows.draw(random);
            boolean isLive = i >= seed;
            double a =
                    isLive && aFails
                            ? 0
                            : random.nextDouble() < strength
                                    ? (x > 0 ? 1 : 0)
                                    : (random.nextBoolean() ? 1 : 0);
            scores[i] = new double[] {a, 0.5};
            costs[i] = new double[] {1, 1.2};
            if (isLive) {
                int chosen = x > 0 ? 0 : 1;
                if (random.nextDouble() < 0.2) {
                    propensities[i][1 - chosen] = 0.2;
                } else {
                    scores[i][1 - chosen] = NAN;
                    costs[i][1 - chosen] = NAN;
                }
            }
        }
        return rows.build();
    }

    /** Rows of two models a and b, with two-dimensional vectors; every propensity 1 at first. */
    private static final class TwoModels {
        final List<float[]> vectors = new ArrayList<>();
        final double[][] scores;
        final double[][] costs;
        final double[][] propensities;

        TwoModels(int n) {
            scores = new double[n][2];
            costs = new double[n][2];
            propensities = new double[n][2];
            for (double[] row : propensities) {
                Arrays.fill(row, 1.0);
            }
        }

        /** Draws the next row's vector (two Gaussians) and returns its first coordinate. */
        float draw(Random random) {
            float x = (float) random.nextGaussian();
            vectors.add(new float[] {x, (float) random.nextGaussian()});
            return x;
        }

        TrainingSet build() {
            return new TrainingSet(
                    VectorSet.ofNormalized(vectors),
                    new Outcomes(List.of("a", "b"), scores, costs),
                    propensities);
        }
    }

    /** {@code certain} rows observed for both models with π 1, then {@code explored} with π 0.5. */
    private static TrainingSet rows(int certain, int explored) {
        Random random = new Random(3);
        TwoModels rows = new TwoModels(certain + explored);
        for (int i = 0; i < certain + explored; i++) {
            float x = rows.draw(random);
            rows.scores[i] = new double[] {x > 0 ? 1 : 0, 0.5};
            rows.costs[i] = new double[] {2, 1};
            if (i >= certain) {
                rows.propensities[i][1] = 0.5;
            }
        }
        return rows.build();
    }
}

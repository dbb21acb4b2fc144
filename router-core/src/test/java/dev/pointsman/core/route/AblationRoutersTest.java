package dev.pointsman.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.eval.RoutingQuality;
import dev.pointsman.core.knn.ExactKnn;
import dev.pointsman.core.knn.Neighbour;
import dev.pointsman.core.vector.VectorSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The routers of the README's ablation: kernel kNN, ridge tuned by routing quality, the blend. */
class AblationRoutersTest {

    @Test
    void kernelWeightsAreASoftmaxOfSimilarityRelativeToTheNearest() {
        Neighbour[] n = {new Neighbour(0, 0.9f), new Neighbour(1, 0.8f), new Neighbour(2, 0.5f)};
        double[] w = KnnPredictor.kernelWeights(n, 3, 0.1);
        assertThat(w[0]).isEqualTo(1.0);
        assertThat(w[1]).isCloseTo(Math.exp(-1), within(1e-6));
        assertThat(w[2]).isCloseTo(Math.exp(-4), within(1e-6));
        assertThat(KnnPredictor.kernelWeights(n, 2, Double.POSITIVE_INFINITY))
                .containsExactly(1.0, 1.0);
    }

    @Test
    void aKernelKnnPredictsTheKernelWeightedMeanShrunkTowardTheTrend() {
        // Query (1, 0); support at cosines 1, 0.8 and 0: weights 1, e^-2 and e^-10 at T = 0.1.
        VectorSet support =
                VectorSet.ofNormalized(
                        List.of(new float[] {1, 0}, new float[] {0.8f, 0.6f}, new float[] {0, 1}));
        Outcomes outcomes =
                new Outcomes(
                        List.of("a"),
                        new double[][] {{1}, {0}, {0}},
                        new double[][] {{2}, {4}, {6}});
        GlobalTrend trend = GlobalTrend.of(new double[] {0.5}, new double[] {3});
        KnnPredictor knn =
                new KnnPredictor(new ExactKnn(support), outcomes, trend, 3, false, 1, 0.1);
        double[] s = new double[1];
        double[] c = new double[1];
        knn.predict(new float[] {1, 0}, s, c);
        double w1 = Math.exp(-2);
        double w2 = Math.exp(-10);
        double sum = 1 + w1 + w2 + 1;
        assertThat(s[0]).isCloseTo((1 + 0.5) / sum, within(1e-6));
        assertThat(c[0]).isCloseTo((2 + 4 * w1 + 6 * w2 + 3) / sum, within(1e-6));
        assertThatThrownBy(
                        () ->
                                new KnnPredictor(
                                        new ExactKnn(support), outcomes, trend, 3, false, 1, 0))
                .hasMessageContaining("temperature must be > 0");
    }

    @Test
    void knnKernelChoosesItsTemperatureFromTheGrid() {
        KnnShrunkTrainer trainer = new KnnShrunkTrainer(Integer.MAX_VALUE, true);
        trainer.fit(Clusters.make(200, 1), Clusters.make(40, 2), 0);
        assertThat(trainer.name()).isEqualTo("knn-kernel");
        assertThat(KnnShrunkTrainer.TEMPERATURE_GRID).contains(trainer.chosenTemperature());
        KnnShrunkTrainer uniform = new KnnShrunkTrainer();
        uniform.fit(Clusters.make(200, 1), Clusters.make(40, 2), 0);
        assertThat(uniform.chosenTemperature()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    /** Two models whose better one depends on x₀, with a third of the labels flipped. */
    private static TrainingSet noisy(int n, long seed) {
        Random random = new Random(seed);
        List<float[]> vectors = new ArrayList<>();
        double[][] scores = new double[n][];
        for (int i = 0; i < n; i++) {
            float[] v = new float[6];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) random.nextGaussian();
            }
            vectors.add(v);
            boolean a = v[0] + 0.5 * v[1] > 0 ^ random.nextDouble() < 0.33;
            scores[i] = a ? new double[] {1, 0} : new double[] {0, 1};
        }
        return new TrainingSet(
                VectorSet.ofNormalized(vectors), new Outcomes(List.of("a", "b"), scores, null));
    }

    @Test
    void ridgeTakesThePenaltyWithTheBestValidationRoutingQualityTheFirstOnATie() {
        TrainingSet train = noisy(60, 1);
        TrainingSet validation = noisy(80, 2);
        double[] grid = RidgeTrainer.PENALTY_GRID;
        double best = Double.NEGATIVE_INFINITY;
        Predictions expected = null;
        for (double penalty : grid) {
            UtilityPredictor one =
                    new RidgeTrainer(RidgeTrainer.Selection.ROUTING_QUALITY, new double[] {penalty})
                            .fit(train, validation, 0);
            Predictions p = one.predictAll(validation.vectors());
            double quality = RoutingQuality.of(validation.outcomes(), p);
            if (quality > best) {
                best = quality;
                expected = p;
            }
        }
        Predictions chosen =
                new RidgeTrainer(RidgeTrainer.Selection.ROUTING_QUALITY)
                        .fit(train, validation, 0)
                        .predictAll(validation.vectors());
        assertThat(RoutingQuality.of(validation.outcomes(), chosen)).isEqualTo(best);
        for (int i = 0; i < validation.size(); i++) {
            assertThat(chosen.scores()[i]).containsExactly(expected.scores()[i]);
        }
    }

    @Test
    void linearCrossValidatesOnTheTrainingSplitAndFallsBackToValidationWithoutCompleteFolds() {
        TrainingSet train = noisy(200, 1);
        TrainingSet validation = noisy(80, 2);
        TrainingSet test = noisy(50, 3);
        // Complete rows: the cross-validated fit of the training split, whatever the validation.
        Predictions linear =
                Routers.byName("linear").fit(train, validation, 4).predictAll(test.vectors());
        Predictions cv = RidgeTrainer.crossValidated(train, 4).predictAll(test.vectors());
        Predictions otherValidation =
                Routers.byName("linear").fit(train, noisy(80, 9), 4).predictAll(test.vectors());
        for (int i = 0; i < test.size(); i++) {
            assertThat(linear.scores()[i]).containsExactly(cv.scores()[i]);
            assertThat(otherValidation.scores()[i]).containsExactly(cv.scores()[i]);
        }
        // Every training row missing one model (live partial feedback): no fold can be scored, so
        // the penalties are chosen on the validation split as linear-val chooses them.
        double[][] partial = new double[train.size()][];
        for (int i = 0; i < partial.length; i++) {
            partial[i] = train.outcomes().scores()[i].clone();
            partial[i][i % 2] = Double.NaN;
        }
        TrainingSet partly =
                new TrainingSet(train.vectors(), new Outcomes(List.of("a", "b"), partial, null));
        Predictions fallback =
                Routers.byName("linear").fit(partly, validation, 4).predictAll(test.vectors());
        Predictions byValidation =
                Routers.byName("linear-val").fit(partly, validation, 4).predictAll(test.vectors());
        for (int i = 0; i < test.size(); i++) {
            assertThat(fallback.scores()[i]).containsExactly(byValidation.scores()[i]);
        }
        assertThatThrownBy(() -> RidgeTrainer.crossValidated(partly, 4))
                .hasMessageContaining("every model in every fold");
    }

    @Test
    void ridgeFallsBackToSquaredErrorWhenNoValidationRowIsComplete() {
        TrainingSet train = noisy(60, 1);
        TrainingSet full = noisy(20, 2);
        double[][] partial = new double[full.size()][];
        for (int i = 0; i < partial.length; i++) {
            partial[i] = full.outcomes().scores()[i].clone();
            partial[i][i % 2] = Double.NaN;
        }
        TrainingSet validation =
                new TrainingSet(full.vectors(), new Outcomes(List.of("a", "b"), partial, null));
        Predictions byQuality =
                new RidgeTrainer(RidgeTrainer.Selection.ROUTING_QUALITY)
                        .fit(train, validation, 0)
                        .predictAll(full.vectors());
        Predictions byError =
                new RidgeTrainer(RidgeTrainer.Selection.SQUARED_ERROR)
                        .fit(train, validation, 0)
                        .predictAll(full.vectors());
        for (int i = 0; i < full.size(); i++) {
            assertThat(byQuality.scores()[i]).containsExactly(byError.scores()[i]);
        }
    }

    @Test
    void aBlendIsTheWeightedMeanOfItsTwoPredictors() {
        UtilityPredictor first = GlobalTrend.of(new double[] {0.2, 0.8}, new double[] {1, 3});
        UtilityPredictor second = GlobalTrend.of(new double[] {0.6, 0.4}, new double[] {5, 7});
        UtilityPredictor blend = new BlendTrainer.Blend(first, second, 0.25);
        double[] s = new double[2];
        double[] c = new double[2];
        blend.predict(new float[] {1}, s, c);
        assertThat(s[0]).isCloseTo(0.25 * 0.2 + 0.75 * 0.6, within(1e-12));
        assertThat(s[1]).isCloseTo(0.25 * 0.8 + 0.75 * 0.4, within(1e-12));
        assertThat(c[1]).isCloseTo(0.25 * 3 + 0.75 * 7, within(1e-12));
    }

    @Test
    void theBlendWeightIsTheFirstBestOfItsGridOnValidation() {
        TrainingSet train = noisy(120, 3);
        TrainingSet validation = noisy(80, 4);
        BlendTrainer trainer = new BlendTrainer();
        Predictions blended = trainer.fit(train, validation, 0).predictAll(validation.vectors());
        UtilityPredictor knn = new KnnShrunkTrainer().fit(train, validation, 0);
        UtilityPredictor linear = new RidgeTrainer().fit(train, validation, 0);
        Predictions a = knn.predictAll(validation.vectors());
        Predictions b = linear.predictAll(validation.vectors());
        double best = Double.NEGATIVE_INFINITY;
        double bestWeight = Double.NaN;
        for (double w : BlendTrainer.WEIGHT_GRID) {
            double q = RoutingQuality.of(validation.outcomes(), BlendTrainer.blend(a, b, w));
            if (q > best) {
                best = q;
                bestWeight = w;
            }
        }
        assertThat(trainer.chosenWeight()).isEqualTo(bestWeight);
        assertThat(RoutingQuality.of(validation.outcomes(), blended)).isEqualTo(best);
    }

    @Test
    void theOfflineOnlyRoutersAreRefusedWhereTheStreamingJobWouldRunThem() {
        for (String name :
                List.of(
                        "knn-ref",
                        "knn-kernel",
                        "knn-linear",
                        "knn-shrunk-pm",
                        "clusters",
                        "linear-val",
                        "linear-mse")) {
            assertThat(Routers.byName(name).name()).isEqualTo(name);
            assertThatThrownBy(() -> RouterSpec.parseLive(name))
                    .hasMessageContaining("offline evaluation only");
            assertThatThrownBy(() -> PoolSettings.parse("p", Map.of("router", name)))
                    .hasMessageContaining("offline evaluation only");
        }
        assertThat(RouterSpec.parseLive("knn-shrunk").kind()).isEqualTo(RouterSpec.Kind.KNN_SHRUNK);
    }

    @Test
    void clusterProfilesAreEachClustersShrunkMeansAndAQueryGetsItsNearestCentroids() {
        float[][] centroids = {{1, 0}, {0, 1}};
        int[] members = {0, 0, 1};
        Outcomes outcomes =
                new Outcomes(
                        List.of("a", "b"),
                        new double[][] {{1, 0}, {0, Double.NaN}, {1, 1}},
                        new double[][] {{2, 4}, {4, Double.NaN}, {6, 8}});
        GlobalTrend trend = GlobalTrend.of(new double[] {0.5, 0.25}, new double[] {3, 5});
        ClusterTrainer.Profiles p =
                ClusterTrainer.Profiles.of(centroids, members, outcomes, trend, 2);
        double[] s = new double[2];
        double[] c = new double[2];
        p.predict(new float[] {0.8f, 0.6f}, s, c);
        assertThat(s[0]).isCloseTo((1 + 0 + 2 * 0.5) / 4, within(1e-12));
        assertThat(s[1]).isCloseTo((0 + 2 * 0.25) / 3, within(1e-12)); // b observed once there
        assertThat(c[0]).isCloseTo((2 + 4 + 2 * 3) / 4.0, within(1e-12));
        p.predict(new float[] {0.1f, 0.9f}, s, c);
        assertThat(s[1]).isCloseTo((1 + 2 * 0.25) / 3, within(1e-12));
    }

    @Test
    void kMeansSeparatesTwoTightGroupsWhateverTheSeed() {
        TrainingSet data = Clusters.make(100, 9);
        for (long seed = 0; seed < 5; seed++) {
            float[][] centroids = ClusterTrainer.kMeans(data.vectors(), 2, new Random(seed));
            int[] members = ClusterTrainer.assign(data.vectors(), centroids);
            for (int i = 2; i < data.size(); i++) {
                // Clusters.make alternates the two groups.
                assertThat(members[i] == members[i % 2]).isTrue();
            }
            assertThat(members[0]).isNotEqualTo(members[1]);
        }
        ClusterTrainer trainer = new ClusterTrainer();
        trainer.fit(Clusters.make(200, 1), Clusters.make(40, 2), 0);
        assertThat(ClusterTrainer.CLUSTER_GRID).contains(trainer.chosenClusters());
    }

    @Test
    void exploredOutcomesWeighByTheirInversePropensityWhileTheEvidenceIsWhatWasSeen() {
        // Model a was chosen (π = 1) on the two queries where it scored 1 and explored (π = 1/4)
        // on the one where it scored 0: the explored one stands for four such queries.
        Neighbour[] n = {new Neighbour(0, 0.9f), new Neighbour(1, 0.8f), new Neighbour(2, 0.7f)};
        Outcomes support =
                new Outcomes(
                        List.of("a"),
                        new double[][] {{1}, {1}, {0}},
                        new double[][] {{2}, {2}, {6}});
        double[][] propensities = {{1}, {1}, {0.25}};
        GlobalTrend trend = GlobalTrend.of(new double[] {0.5}, new double[] {4});
        double[] s = new double[1];
        double[] c = new double[1];
        double[] ones = {1, 1, 1};
        KnnPredictor.estimateWeighted(n, ones, 3, support, propensities, trend, 1, s, c);
        // μ = (1 + 1 + 4·0) / 6 = 1/3 on n = 3 seen, shrunk with α = 1: (3·1/3 + 0.5) / 4.
        assertThat(s[0]).isCloseTo(0.375, within(1e-12));
        // cost μ = (2 + 2 + 4·6) / 6 = 14/3: (3·14/3 + 4) / 4.
        assertThat(c[0]).isCloseTo(4.5, within(1e-12));
        // Certain outcomes: the plain estimate (2 + 0.5) / 4.
        KnnPredictor.estimateWeighted(
                n, ones, 3, support, new double[][] {{1}, {1}, {1}}, trend, 1, s, c);
        assertThat(s[0]).isCloseTo(0.625, within(1e-12));
        double[] plain = new double[1];
        KnnPredictor.estimateWeighted(n, ones, 3, support, trend, 1, plain, new double[1]);
        assertThat(plain[0]).isCloseTo(s[0], within(1e-12));
    }

    @Test
    void perModelPriorStrengthsNeverDoWorseOnValidationThanTheSharedOne() {
        TrainingSet train = noisy(120, 5);
        TrainingSet validation = noisy(80, 6);
        KnnShrunkTrainer shared = new KnnShrunkTrainer();
        double sharedQuality =
                RoutingQuality.of(
                        validation.outcomes(),
                        shared.fit(train, validation, 0).predictAll(validation.vectors()));
        PerModelShrinkTrainer perModel = new PerModelShrinkTrainer();
        double perModelQuality =
                RoutingQuality.of(
                        validation.outcomes(),
                        perModel.fit(train, validation, 0).predictAll(validation.vectors()));
        assertThat(perModelQuality).isGreaterThanOrEqualTo(sharedQuality);
        assertThat(perModel.chosenAlphas()).hasSize(2);
        for (double a : perModel.chosenAlphas()) {
            assertThat(KnnShrunkTrainer.ALPHA_GRID).contains(a);
        }
    }
}

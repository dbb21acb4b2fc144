package dev.pointsman.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.vector.VectorSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnsembleTrainerTest {
    private static final int D = EnsembleTrainer.BLOCK;

    /**
     * Rows of two 384-dim "encoders" side by side: the first sees which model wins through its
     * component 0, the second through its component 1, each with noise of its own.
     */
    private static TrainingSet twoEncoders(int n, long seed) {
        Random random = new Random(seed);
        List<float[]> vectors = new ArrayList<>();
        double[][] scores = new double[n][];
        for (int i = 0; i < n; i++) {
            boolean a = random.nextBoolean();
            float[] v = new float[2 * D];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (0.05 * random.nextGaussian());
            }
            v[0] += (a ? 1 : -1) * (float) (0.5 + random.nextGaussian());
            v[D + 1] += (a ? 1 : -1) * (float) (0.5 + random.nextGaussian());
            vectors.add(v);
            scores[i] = a ? new double[] {1, 0} : new double[] {0, 1};
        }
        return new TrainingSet(
                VectorSet.ofNormalized(vectors), new Outcomes(List.of("a", "b"), scores, null));
    }

    private static TrainingSet half(TrainingSet set, int block) {
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            rows.add(Arrays.copyOfRange(set.vectors().row(i), block * D, (block + 1) * D));
        }
        return new TrainingSet(VectorSet.ofNormalized(rows), set.outcomes());
    }

    @Test
    void predictsTheMeanOfOneLinearRouterPerEncoderBlock() {
        TrainingSet train = twoEncoders(200, 1);
        TrainingSet validation = twoEncoders(60, 2);
        TrainingSet test = twoEncoders(30, 3);
        Predictions ensemble =
                Routers.byName("linear-ens").fit(train, validation, 7).predictAll(test.vectors());
        Predictions first =
                new RidgeTrainer()
                        .fit(half(train, 0), half(validation, 0), 7)
                        .predictAll(half(test, 0).vectors());
        Predictions second =
                new RidgeTrainer()
                        .fit(half(train, 1), half(validation, 1), 8)
                        .predictAll(half(test, 1).vectors());
        for (int i = 0; i < test.size(); i++) {
            for (int m = 0; m < 2; m++) {
                double want = (first.scores()[i][m] + second.scores()[i][m]) / 2;
                assertThat(ensemble.scores()[i][m]).isCloseTo(want, within(1e-9));
            }
            // The halves are different fits: the ensemble is neither one of them.
            assertThat(first.scores()[i][0]).isNotCloseTo(second.scores()[i][0], within(1e-6));
        }
    }

    @Test
    void onOneEncoderItIsTheLinearRouter() {
        TrainingSet train = half(twoEncoders(200, 4), 0);
        TrainingSet validation = half(twoEncoders(60, 5), 0);
        TrainingSet test = half(twoEncoders(30, 6), 0);
        Predictions ensemble =
                Routers.byName("linear-ens").fit(train, validation, 7).predictAll(test.vectors());
        Predictions linear =
                Routers.byName("linear").fit(train, validation, 7).predictAll(test.vectors());
        for (int i = 0; i < test.size(); i++) {
            assertThat(ensemble.scores()[i][0]).isCloseTo(linear.scores()[i][0], within(1e-5));
            assertThat(ensemble.scores()[i][1]).isCloseTo(linear.scores()[i][1], within(1e-5));
        }
    }
}

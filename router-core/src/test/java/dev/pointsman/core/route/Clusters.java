package dev.pointsman.core.route;

import dev.pointsman.core.vector.VectorSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic routing data with a known answer: queries near axis e₀ are answered by model "a" (score
 * 1) and not by "b" (0); queries near e₁ the other way round. "a" costs 1 everywhere, "b" costs 1
 * in the first cluster and 3 in the second, so costs depend on the query too.
 */
final class Clusters {
    static final int DIM = 8;

    private Clusters() {}

    static TrainingSet make(int n, long seed) {
        Random random = new Random(seed);
        List<float[]> vectors = new ArrayList<>();
        double[][] scores = new double[n][];
        double[][] costs = new double[n][];
        for (int i = 0; i < n; i++) {
            boolean first = i % 2 == 0;
            float[] v = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                v[j] = (float) (0.15 * random.nextGaussian());
            }
            v[first ? 0 : 1] += 1f;
            vectors.add(v);
            scores[i] = first ? new double[] {1, 0} : new double[] {0, 1};
            costs[i] = first ? new double[] {1, 1} : new double[] {1, 3};
        }
        return new TrainingSet(
                VectorSet.ofNormalized(vectors), new Outcomes(List.of("a", "b"), scores, costs));
    }

    /** Fraction of queries whose argmax ŝ is the model that answers them. */
    static double accuracy(TrainingSet test, Predictions p) {
        int right = 0;
        for (int i = 0; i < test.size(); i++) {
            int pick = p.scores()[i][0] >= p.scores()[i][1] ? 0 : 1;
            if (test.outcomes().scores()[i][pick] == 1) {
                right++;
            }
        }
        return (double) right / test.size();
    }
}

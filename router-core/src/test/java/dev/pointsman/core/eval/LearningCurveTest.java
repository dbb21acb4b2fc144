package dev.pointsman.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.vector.VectorSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LearningCurveTest {
    /**
     * Eight clusters; in each, one of three models answers 90% of the queries and the others 40%,
     * so the global trend (each model right about 57% of the time) routes no better than a coin,
     * while a router that has seen enough of each cluster routes to its model.
     */
    private static EvalData clusters(int n, long seed) {
        Random random = new Random(seed);
        List<float[]> vectors = new ArrayList<>();
        double[][] scores = new double[n][3];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = i % 8;
            float[] v = new float[16];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (0.3 * random.nextGaussian());
            }
            v[c] += 1f;
            vectors.add(v);
            for (int m = 0; m < 3; m++) {
                scores[i][m] = random.nextDouble() < (m == c % 3 ? 0.9 : 0.4) ? 1 : 0;
            }
            ids.add("q" + i);
        }
        return new EvalData(
                ids,
                Collections.nCopies(n, "mixed"),
                Collections.nCopies(n, null),
                VectorSet.ofNormalized(vectors),
                new Outcomes(List.of("a", "b", "c"), scores, null));
    }

    @Test
    void theLiftGrowsWithTheSupportAndASizeBeyondTheTrainingRowsMeansAllOfThem() {
        EvalData data = clusters(2000, 1);
        LearningCurve curve = new LearningCurve(List.of("knn-shrunk"), 3);
        int[] calls = {0};
        List<LearningCurve.Point> points =
                curve.run(data, new int[] {1000, 40, 99_999}, done -> calls[0] = done);
        // 70% of 2000 rows train: 99,999 means all 1,400; 3 sizes × 3 seeds fitted.
        assertThat(points).extracting(LearningCurve.Point::size).containsExactly(40, 1000, 1400);
        assertThat(calls[0]).isEqualTo(9).isEqualTo(curve.work(data, new int[] {40, 1000, 99_999}));
        LearningCurve.Point small = points.get(0);
        LearningCurve.Point large = points.get(1);
        // Accuracy in percent: routing to each cluster's model gets about 90, the trend about 57.
        assertThat(large.meanLift()).isGreaterThan(20);
        assertThat(large.meanLift()).isGreaterThan(small.meanLift() + 2);
        for (int s = 0; s < 3; s++) {
            assertThat(large.lift()[s]).isEqualTo(large.quality()[s] - large.trend()[s]);
        }
    }

    @Test
    void aSizeBelowOneOrAnUnknownRouterIsAnError() {
        EvalData data = clusters(100, 2);
        assertThatThrownBy(
                        () -> new LearningCurve(List.of("knn-shrunk"), 1).work(data, new int[] {0}))
                .hasMessage("sizes must be > 0: [0]");
        assertThatThrownBy(() -> new LearningCurve(List.of("nope"), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

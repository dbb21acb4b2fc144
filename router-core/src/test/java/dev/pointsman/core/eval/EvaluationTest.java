package dev.pointsman.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.eval.EvalReport.RowResult;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import dev.pointsman.core.vector.VectorSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    /** Two datasets of two clusters; in each cluster a different model is right. */
    private static EvalData data(boolean fixedSplits, boolean costs) {
        Random random = new Random(11);
        List<String> ids = new ArrayList<>();
        List<String> datasets = new ArrayList<>();
        List<String> splits = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        int n = 240;
        double[][] scores = new double[n][];
        double[][] cost = costs ? new double[n][] : null;
        for (int i = 0; i < n; i++) {
            boolean first = i % 2 == 0;
            float[] v = new float[6];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (0.2 * random.nextGaussian());
            }
            v[first ? 0 : 1] += 1;
            vectors.add(v);
            ids.add("q" + i);
            datasets.add(i < n / 2 ? "alpha" : "beta");
            splits.add(fixedSplits ? (i % 5 == 0 ? (i < n / 2 ? "test" : "ood") : "train") : null);
            scores[i] = first ? new double[] {1, 0} : new double[] {0, 1};
            if (cost != null) {
                cost[i] = new double[] {1, 2};
            }
        }
        return new EvalData(
                ids,
                datasets,
                splits,
                VectorSet.ofNormalized(vectors),
                new Outcomes(List.of("a", "b"), scores, cost));
    }

    @Test
    void perDatasetEvaluationReportsReferenceRowsHeadroomAndLift() {
        List<String> seen = new ArrayList<>();
        Evaluation.Listener listener =
                new Evaluation.Listener() {
                    @Override
                    public void onPredictions(
                            String dataset,
                            String router,
                            int seed,
                            List<String> ids,
                            Predictions p) {
                        seen.add(dataset + "/" + router + "/" + seed + "/" + ids.size());
                    }
                };
        EvalReport report =
                new Evaluation(List.of("knn-10", "linear"), 2, listener).run(data(false, true));
        assertThat(report.metric()).isEqualTo("auc");
        assertThat(report.rows())
                .containsExactly("oracle", "random", "global-trend", "knn-10", "linear");
        assertThat(report.datasets()).containsOnlyKeys("alpha", "beta");
        EvalReport.DatasetResult alpha = report.datasets().get("alpha");
        assertThat(alpha.nTest()).isEqualTo(24);
        RowResult oracle = alpha.rows().get("oracle");
        RowResult knn = alpha.rows().get("knn-10");
        RowResult trend = alpha.rows().get("global-trend");
        for (int seed = 0; seed < 2; seed++) {
            assertThat(oracle.headroom()[seed]).isCloseTo(1, within(1e-12));
            assertThat(trend.lift()[seed]).isZero();
            assertThat(knn.quality()[seed]).isLessThanOrEqualTo(oracle.quality()[seed] + 1e-9);
            assertThat(knn.lift()[seed]).isGreaterThan(10);
            assertThat(knn.headroom()[seed]).isGreaterThan(0.9);
        }
        assertThat(alpha.plot()).isNotNull();
        assertThat(alpha.plot().frontiers())
                .containsKeys("oracle", "global-trend", "knn-10", "linear");
        assertThat(seen).contains("alpha/knn-10/1/24", "beta/global-trend/0/24").hasSize(2 * 2 * 3);
    }

    @Test
    void fixedSplitsTrainOnceAndReportTestAndOodSetsApart() {
        EvalReport report =
                new Evaluation(List.of("knn-10"), 1, new Evaluation.Listener() {})
                        .run(data(true, false));
        assertThat(report.metric()).isEqualTo("accuracy");
        assertThat(report.datasets().get("alpha").split()).isEqualTo("test");
        assertThat(report.datasets().get("beta").split()).isEqualTo("ood");
        assertThat(report.datasets().get("alpha").nTest()).isEqualTo(24);
        assertThat(report.datasets().get("alpha").rows().get("knn-10").quality()[0])
                .isCloseTo(100, within(1e-9));
        assertThat(report.datasets().get("alpha").rows().get("random").quality()[0])
                .isCloseTo(50, within(1e-9));
        assertThat(report.datasets().get("alpha").plot()).isNull();
    }
}

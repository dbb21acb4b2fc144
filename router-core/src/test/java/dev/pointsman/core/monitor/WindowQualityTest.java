package dev.pointsman.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.core.eval.ParetoAuc;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowQualityTest {
    @Test
    void equalsParetoAucOnTheSameMatrices() {
        SplittableRandom random = new SplittableRandom(7);
        List<String> models = List.of("a", "b", "c");
        int n = 40;
        double[][] s = new double[n][3];
        double[][] c = new double[n][3];
        double[][] sh = new double[n][3];
        double[][] ch = new double[n][3];
        List<ShadowRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, double[]> predicted = new java.util.HashMap<>();
            Map<String, double[]> observed = new java.util.HashMap<>();
            for (int m = 0; m < 3; m++) {
                s[i][m] = random.nextInt(2);
                c[i][m] = (m + 1) * random.nextDouble();
                sh[i][m] = random.nextDouble();
                ch[i][m] = (m + 1) * 0.5;
                predicted.put(models.get(m), new double[] {sh[i][m], ch[i][m]});
                observed.put(models.get(m), new double[] {s[i][m], c[i][m]});
            }
            rows.add(new ShadowRow(predicted, observed));
        }
        Map<String, double[]> trend =
                Map.of(
                        "a",
                        new double[] {0.4, 0.5},
                        "b",
                        new double[] {0.6, 1.0},
                        "c",
                        new double[] {0.5, 1.5});

        WindowQuality q = WindowQuality.of(rows, trend);

        Outcomes truth = new Outcomes(models, s, c);
        assertThat(q.models()).isEqualTo(models);
        assertThat(q.queries()).isEqualTo(n);
        assertThat(q.auc()).isEqualTo(ParetoAuc.auc(truth, new Predictions(sh, ch)));
        assertThat(q.oracleAuc()).isEqualTo(ParetoAuc.oracle(truth));
        assertThat(q.randomAuc()).isEqualTo(ParetoAuc.random(truth));
        double[][] ts = new double[n][];
        double[][] tc = new double[n][];
        for (int i = 0; i < n; i++) {
            ts[i] = new double[] {0.4, 0.6, 0.5};
            tc[i] = new double[] {0.5, 1.0, 1.5};
        }
        assertThat(q.trendAuc()).isEqualTo(ParetoAuc.auc(truth, new Predictions(ts, tc)));
        assertThat(q.oracleAuc()).isGreaterThanOrEqualTo(q.auc());
    }

    @Test
    void comparesOnlyTheModelsEveryRowPredictedAndNeedsTheTrendForAllOfThem() {
        ShadowRow first =
                new ShadowRow(
                        Map.of("a", new double[] {1, 1}, "b", new double[] {0, 2}),
                        Map.of("a", new double[] {1, 1}, "b", new double[] {1, 2}));
        ShadowRow second =
                new ShadowRow(
                        Map.of("b", new double[] {1, 2}, "c", new double[] {0, 3}),
                        Map.of("b", new double[] {0, 2}, "c", new double[] {1, 3}));
        WindowQuality q = WindowQuality.of(List.of(first, second), Map.of());
        assertThat(q.models()).containsExactly("b");
        assertThat(q.trendAuc()).isNull();
        assertThat(WindowQuality.of(List.of(), Map.of())).isNull();
    }
}

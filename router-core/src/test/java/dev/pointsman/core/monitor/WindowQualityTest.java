package dev.pointsman.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void anExploredRowCountsByItsInversePropensity() {
        Map<String, double[]> predicted =
                Map.of("a", new double[] {1, 1}, "b", new double[] {0, 3});
        Map<String, double[]> observed = Map.of("a", new double[] {1, 1}, "b", new double[] {1, 3});
        assertThat(ShadowRow.of(predicted, observed, true, 0.25).weight()).isEqualTo(4.0);
        // Observed in full without the router asking: the gateway's own choice, weight 1.
        assertThat(ShadowRow.of(predicted, observed, false, 0.25).weight()).isEqualTo(1.0);
        assertThatThrownBy(() -> new ShadowRow(predicted, observed, 0))
                .hasMessageContaining("weight must be finite and > 0");
    }

    /**
     * Two regions of traffic: in "easy" model a is right, in "hard" only b is. The router explores
     * the hard region (where it is unsure) five times as often as the easy one, so the explored
     * queries over-represent it. The inverse-propensity window estimates the AUC of all the
     * queries; the plain mean over the explored ones does not.
     */
    @Test
    void inversePropensityWeightsUndoTheExplorationsPreferenceForUnsureRegions() {
        SplittableRandom random = new SplittableRandom(3);
        List<ShadowRow> all = new ArrayList<>();
        List<ShadowRow> explored = new ArrayList<>();
        List<ShadowRow> exploredWeighted = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            boolean hard = random.nextDouble() < 0.3;
            double p = hard ? 0.5 : 0.1;
            Map<String, double[]> observed =
                    Map.of(
                            "a", new double[] {hard ? 0 : 1, 1},
                            "b", new double[] {random.nextDouble() < 0.9 ? 1 : 0, 4});
            // A router that knows a is right in the easy region and half guesses in the hard one.
            Map<String, double[]> predicted =
                    Map.of(
                            "a", new double[] {hard ? 0.5 : 0.9, 1},
                            "b", new double[] {hard ? random.nextDouble() : 0.6, 4});
            ShadowRow row = new ShadowRow(predicted, observed);
            all.add(row);
            if (random.nextDouble() < p) {
                explored.add(row);
                exploredWeighted.add(ShadowRow.of(predicted, observed, true, p));
            }
        }
        Map<String, double[]> trend =
                Map.of("a", new double[] {0.7, 1}, "b", new double[] {0.9, 4});
        WindowQuality truth = WindowQuality.of(all, trend);
        WindowQuality naive = WindowQuality.of(explored, trend);
        WindowQuality ips = WindowQuality.of(exploredWeighted, trend);
        // Seeded: all 20,000 queries 70.65, the 4,451 explored ones 46.13 plain, 70.06 weighted.
        assertThat(Math.abs(ips.auc() - truth.auc())).isLessThan(1.0);
        assertThat(Math.abs(naive.auc() - truth.auc())).isGreaterThan(10.0);
        assertThat(Math.abs(ips.oracleAuc() - truth.oracleAuc())).isLessThan(1.0);
        assertThat(Math.abs(ips.trendAuc() - truth.trendAuc())).isLessThan(1.0);
    }
}

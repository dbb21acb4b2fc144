package dev.pointsman.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.eval.ParetoAuc;
import dev.pointsman.core.monitor.Drift;
import dev.pointsman.core.monitor.ShadowRow;
import dev.pointsman.core.monitor.WindowQuality;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.WindowMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowMetricsTest {
    private static final long WINDOW = 60_000;
    private static final List<String> MODELS = List.of("a", "b", "c");

    @TempDir Path state;
    private TopologyFixture f;

    @BeforeEach
    void start() {
        TopologySettings settings =
                TopologySettings.defaults()
                        .withWindow(Duration.ofMillis(WINDOW), Duration.ofSeconds(10))
                        .withFeedback(Duration.ofSeconds(30), Duration.ofMinutes(5))
                        .withAlerts(
                                new TopologySettings.AlertThresholds(5, 1.0, 0.25, 0.25, 0.05, 3));
        f = new TopologyFixture(settings, state);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /** One window of queries: each gets predictions and outcomes for every model (shadow). */
    private record Window(double[][] s, double[][] c, double[][] sh, double[][] ch, int[] chosen) {}

    private Window shadowWindow(
            long start, int n, SplittableRandom random, float[] direction, double ood) {
        return shadowWindow(start, n, random, direction, ood, new double[n]);
    }

    /**
     * @param explored per query, the probability the router explored it with; 0: answered in full
     *     without the router asking
     */
    private Window shadowWindow(
            long start,
            int n,
            SplittableRandom random,
            float[] direction,
            double ood,
            double[] explored) {
        double[][] s = new double[n][3];
        double[][] c = new double[n][3];
        double[][] sh = new double[n][3];
        double[][] ch = new double[n][3];
        int[] chosen = new int[n];
        for (int i = 0; i < n; i++) {
            String id = "w" + start + "-" + i;
            long ts = start + 1_000 + i * 100L;
            float[] v = direction.clone();
            v[3] = (float) random.nextDouble() * 0.1f;
            f.query(id, ts, v);
            Map<String, double[]> predicted = new TreeMap<>();
            for (int m = 0; m < 3; m++) {
                s[i][m] = random.nextInt(2);
                c[i][m] = (m + 1) * random.nextDouble();
                sh[i][m] = random.nextDouble();
                ch[i][m] = (m + 1) * 0.5;
                predicted.put(MODELS.get(m), new double[] {sh[i][m], ch[i][m]});
            }
            chosen[i] = ParetoAuc.choose(sh[i], ch[i], 0);
            f.decision(id, ts, MODELS.get(chosen[i]), ood, predicted, explored[i]);
            for (int m = 0; m < 3; m++) {
                f.outcome(id, MODELS.get(m), s[i][m], c[i][m], ts + 500);
            }
        }
        return new Window(s, c, sh, ch, chosen);
    }

    private void closeWindowsBefore(long ts) {
        f.query("tick-" + ts, ts, 0, 0, 0, 1);
        f.decision("tick-" + ts, ts, "a", null, Map.of("a", new double[] {0.5, 1}));
    }

    @Test
    void windowMetricsAreRouterCoresOnTheSameQueries() {
        SplittableRandom random = new SplittableRandom(11);
        Window first = shadowWindow(0, 30, random, new float[] {1, 0, 0, 0}, 0.0);
        Window second = shadowWindow(WINDOW, 25, random, new float[] {1, 0, 0, 0}, 0.0);
        closeWindowsBefore(3 * WINDOW);

        List<WindowMetrics> rows = f.metrics.readValuesToList();
        assertThat(rows).hasSize(2);
        WindowMetrics w1 = rows.get(0);
        Outcomes truth1 = new Outcomes(MODELS, first.s(), first.c());
        assertThat(w1.getPool()).isEqualTo(TopologyFixture.POOL);
        assertThat(w1.getRouter()).isEqualTo("knn-10");
        assertThat(w1.getWindowStart().toEpochMilli()).isZero();
        assertThat(w1.getN()).isEqualTo(30);
        assertThat(w1.getShadowQueries()).isEqualTo(30);
        assertThat(w1.getOutcomes()).isEqualTo(90);
        assertThat(w1.getAuc())
                .isEqualTo(ParetoAuc.auc(truth1, new Predictions(first.sh(), first.ch())));
        assertThat(w1.getOracleAuc()).isEqualTo(ParetoAuc.oracle(truth1));
        assertThat(w1.getRandomAuc()).isEqualTo(ParetoAuc.random(truth1));
        assertThat(w1.getGlobalTrendAuc()).as("no earlier window, no trend").isNull();
        assertThat(w1.getMeanScore())
                .isCloseTo(meanChosen(first.s(), first.chosen()), within(1e-12));
        assertThat(w1.getMeanCost())
                .isCloseTo(meanChosen(first.c(), first.chosen()), within(1e-12));
        assertThat(w1.getMae()).isCloseTo(meanAbs(first.sh(), first.s()), within(1e-12));
        assertThat(w1.getMaeCost()).isCloseTo(meanAbs(first.ch(), first.c()), within(1e-12));
        assertThat(w1.getDrift()).as("the first window is the reference").isNull();
        assertThat(w1.getSpend())
                .as("every outcome paid, over the window's queries")
                .isCloseTo(sum(first.c()) / 30, within(1e-12));
        assertThat(w1.getLambda()).isZero();
        assertThat(w1.getBudget()).isNull();

        // The second window's global trend is the per-model mean of the first window's outcomes.
        WindowMetrics w2 = rows.get(1);
        Outcomes truth2 = new Outcomes(MODELS, second.s(), second.c());
        double[][] ts = new double[25][3];
        double[][] tc = new double[25][3];
        for (int m = 0; m < 3; m++) {
            double meanS = column(first.s(), m);
            double meanC = column(first.c(), m);
            for (int i = 0; i < 25; i++) {
                ts[i][m] = meanS;
                tc[i][m] = meanC;
            }
        }
        assertThat(w2.getGlobalTrendAuc())
                .isEqualTo(ParetoAuc.auc(truth2, new Predictions(ts, tc)));
        assertThat(w2.getTrend()).containsOnlyKeys(MODELS);
        assertThat(w2.getTrend().get("b").getScore()).isEqualTo(column(first.s(), 1));
        assertThat(w2.getTrend().get("c").getCost()).isEqualTo(column(first.c(), 2));
        assertThat(w2.getDrift()).isZero();
        assertThat(w2.getEmbeddingShift()).isCloseTo(0, within(1e-3));
        assertThat(f.alerts.isEmpty()).as("same traffic, no alert").isTrue();
    }

    @Test
    void aPacedPoolsWindowCarriesItsMeanLambdaItsSpendAndItsBudget() {
        f.spendTarget = 0.002;
        for (int i = 0; i < 4; i++) {
            String id = "paced-" + i;
            long ts = 1_000 + i * 100L;
            f.query(id, ts, 1, 0, 0, 0);
            f.lambda = 40 + 10 * i;
            f.decision(id, ts, "a", 0.0, Map.of("a", new double[] {0.5, 0.001}));
            f.outcome(id, "a", 1, 0.001 * (i + 1), ts + 10);
        }
        f.spendTarget = null;
        f.lambda = 0;
        closeWindowsBefore(3 * WINDOW);
        WindowMetrics w = f.metrics.readValuesToList().get(0);
        assertThat(w.getLambda()).isCloseTo(55, within(1e-12));
        assertThat(w.getSpend()).isCloseTo(0.0025, within(1e-15));
        assertThat(w.getBudget()).isEqualTo(0.002);
    }

    @Test
    void aWindowSaysWhichModelsGotTheTrafficAndTheMoney() {
        // Three queries choose a, one chooses b; every query's chosen model answers, and query 0
        // also has an explored answer from c.
        String[] chosen = {"a", "a", "b", "a"};
        for (int i = 0; i < chosen.length; i++) {
            String id = "traffic-" + i;
            long ts = 1_000 + i * 100L;
            f.query(id, ts, 1, 0, 0, 0);
            Map<String, double[]> predicted = new TreeMap<>();
            for (String m : List.of("a", "b", "c")) {
                predicted.put(m, new double[] {0.5, 0.001});
            }
            f.decision(id, ts, chosen[i], 0.0, predicted);
            f.outcome(id, chosen[i], 1, 0.001 * (i + 1), ts + 10);
        }
        f.outcome("traffic-0", "c", 0, 0.01, 1_020);
        closeWindowsBefore(3 * WINDOW);
        WindowMetrics w = f.metrics.readValuesToList().get(0);
        assertThat(w.getDecisionsByModel())
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", 3L, "b", 1L));
        assertThat(w.getSpendByModel().get("a")).isCloseTo(0.001 + 0.002 + 0.004, within(1e-15));
        assertThat(w.getSpendByModel().get("b")).isCloseTo(0.003, within(1e-15));
        assertThat(w.getSpendByModel().get("c")).isCloseTo(0.01, within(1e-15));
        assertThat(w.getSpendByModel()).hasSize(3);
    }

    @Test
    void anUnratedAnswerCountsTowardTheSpendOnceAndTowardQualityOnlyWhenRated() {
        for (int i = 0; i < 2; i++) {
            String id = "unrated-" + i;
            long ts = 1_000 + i * 100L;
            f.query(id, ts, 1, 0, 0, 0);
            f.decision(id, ts, "a", 0.0, Map.of("a", new double[] {0.5, 0.001}));
            f.costOnly(id, "a", 0.002 * (i + 1), ts + 10);
        }
        f.outcome("unrated-0", "a", 1, 0.002, 1_050); // rated; the other never is
        closeWindowsBefore(3 * WINDOW);
        WindowMetrics w = f.metrics.readValuesToList().get(0);
        assertThat(w.getSpend()).isCloseTo((0.002 + 0.004) / 2, within(1e-15));
        assertThat(w.getSpendByModel().get("a")).isCloseTo(0.006, within(1e-15));
        assertThat(w.getOutcomes()).isEqualTo(1);
        assertThat(w.getMeanScore()).isEqualTo(1.0);
        assertThat(w.getMeanCost()).isCloseTo(0.002, within(1e-15));
        assertThat(w.getTrend()).isEmpty(); // the first window's trend has no earlier windows
    }

    @Test
    void anExploredQueryCountsByItsInversePropensity() {
        SplittableRandom random = new SplittableRandom(13);
        double[] probabilities = new double[30];
        double[] weights = new double[30];
        for (int i = 0; i < 30; i++) {
            probabilities[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 0.25 : 0.1;
            weights[i] = probabilities[i] == 0 ? 1 : 1 / probabilities[i];
        }
        Window w = shadowWindow(0, 30, random, new float[] {1, 0, 0, 0}, 0.0, probabilities);
        closeWindowsBefore(2 * WINDOW);

        WindowMetrics m = f.metrics.readValuesToList().get(0);
        Outcomes truth = new Outcomes(MODELS, w.s(), w.c());
        Predictions predictions = new Predictions(w.sh(), w.ch());
        assertThat(m.getShadowQueries()).isEqualTo(30);
        assertThat(m.getAuc()).isEqualTo(ParetoAuc.auc(truth, predictions, weights));
        assertThat(m.getAuc()).isNotEqualTo(ParetoAuc.auc(truth, predictions));
        assertThat(m.getOracleAuc()).isEqualTo(ParetoAuc.oracle(truth, weights));
        assertThat(m.getRandomAuc()).isEqualTo(ParetoAuc.random(truth, weights));
    }

    @Test
    void theTrendWeighsExploredOutcomesByTheirInversePropensityAndForgetsOldWindows() {
        // Window 1: on even queries "a" is chosen and right, and "b" is explored (p 0.25) and
        // wrong; on odd ones "b" is chosen and right. Window 2: "a" chosen and wrong throughout.
        for (int w = 0; w < 2; w++) {
            for (int i = 0; i < 10; i++) {
                String id = "t" + w + "-" + i;
                long ts = w * WINDOW + 1_000 + i * 100L;
                boolean toB = w == 0 && i % 2 == 1;
                boolean explored = w == 0 && !toB;
                f.query(id, ts, 1, 0, 0, 0);
                f.decision(
                        id,
                        ts,
                        toB ? "b" : "a",
                        0.0,
                        Map.of("a", new double[] {0.9, 1}, "b", new double[] {0.5, 1}),
                        explored ? 0.25 : 0);
                if (toB) {
                    f.outcome(id, "b", 1, 1, ts + 100);
                } else {
                    f.outcome(id, "a", w == 0 ? 1 : 0, 1, ts + 100);
                }
                if (explored) {
                    f.outcome(id, "b", 0, 1, ts + 200);
                }
            }
        }
        closeWindowsBefore(3 * WINDOW);
        closeWindowsBefore(5 * WINDOW);
        List<WindowMetrics> rows = f.metrics.readValuesToList();
        // b where it was chosen scored 1, where explored 0: the plain mean says 0.5, the
        // inverse-propensity mean (5·1 + 5·4·0) / (5 + 20) = 0.2.
        assertThat(rows.get(1).getTrend().get("b").getScore()).isCloseTo(0.2, within(1e-12));
        // The third window (the first tick's) sees a's window-1 outcomes carried by 2^(−1/10) and
        // window 2's in full: c·5·1 / (c·5 + 10).
        double c = Math.pow(0.5, 0.1);
        assertThat(rows.get(2).getTrend().get("a").getScore())
                .isCloseTo(c * 5 / (c * 5 + 10), within(1e-12));
    }

    @Test
    void aShiftRaisesDriftAndOodAlertsAgainstTheReferenceWindow() throws Exception {
        SplittableRandom random = new SplittableRandom(12);
        Window w0 = shadowWindow(0, 20, random, new float[] {1, 0, 0, 0}, 0.2);
        Window w1 = shadowWindow(WINDOW, 20, random, new float[] {1, 0, 0, 0}, 0.3);
        Window w2 = shadowWindow(2 * WINDOW, 20, random, new float[] {0, 1, 0, 0}, 5.0);
        closeWindowsBefore(4 * WINDOW);
        closeWindowsBefore(6 * WINDOW);

        List<WindowMetrics> rows = f.metrics.readValuesToList();
        assertThat(rows).hasSize(4);
        // The drift window ages the trend by four windows at once: the next window's trend of a
        // is (c⁴·(c·Σ₀ + Σ₁) + Σ₂) / (c⁴·(c·20 + 20) + 20), c = 2^(−1/10).
        double c = Math.pow(0.5, 0.1);
        double c4 = Math.pow(c, 4);
        double sum0 = column(w0.s(), 0) * 20;
        double sum1 = column(w1.s(), 0) * 20;
        double sum2 = column(w2.s(), 0) * 20;
        assertThat(rows.get(3).getTrend().get("a").getScore())
                .isCloseTo(
                        (c4 * (c * sum0 + sum1) + sum2) / (c4 * (c * 20 + 20) + 20), within(1e-12));
        assertThat(rows.get(1).getDrift()).isZero();
        assertThat(rows.get(2).getOodShare()).isEqualTo(1.0);
        long[] reference = new long[Drift.OOD_BINS];
        reference[Drift.oodBin(0.2)] = 20;
        long[] shifted = new long[Drift.OOD_BINS];
        shifted[Drift.oodBin(5.0)] = 20;
        assertThat(rows.get(2).getDrift()).isEqualTo(Drift.psi(reference, shifted));
        assertThat(rows.get(2).getEmbeddingShift()).isGreaterThan(0.9);
        assertThat(rows.get(2).getDrifted()).isTrue();
        assertThat(rows.get(1).getDrifted()).isFalse();

        List<Alert> alerts = f.alerts.readValuesToList();
        assertThat(alerts)
                .extracting(Alert::getKind)
                .containsExactlyInAnyOrder("drift-psi", "embedding-shift", "ood-share/knn-10");
        assertThat(alerts)
                .allSatisfy(
                        a -> assertThat(a.getWindowStart().toEpochMilli()).isEqualTo(2 * WINDOW));
        // Read back from the topic into the store the API serves.
        assertThat(f.storedAlerts()).containsExactlyInAnyOrderElementsOf(alerts);
    }

    @Test
    void aLastingShiftBecomesTheReferenceAfterThreeDriftedWindowsInARow() {
        SplittableRandom random = new SplittableRandom(13);
        float[] before = {1, 0, 0, 0};
        float[] after = {0, 1, 0, 0};
        List<Window> windows = new java.util.ArrayList<>();
        windows.add(shadowWindow(0, 20, random, before, 0.2)); // the reference
        windows.add(shadowWindow(WINDOW, 20, random, after, 5.0)); // drifted 1
        windows.add(shadowWindow(2 * WINDOW, 20, random, before, 0.2)); // back: count again
        for (int w = 3; w <= 6; w++) {
            // drifted 1, 2, 3, then the new normal
            windows.add(shadowWindow(w * WINDOW, 20, random, after, 5.0));
        }
        closeWindowsBefore(8 * WINDOW);
        closeWindowsBefore(10 * WINDOW);

        List<WindowMetrics> rows = f.metrics.readValuesToList();
        assertThat(rows).hasSize(8);
        List<Alert> alerts = f.alerts.readValuesToList();
        Map<Long, List<String>> kinds = new TreeMap<>();
        for (Alert a : alerts) {
            if (!a.getKind().startsWith("ood-share/")) {
                kinds.computeIfAbsent(
                                a.getWindowStart().toEpochMilli() / WINDOW,
                                w -> new java.util.ArrayList<>())
                        .add(a.getKind());
            }
        }
        assertThat(kinds)
                .containsOnlyKeys(1L, 3L, 4L, 5L)
                .containsEntry(1L, List.of("drift-psi", "embedding-shift"))
                .containsEntry(4L, List.of("drift-psi", "embedding-shift"))
                .containsEntry(5L, List.of("drift-psi", "embedding-shift", "drift-rebased"));
        // Window 6 is measured against windows 3–5: the same direction and OOD scores.
        assertThat(rows.get(6).getDrift()).isZero();
        assertThat(rows.get(6).getEmbeddingShift()).isLessThan(0.01);
        // Only the drifted windows 1, 3, 4 and 5 aged the trend four times as fast; window 6 by
        // one window again.
        double c = Math.pow(0.5, 0.1);
        double sum = 0;
        double weight = 0;
        for (int w = 0; w <= 6; w++) {
            double carry = w == 1 || (w >= 3 && w <= 5) ? Math.pow(c, 4) : c;
            sum = (w == 0 ? 0 : carry * sum) + column(windows.get(w).s(), 0) * 20;
            weight = (w == 0 ? 0 : carry * weight) + 20;
        }
        assertThat(rows.get(7).getTrend().get("a").getScore())
                .isCloseTo(sum / weight, within(1e-12));
        Alert rebased =
                alerts.stream()
                        .filter(a -> a.getKind().equals("drift-rebased"))
                        .findFirst()
                        .orElseThrow();
        assertThat(rebased.getValue()).isEqualTo(3.0);
    }

    @Test
    void aChallengerIsMeasuredOnTheSameShadowQueriesAsTheRouterThatDecided() {
        SplittableRandom random = new SplittableRandom(14);
        List<ShadowRow> challengerRows = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = "c" + i;
            long ts = 1_000 + i * 100L;
            f.query(id, ts, 1, 0, 0, 0);
            Map<String, double[]> challenger = new TreeMap<>();
            Map<String, double[]> observed = new TreeMap<>();
            for (String m : List.of("a", "b")) {
                challenger.put(m, new double[] {random.nextDouble(), 1 + random.nextDouble()});
                observed.put(m, new double[] {random.nextInt(2), 1 + random.nextDouble()});
            }
            // The last query is never fully observed: neither side counts it.
            if (i < 11) {
                challengerRows.add(new ShadowRow(challenger, observed));
            }
            f.challengers = Map.of("knn-10@trained-trend", challenger);
            f.decision(
                    id,
                    ts,
                    "a",
                    0.0,
                    Map.of("a", new double[] {0.9, 1.5}, "b", new double[] {0.1, 1.5}));
            f.outcome(id, "a", observed.get("a")[0], observed.get("a")[1], ts + 100);
            if (i < 11) {
                f.outcome(id, "b", observed.get("b")[0], observed.get("b")[1], ts + 200);
            }
        }
        f.challengers = Map.of();
        closeWindowsBefore(2 * WINDOW);
        List<WindowMetrics> rows = f.metrics.readValuesToList();
        WindowMetrics router =
                rows.stream().filter(w -> w.getRouter().equals("knn-10")).findFirst().orElseThrow();
        WindowMetrics challenger =
                rows.stream()
                        .filter(w -> w.getRouter().equals("knn-10@trained-trend"))
                        .findFirst()
                        .orElseThrow();
        assertThat(router.getN()).isEqualTo(12);
        assertThat(router.getShadowQueries()).isEqualTo(11);
        assertThat(challenger.getN()).as("it decided nothing").isZero();
        assertThat(challenger.getShadowQueries()).isEqualTo(11);
        assertThat(challenger.getAuc()).isEqualTo(WindowQuality.of(challengerRows, Map.of()).auc());
        assertThat(challenger.getAuc()).isNotEqualTo(router.getAuc());
    }

    private static double meanChosen(double[][] values, int[] chosen) {
        double sum = 0;
        for (int i = 0; i < chosen.length; i++) {
            sum += values[i][chosen[i]];
        }
        return sum / chosen.length;
    }

    private static double meanAbs(double[][] a, double[][] b) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            for (int m = 0; m < a[i].length; m++) {
                sum += Math.abs(a[i][m] - b[i][m]);
                n++;
            }
        }
        return sum / n;
    }

    private static double column(double[][] values, int m) {
        double sum = 0;
        for (double[] row : values) {
            sum += row[m];
        }
        return sum / values.length;
    }

    private static double sum(double[][] x) {
        double total = 0;
        for (double[] row : x) {
            for (double v : row) {
                total += v;
            }
        }
        return total;
    }
}

package dev.pointsman.core.eval;

import dev.pointsman.core.eval.EvalReport.DatasetResult;
import dev.pointsman.core.eval.EvalReport.PlotData;
import dev.pointsman.core.eval.EvalReport.RowResult;
import dev.pointsman.core.route.GlobalTrend;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import dev.pointsman.core.route.RouterTrainer;
import dev.pointsman.core.route.Routers;
import dev.pointsman.core.route.TrainingSet;
import dev.pointsman.core.route.UtilityPredictor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs routers over seeded splits and scores them as shared/EVALUATION.md says. Data without fixed
 * splits is evaluated per dataset (each has its own 70/10/20 split and support set); data with
 * fixed train/test/ood splits trains once per seed on every train row and reports each dataset's
 * test or out-of-distribution rows separately.
 */
public final class Evaluation {

    /** Observes progress and receives every test prediction. */
    public interface Listener {
        /** Called once per trained router; {@code done} counts up to {@code total}. */
        default void onRouterDone(String dataset, String router, int seed, int done, int total) {}

        /** Every router's predictions for one test set and seed, rows as in {@code ids}. */
        default void onPredictions(
                String dataset,
                String router,
                int seed,
                List<String> ids,
                Predictions predictions) {}
    }

    private final List<String> routerNames;
    private final int seeds;
    private final Listener listener;

    /**
     * @param routerNames routers to run; {@code global-trend} is always computed as a reference row
     */
    public Evaluation(List<String> routerNames, int seeds, Listener listener) {
        if (seeds <= 0) {
            throw new IllegalArgumentException("seeds must be > 0, got " + seeds);
        }
        routerNames.forEach(Routers::byName); // fail on an unknown name before any work
        this.routerNames =
                routerNames.stream()
                        .filter(r -> !r.equals(EvalReport.GLOBAL_TREND))
                        .distinct()
                        .toList();
        this.seeds = seeds;
        this.listener = listener;
    }

    public EvalReport run(EvalData data) {
        List<String> rows =
                new ArrayList<>(
                        List.of(EvalReport.ORACLE, EvalReport.RANDOM, EvalReport.GLOBAL_TREND));
        rows.addAll(routerNames);
        Map<String, Accumulator> results = new LinkedHashMap<>();
        int total =
                seeds
                        * routerNames.size()
                        * (data.hasFixedSplits() ? 1 : distinct(data.datasets()).size());
        int[] done = {0};
        if (data.hasFixedSplits()) {
            for (int seed = 0; seed < seeds; seed++) {
                Splits.Split split = Splits.fixed(data.splits(), seed);
                Map<String, Predictions> predictions =
                        trainAndPredict(data, split, seed, "all", done, total);
                Map<String, List<Integer>> byDataset = new LinkedHashMap<>();
                for (int t = 0; t < split.test().length; t++) {
                    byDataset
                            .computeIfAbsent(
                                    data.datasets().get(split.test()[t]), k -> new ArrayList<>())
                            .add(t);
                }
                for (var entry : byDataset.entrySet()) {
                    int[] local = entry.getValue().stream().mapToInt(Integer::intValue).toArray();
                    int[] global = new int[local.length];
                    for (int i = 0; i < local.length; i++) {
                        global[i] = split.test()[local[i]];
                    }
                    String dataset = entry.getKey();
                    Map<String, Predictions> subset = new LinkedHashMap<>();
                    predictions.forEach((router, p) -> subset.put(router, p.select(local)));
                    String kind = data.splits().get(global[0]);
                    score(results, dataset, kind, data, global, subset, seed);
                }
            }
        } else {
            for (String dataset : distinct(data.datasets())) {
                int[] members = indicesOf(data.datasets(), dataset);
                for (int seed = 0; seed < seeds; seed++) {
                    Splits.Split local = Splits.random(members, seed);
                    Map<String, Predictions> predictions =
                            trainAndPredict(data, local, seed, dataset, done, total);
                    score(results, dataset, null, data, local.test(), predictions, seed);
                }
            }
        }
        Map<String, DatasetResult> datasets = new LinkedHashMap<>();
        results.forEach((name, acc) -> datasets.put(name, acc.finish(rows)));
        return new EvalReport(
                RoutingQuality.metricName(data.outcomes().hasCosts()),
                data.outcomes().models(),
                rows,
                datasets);
    }

    private Map<String, Predictions> trainAndPredict(
            EvalData data, Splits.Split split, int seed, String label, int[] done, int total) {
        TrainingSet train = data.trainingSet(split.train());
        TrainingSet validation = data.trainingSet(split.validation());
        var testVectors = data.vectors().select(split.test());
        Map<String, Predictions> out = new LinkedHashMap<>();
        out.put(EvalReport.GLOBAL_TREND, GlobalTrend.fit(train.outcomes()).predictAll(testVectors));
        for (String name : routerNames) {
            RouterTrainer trainer = Routers.byName(name);
            UtilityPredictor predictor = trainer.fit(train, validation, seed);
            out.put(name, predictor.predictAll(testVectors));
            listener.onRouterDone(label, name, seed, ++done[0], total);
        }
        return out;
    }

    private void score(
            Map<String, Accumulator> results,
            String dataset,
            @Nullable String kind,
            EvalData data,
            int[] testRows,
            Map<String, Predictions> predictions,
            int seed) {
        Outcomes truth = data.outcomes().select(testRows);
        List<String> ids = new ArrayList<>();
        for (int row : testRows) {
            ids.add(data.ids().get(row));
        }
        Accumulator acc =
                results.computeIfAbsent(
                        dataset, k -> new Accumulator(k, kind, testRows.length, seeds));
        boolean costs = truth.hasCosts();
        double oracle =
                costs
                        ? ParetoAuc.oracle(truth)
                        : 100
                                * ParetoAuc.accuracyAtZero(
                                        truth, new Predictions(truth.scores(), null));
        double random = costs ? ParetoAuc.random(truth) : 100 * meanOfAll(truth.scores());
        double trend = RoutingQuality.of(truth, predictions.get(EvalReport.GLOBAL_TREND));
        acc.add(EvalReport.ORACLE, seed, oracle, oracle, random, trend);
        acc.add(EvalReport.RANDOM, seed, random, oracle, random, trend);
        for (var entry : predictions.entrySet()) {
            listener.onPredictions(dataset, entry.getKey(), seed, ids, entry.getValue());
            double quality =
                    entry.getKey().equals(EvalReport.GLOBAL_TREND)
                            ? trend
                            : RoutingQuality.of(truth, entry.getValue());
            acc.add(entry.getKey(), seed, quality, oracle, random, trend);
        }
        if (seed == 0 && costs) {
            Map<String, List<ParetoAuc.Point>> frontiers = new LinkedHashMap<>();
            frontiers.put(
                    EvalReport.ORACLE,
                    ParetoAuc.frontier(
                            ParetoAuc.sweep(
                                    truth, new Predictions(truth.scores(), truth.costs()))));
            predictions.forEach(
                    (router, p) ->
                            frontiers.put(router, ParetoAuc.frontier(ParetoAuc.sweep(truth, p))));
            Map<String, ParetoAuc.Point> models = new LinkedHashMap<>();
            List<ParetoAuc.Point> points = ParetoAuc.modelPoints(truth);
            for (int m = 0; m < points.size(); m++) {
                models.put(truth.models().get(m), points.get(m));
            }
            acc.plot = new PlotData(frontiers, models, ParetoAuc.randomPoint(truth));
        }
    }

    private static double meanOfAll(double[][] rows) {
        double sum = 0;
        long n = 0;
        for (double[] row : rows) {
            for (double v : row) {
                sum += v;
                n++;
            }
        }
        return sum / n;
    }

    private static List<String> distinct(List<String> values) {
        return values.stream().distinct().toList();
    }

    private static int[] indicesOf(List<String> values, String value) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).equals(value)) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Per-dataset, per-row, per-seed values while seeds run. */
    private static final class Accumulator {
        final String name;
        final @Nullable String kind;
        final int nTest;
        final int seeds;
        final Map<String, double[][]> values = new LinkedHashMap<>();
        @Nullable PlotData plot;

        Accumulator(String name, @Nullable String kind, int nTest, int seeds) {
            this.name = name;
            this.kind = kind;
            this.nTest = nTest;
            this.seeds = seeds;
        }

        void add(String row, int seed, double quality, double oracle, double random, double trend) {
            double[][] v = values.computeIfAbsent(row, k -> new double[3][seeds]);
            v[0][seed] = quality;
            v[1][seed] = oracle == random ? 0 : (quality - random) / (oracle - random);
            v[2][seed] = quality - trend;
        }

        DatasetResult finish(List<String> order) {
            Map<String, RowResult> rows = new LinkedHashMap<>();
            for (String row : order) {
                double[][] v = values.get(row);
                rows.put(row, new RowResult(v[0], v[1], v[2]));
            }
            return new DatasetResult(name, kind, nTest, rows, plot);
        }
    }
}

package dev.pointsman.core.eval;

import dev.pointsman.core.route.GlobalTrend;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import dev.pointsman.core.route.RouterTrainer;
import dev.pointsman.core.route.Routers;
import dev.pointsman.core.route.TrainingSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Lift over the global trend as the support set grows: the claim an online router lives by. Per
 * seed the in-distribution rows (every row, or those of a file's train and test splits, not its ood
 * rows) are split 70/10/20 together, as the mixed traffic of one live pool, the training rows are
 * shuffled once, and each size n fits every router on the first n of them, with the first n/7 of
 * the (shuffled) validation rows to tune on, as a pool that has seen n examples would. A size above
 * the training rows is replaced by all of them (the largest point). The trend is fitted on the same
 * n rows, and both are scored on the same test rows, so the lift at each size compares like with
 * like. The sizes are nested, so the curve shows what more data buys.
 */
public final class LearningCurve {
    /** One point: a router's quality, the trend's and the lift at one support size, per seed. */
    public record Point(String router, int size, double[] quality, double[] trend, double[] lift) {
        public double meanLift() {
            return SeedStats.mean(lift);
        }

        public double stdLift() {
            return SeedStats.std(lift);
        }

        public double meanQuality() {
            return SeedStats.mean(quality);
        }

        public double meanTrend() {
            return SeedStats.mean(trend);
        }
    }

    private final List<String> routers;
    private final int seeds;

    public LearningCurve(List<String> routers, int seeds) {
        if (seeds <= 0) {
            throw new IllegalArgumentException("seeds must be > 0, got " + seeds);
        }
        routers.forEach(Routers::byName);
        this.routers = List.copyOf(routers);
        this.seeds = seeds;
    }

    /**
     * @param sizes support sizes; one above the training rows means all of them
     * @param progress called after each fitted router
     */
    public List<Point> run(EvalData data, int[] sizes, IntConsumer progress) {
        int[] usable = usableSizes(data, sizes);
        Map<String, double[][]> quality = new LinkedHashMap<>();
        double[][] trend = new double[usable.length][seeds];
        for (String r : routers) {
            quality.put(r, new double[usable.length][seeds]);
        }
        int done = 0;
        for (int seed = 0; seed < seeds; seed++) {
            Splits.Split split = split(data, seed);
            int[] train = Splits.shuffled(split.train(), seed);
            int[] validation = Splits.shuffled(split.validation(), seed + 1_000_003L);
            Outcomes truth = data.outcomes().select(split.test());
            var testVectors = data.vectors().select(split.test());
            for (int s = 0; s < usable.length; s++) {
                int n = usable[s];
                TrainingSet fit = data.trainingSet(Arrays.copyOf(train, n));
                int v = Math.min(validation.length, Math.max(10, n / 7));
                TrainingSet tune = data.trainingSet(Arrays.copyOf(validation, v));
                Predictions trendPredictions =
                        GlobalTrend.fit(fit.outcomes()).predictAll(testVectors);
                trend[s][seed] = RoutingQuality.of(truth, trendPredictions);
                for (String r : routers) {
                    RouterTrainer trainer = Routers.byName(r);
                    Predictions p = trainer.fit(fit, tune, seed).predictAll(testVectors);
                    quality.get(r)[s][seed] = RoutingQuality.of(truth, p);
                    progress.accept(++done);
                }
            }
        }
        List<Point> out = new ArrayList<>();
        for (String r : routers) {
            for (int s = 0; s < usable.length; s++) {
                double[] q = quality.get(r)[s];
                double[] lift = new double[seeds];
                for (int i = 0; i < seeds; i++) {
                    lift[i] = q[i] - trend[s][i];
                }
                out.add(new Point(r, usable[s], q, trend[s], lift));
            }
        }
        return out;
    }

    /** Fits to run: routers × usable sizes × seeds. */
    public int work(EvalData data, int[] sizes) {
        return routers.size() * usableSizes(data, sizes).length * seeds;
    }

    /** The sizes that fit in every seed's training split (the split sizes do not vary by seed). */
    static int[] usableSizes(EvalData data, int[] sizes) {
        int available = split(data, 0).train().length;
        if (Arrays.stream(sizes).anyMatch(n -> n <= 0)) {
            throw new IllegalArgumentException("sizes must be > 0: " + Arrays.toString(sizes));
        }
        return Arrays.stream(sizes).map(n -> Math.min(n, available)).distinct().sorted().toArray();
    }

    private static Splits.Split split(EvalData data, int seed) {
        int[] rows =
                IntStream.range(0, data.size())
                        .filter(i -> !"ood".equals(data.splits().get(i)))
                        .toArray();
        return Splits.random(rows, seed);
    }
}

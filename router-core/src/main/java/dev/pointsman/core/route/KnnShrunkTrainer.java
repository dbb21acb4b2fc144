package dev.pointsman.core.route;

import dev.pointsman.core.eval.RoutingQuality;
import dev.pointsman.core.knn.ExactKnn;
import dev.pointsman.core.knn.Neighbour;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * {@code knn-shrunk}: the uniform kNN estimate shrunk toward the global trend. k and the prior
 * strength α are chosen together on the validation split by routing quality (Pareto-AUC, or
 * accuracy without costs); the first best pair in grid order wins, so the choice is repeatable. A
 * live window of partly observed examples is fitted by {@link #fitLeaveOneOut} instead.
 */
public final class KnnShrunkTrainer implements RouterTrainer {
    static final int[] K_GRID = {5, 10, 20, 50, 100, 200};
    static final double[] ALPHA_GRID = {0, 1, 2, 5, 10, 20, 50, 100};

    /** Kernel temperatures {@code knn-kernel} tries, infinite (uniform weights) first. */
    static final double[] TEMPERATURE_GRID = {Double.POSITIVE_INFINITY, 0.2, 0.1, 0.05, 0.02};

    private static final double[] UNIFORM = {Double.POSITIVE_INFINITY};

    private final int[] kGrid;
    private final double[] temperatureGrid;
    private int chosenK;
    private double chosenAlpha;
    private double chosenTemperature = Double.POSITIVE_INFINITY;
    private @Nullable KnnShrinkage shrinkage;

    public KnnShrunkTrainer() {
        this(Integer.MAX_VALUE);
    }

    /**
     * A trainer that considers no k above {@code kLimit}: for a router that only ever finds that
     * many neighbours (the streaming job's --k).
     */
    public KnnShrunkTrainer(int kLimit) {
        this(kLimit, false);
    }

    /**
     * {@code knn-kernel} when {@code kernel}: the neighbours also weighted by a softmax kernel of
     * their similarity ({@link KnnPredictor#kernelWeights}) whose temperature is chosen with k and
     * α. Only {@link #fit} tries temperatures; {@link #fitLeaveOneOut} keeps uniform weights.
     */
    public KnnShrunkTrainer(int kLimit, boolean kernel) {
        this.temperatureGrid = kernel ? TEMPERATURE_GRID : UNIFORM;
        if (kLimit <= 0) {
            throw new IllegalArgumentException("k limit must be > 0, got " + kLimit);
        }
        int[] grid = java.util.Arrays.stream(K_GRID).filter(k -> k <= kLimit).toArray();
        this.kGrid = grid.length > 0 ? grid : new int[] {kLimit};
    }

    @Override
    public String name() {
        return temperatureGrid.length > 1 ? "knn-kernel" : "knn-shrunk";
    }

    @Override
    public UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed) {
        ExactKnn index = new ExactKnn(train.vectors());
        GlobalTrend trend = GlobalTrend.fit(train);
        int maxK = Math.min(kGrid[kGrid.length - 1], train.size());
        Neighbour[][] neighbours = new Neighbour[validation.size()][];
        IntStream.range(0, validation.size())
                .parallel()
                .forEach(i -> neighbours[i] = index.search(validation.vectors().row(i), maxK));
        choose(neighbours, train, trend, validation.outcomes(), null, temperatureGrid);
        shrinkage = new KnnShrinkage(chosenK, chosenAlpha, trend, observed(train.outcomes()));
        return new KnnPredictor(
                index, train.outcomes(), trend, chosenK, false, chosenAlpha, chosenTemperature);
    }

    /**
     * Fits on one window of live examples, most of them observed only for the model that was
     * chosen. The trend is the inverse-propensity mean of every outcome ({@link
     * GlobalTrend#fit(TrainingSet)}). k and α are chosen by leave-one-out routing quality on the
     * examples observed for every model, each weighted by its inverse propensity ({@link
     * TrainingSet#completeRows}): every example stays in the support, and the rare complete ones
     * all serve as validation without a split that would leave a few of them. With fewer than
     * {@value #MIN_COMPLETE} complete examples, k and α minimise the inverse-propensity-weighted
     * squared error of ŝ on every observed outcome instead, leave-one-out as well. At most {@value
     * #MAX_HELD_OUT} examples (a sample drawn with {@code seed}) are held out.
     */
    public KnnShrinkage fitLeaveOneOut(TrainingSet all, long seed) {
        ExactKnn index = new ExactKnn(all.vectors());
        GlobalTrend trend = GlobalTrend.fit(all);
        TrainingSet.Complete complete = all.completeRows();
        boolean byQuality = complete.size() >= MIN_COMPLETE;
        int[] candidates = byQuality ? complete.rows() : IntStream.range(0, all.size()).toArray();
        // At most MAX_HELD_OUT of them, a seeded sample, so a fit stays cheap on a large window.
        int[] pick = sample(candidates.length, MAX_HELD_OUT, seed);
        int[] rows = new int[pick.length];
        double[] weights = new double[pick.length];
        for (int i = 0; i < pick.length; i++) {
            rows[i] = candidates[pick[i]];
            weights[i] = byQuality ? complete.weights()[pick[i]] : 1.0;
        }
        int maxK = Math.min(kGrid[kGrid.length - 1], all.size() - 1);
        Neighbour[][] neighbours = new Neighbour[rows.length][];
        IntStream.range(0, rows.length)
                .parallel()
                .forEach(i -> neighbours[i] = withoutSelf(index, all, rows[i], maxK));
        if (byQuality) {
            choose(neighbours, all, trend, all.outcomes().select(rows), weights, UNIFORM);
        } else {
            chooseBySquaredError(neighbours, all, trend, rows);
        }
        shrinkage = new KnnShrinkage(chosenK, chosenAlpha, trend, observed(all.outcomes()));
        return shrinkage;
    }

    /** Fewest complete examples that choose k and α by routing quality. */
    static final int MIN_COMPLETE = 10;

    /** Most examples held out one at a time in a {@link #fitLeaveOneOut}. */
    static final int MAX_HELD_OUT = 2000;

    /** {@code n} indices when {@code n <= max}, else a seeded sample of {@code max}, ascending. */
    static int[] sample(int n, int max, long seed) {
        int[] all = IntStream.range(0, n).toArray();
        if (n <= max) {
            return all;
        }
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < max; i++) {
            int j = i + random.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] out = java.util.Arrays.copyOf(all, max);
        java.util.Arrays.sort(out);
        return out;
    }

    private static Neighbour[] withoutSelf(ExactKnn index, TrainingSet all, int row, int k) {
        if (k <= 0) {
            return new Neighbour[0];
        }
        Neighbour[] found = index.search(all.vectors().row(row), k + 1);
        Neighbour[] out = new Neighbour[Math.min(k, found.length)];
        int n = 0;
        for (Neighbour nb : found) {
            if (nb.index() != row && n < out.length) {
                out[n++] = nb;
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /**
     * Sets the first (k, α) of the grid with the best routing quality of the estimate from {@code
     * support} over {@code neighbours}, one list per row of {@code truth}, weighted by {@code
     * weights} (null: uniform).
     */
    private void choose(
            Neighbour[][] neighbours,
            TrainingSet support,
            GlobalTrend trend,
            Outcomes truth,
            double @Nullable [] weights,
            double[] temperatures) {
        int models = support.outcomes().modelCount();
        boolean costs = support.outcomes().hasCosts();
        double best = Double.NEGATIVE_INFINITY;
        int bestK = 0;
        double bestAlpha = 0;
        double bestTemperature = Double.POSITIVE_INFINITY;
        for (double temperature : temperatures) {
            double[][] kernel = new double[truth.size()][];
            for (int i = 0; i < truth.size(); i++) {
                kernel[i] =
                        KnnPredictor.kernelWeights(
                                neighbours[i], neighbours[i].length, temperature);
            }
            double quality =
                    searchGrid(
                            support.size(),
                            (k, alpha) -> {
                                double[][] s = new double[truth.size()][models];
                                double[][] c = costs ? new double[truth.size()][models] : null;
                                for (int i = 0; i < truth.size(); i++) {
                                    KnnPredictor.estimateWeighted(
                                            neighbours[i],
                                            kernel[i],
                                            Math.min(k, neighbours[i].length),
                                            support.outcomes(),
                                            support.propensities(),
                                            trend,
                                            alpha,
                                            s[i],
                                            costs ? c[i] : new double[models]);
                                }
                                return RoutingQuality.of(truth, new Predictions(s, c), weights);
                            });
            if (quality > best || bestK == 0) {
                best = quality;
                bestK = chosenK;
                bestAlpha = chosenAlpha;
                bestTemperature = temperature;
            }
        }
        chosenK = bestK;
        chosenAlpha = bestAlpha;
        chosenTemperature = bestTemperature;
    }

    /**
     * Sets the first (k, α) of the grid with the least inverse-propensity-weighted squared error of
     * ŝ against each observed outcome of {@code rows}, the neighbours found without the row.
     */
    private void chooseBySquaredError(
            Neighbour[][] neighbours, TrainingSet support, GlobalTrend trend, int[] rows) {
        int models = support.outcomes().modelCount();
        double[] s = new double[models];
        double[] c = new double[models];
        searchGrid(
                support.size(),
                (k, alpha) -> {
                    double error = 0;
                    for (int i = 0; i < rows.length; i++) {
                        int used = Math.min(k, neighbours[i].length);
                        KnnPredictor.estimateWeighted(
                                neighbours[i],
                                KnnPredictor.kernelWeights(
                                        neighbours[i], used, Double.POSITIVE_INFINITY),
                                used,
                                support.outcomes(),
                                support.propensities(),
                                trend,
                                alpha,
                                s,
                                c);
                        for (int m = 0; m < models; m++) {
                            double truth = support.outcomes().scores()[rows[i]][m];
                            if (!Double.isNaN(truth)) {
                                double d = s[m] - truth;
                                error += d * d / support.propensity(rows[i], m);
                            }
                        }
                    }
                    return -error;
                });
    }

    /** A (k, α) pair's score in {@link #searchGrid}: higher is better. */
    private interface GridScore {
        double of(int k, double alpha);
    }

    /**
     * Sets {@link #chosenK} and {@link #chosenAlpha} to the first pair of the grid, in order, with
     * the highest score, and returns that score; k never above {@code size}, and the grid stops at
     * the first k that reaches it.
     */
    private double searchGrid(int size, GridScore score) {
        double best = Double.NEGATIVE_INFINITY;
        chosenK = Math.min(kGrid[0], size);
        chosenAlpha = 0;
        for (int k : kGrid) {
            int kk = Math.min(k, size);
            for (double alpha : ALPHA_GRID) {
                double quality = score.of(kk, alpha);
                if (quality > best) {
                    best = quality;
                    chosenK = kk;
                    chosenAlpha = alpha;
                }
            }
            if (k >= size) {
                break;
            }
        }
        return best;
    }

    private static boolean[] observed(Outcomes outcomes) {
        boolean[] observed = new boolean[outcomes.modelCount()];
        for (double[] row : outcomes.scores()) {
            for (int m = 0; m < observed.length; m++) {
                observed[m] |= !Double.isNaN(row[m]);
            }
        }
        return observed;
    }

    /** k chosen by the last {@link #fit}. */
    public int chosenK() {
        return chosenK;
    }

    /**
     * What the last {@link #fit} chose, without the index: for a router that finds the neighbours
     * itself.
     */
    public KnnShrinkage shrinkage() {
        if (shrinkage == null) {
            throw new IllegalStateException("not fitted yet");
        }
        return shrinkage;
    }

    /** Kernel temperature chosen by the last {@link #fit}; infinite for uniform weights. */
    public double chosenTemperature() {
        return chosenTemperature;
    }

    /** α chosen by the last {@link #fit}. */
    public double chosenAlpha() {
        return chosenAlpha;
    }
}

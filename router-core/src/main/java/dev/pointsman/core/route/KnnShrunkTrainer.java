package dev.pointsman.core.route;

import dev.pointsman.core.eval.RoutingQuality;
import dev.pointsman.core.knn.ExactKnn;
import dev.pointsman.core.knn.Neighbour;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * knn-ref's α grid: the kNN grid, then stronger priors up to where the neighbours weigh a few
     * percent, since its prior (the reference at the query) is worth trusting more than a trend.
     */
    static final double[] REFERENCE_ALPHA_GRID = {0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

    /**
     * The live step's α grid under a reference prior: the kNN grid, then infinite (the live step
     * off, the estimate the first step's), the hardest shrinkage the one-standard-error rule
     * prefers.
     */
    static final double[] LIVE_ALPHA_GRID = {0, 1, 2, 5, 10, 20, 50, 100, Double.POSITIVE_INFINITY};

    /** Kernel temperatures {@code knn-kernel} tries, infinite (uniform weights) first. */
    static final double[] TEMPERATURE_GRID = {Double.POSITIVE_INFINITY, 0.2, 0.1, 0.05, 0.02};

    private static final double[] UNIFORM = {Double.POSITIVE_INFINITY};

    private final int[] kGrid;
    private final double[] temperatureGrid;
    private final boolean referencePrior;
    private final double[] alphaGrid;
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
        this(kLimit, kernel, false);
    }

    /**
     * {@code knn-ref}: knn-shrunk shrinking each query's estimate toward a reference router's
     * prediction at the query instead of toward the global trend, the offline form of the streaming
     * job's {@code shrink.prior reference}. {@link #fit} fits the reference on the training split
     * ({@link RidgeTrainer#crossValidated}) and chooses k and α with it.
     */
    public static KnnShrunkTrainer withReferencePrior() {
        return new KnnShrunkTrainer(Integer.MAX_VALUE, false, true);
    }

    /** A trainer searching exactly these grids, uniform weights (the live step's choice). */
    private KnnShrunkTrainer(int[] kGrid, double[] alphaGrid) {
        this.kGrid = kGrid;
        this.alphaGrid = alphaGrid;
        this.temperatureGrid = UNIFORM;
        this.referencePrior = false;
    }

    private KnnShrunkTrainer(int kLimit, boolean kernel, boolean referencePrior) {
        this.temperatureGrid = kernel ? TEMPERATURE_GRID : UNIFORM;
        this.referencePrior = referencePrior;
        this.alphaGrid = referencePrior ? REFERENCE_ALPHA_GRID : ALPHA_GRID;
        if (kLimit <= 0) {
            throw new IllegalArgumentException("k limit must be > 0, got " + kLimit);
        }
        int[] grid = java.util.Arrays.stream(K_GRID).filter(k -> k <= kLimit).toArray();
        this.kGrid = grid.length > 0 ? grid : new int[] {kLimit};
    }

    @Override
    public String name() {
        return referencePrior
                ? "knn-ref"
                : temperatureGrid.length > 1 ? "knn-kernel" : "knn-shrunk";
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
        LinearPredictor reference =
                referencePrior ? RidgeTrainer.crossValidated(train, seed) : null;
        GlobalTrend[] priors = new GlobalTrend[validation.size()];
        for (int i = 0; i < priors.length; i++) {
            priors[i] =
                    reference == null
                            ? trend
                            : KnnShrinkage.referencePrior(
                                    reference,
                                    validation.vectors().row(i),
                                    train.outcomes().hasCosts());
        }
        choose(neighbours, train, priors, validation.outcomes(), null, temperatureGrid);
        shrinkage = new KnnShrinkage(chosenK, chosenAlpha, trend, observed(train.outcomes()));
        if (reference != null) {
            shrinkage = shrinkage.withReference(reference);
        }
        return new KnnPredictor(
                index,
                train.outcomes(),
                trend,
                chosenK,
                false,
                chosenAlpha,
                chosenTemperature,
                reference);
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
            GlobalTrend[] priors = new GlobalTrend[rows.length];
            java.util.Arrays.fill(priors, trend);
            choose(neighbours, all, priors, all.outcomes().select(rows), weights, UNIFORM);
        } else {
            chooseBySquaredError(neighbours, all, trend, rows);
        }
        shrinkage = new KnnShrinkage(chosenK, chosenAlpha, trend, observed(all.outcomes()));
        return shrinkage;
    }

    /** Fewest examples observed for every model with certainty that a reference is fitted on. */
    public static final int MIN_REFERENCE = 100;

    /** The examples observed for every model with certainty: complete rows of weight 1. */
    private static int[] referenceRows(TrainingSet all) {
        TrainingSet.Complete complete = all.completeRows();
        return IntStream.range(0, complete.size())
                .filter(i -> complete.weights()[i] == 1.0)
                .map(i -> complete.rows()[i])
                .toArray();
    }

    /**
     * {@code live} (fitted by {@link #fitLeaveOneOut}) with the reference router of {@code
     * shrink.prior reference}, a ridge regression of every model's score and cost ({@link
     * RidgeTrainer#crossValidated}) fitted on the examples observed for every model with certainty,
     * and the k and α of {@link KnnShrinkage#estimateFromReference}'s first step, chosen as {@code
     * knn-ref} chooses them offline: by routing quality with the one-standard-error rule over the
     * reference grid, each reference example held out in turn among the others, from the prior the
     * reference gives it without having seen it (its cross-validation fold's fit). A prior at the
     * query is worth trusting more than one trend, so this step usually takes a larger α than the
     * live step's. {@code live} as it is with fewer than {@value #MIN_REFERENCE} reference
     * examples.
     */
    public KnnShrinkage withFittedReference(KnnShrinkage live, TrainingSet all, long seed) {
        int[] rows = referenceRows(all);
        if (rows.length < MIN_REFERENCE) {
            return live;
        }
        TrainingSet reference = all.select(rows);
        RidgeTrainer.CrossFit fit = RidgeTrainer.crossFitted(reference, seed);
        ExactKnn index = new ExactKnn(reference.vectors());
        int[] held = sample(reference.size(), MAX_HELD_OUT, seed);
        int maxK = Math.min(kGrid[kGrid.length - 1], reference.size() - 1);
        Neighbour[][] neighbours = new Neighbour[held.length][];
        GlobalTrend[] priors = new GlobalTrend[held.length];
        double[][] costs = fit.heldOut().costs();
        for (int i = 0; i < held.length; i++) {
            priors[i] =
                    KnnShrinkage.clippedPrior(
                            fit.heldOut().scores()[held[i]], costs == null ? null : costs[held[i]]);
        }
        IntStream.range(0, held.length)
                .parallel()
                .forEach(i -> neighbours[i] = withoutSelf(index, reference, held[i], maxK));
        KnnShrunkTrainer step = new KnnShrunkTrainer(kGrid[kGrid.length - 1], false, true);
        step.choose(
                neighbours, reference, priors, reference.outcomes().select(held), null, UNIFORM);
        return withChosenLiveStep(
                live.withReference(fit.predictor(), step.chosenK, step.chosenAlpha), all, seed);
    }

    /**
     * {@code referenced} with the k and α of its live step (the second step of {@link
     * KnnShrinkage#estimateFromReference}) chosen on the explored live examples: those observed for
     * every model, some of them with a propensity below 1 (at most {@value #MAX_HELD_OUT}, a seeded
     * sample), each held out in turn among all the others and estimated in both steps exactly as
     * the deciders estimate it, weighted by its inverse propensity, by routing quality with the
     * one-standard-error rule over k and {@link #LIVE_ALPHA_GRID}. Its last α switches the live
     * step off, so where the live neighbours do not measurably improve the routing of the explored
     * queries the pool routes as the router without feedback does: learning from partial feedback
     * has to earn its place. {@code referenced} as it is (the live step {@link #fitLeaveOneOut}
     * chose) with fewer than {@value #MIN_COMPLETE} explored examples.
     */
    KnnShrinkage withChosenLiveStep(KnnShrinkage referenced, TrainingSet all, long seed) {
        double[][] propensities = all.propensities();
        TrainingSet.Complete complete = all.completeRows();
        int[] explored =
                IntStream.range(0, complete.size())
                        .filter(i -> complete.weights()[i] > 1.0)
                        .toArray();
        if (propensities == null || explored.length < MIN_COMPLETE) {
            return referenced;
        }
        int[] pick = sample(explored.length, MAX_HELD_OUT, seed);
        int[] rows = new int[pick.length];
        double[] weights = new double[pick.length];
        for (int i = 0; i < pick.length; i++) {
            rows[i] = complete.rows()[explored[pick[i]]];
            weights[i] = complete.weights()[explored[pick[i]]];
        }
        ExactKnn index = new ExactKnn(all.vectors());
        int found = Math.min(kGrid[kGrid.length - 1], all.size() - 1);
        Neighbour[][] neighbours = new Neighbour[rows.length][];
        IntStream.range(0, rows.length)
                .parallel()
                .forEach(i -> neighbours[i] = withoutSelf(index, all, rows[i], found));
        int models = all.outcomes().modelCount();
        boolean costs = all.outcomes().hasCosts();
        HeldOut heldOut = new HeldOut(all.outcomes().select(rows), weights);
        KnnShrunkTrainer step = new KnnShrunkTrainer(kGrid, LIVE_ALPHA_GRID);
        // With the live step off, k does not enter the estimate: score it once, not once per k.
        double[][] off = {null};
        step.searchGrid(
                all.size(),
                (k, alpha) -> {
                    boolean isOff = alpha == Double.POSITIVE_INFINITY;
                    if (isOff && off[0] != null) {
                        return off[0];
                    }
                    KnnShrinkage candidate = referenced.withLiveStep(k, alpha);
                    double[][] s = new double[rows.length][models];
                    double[][] c = costs ? new double[rows.length][models] : null;
                    for (int i = 0; i < rows.length; i++) {
                        candidate.estimateFromReference(
                                all.vectors().row(rows[i]),
                                neighbours[i],
                                null,
                                neighbours[i].length,
                                all.outcomes(),
                                propensities,
                                propensities,
                                1.0,
                                s[i],
                                costs ? c[i] : new double[models]);
                    }
                    double[] q = heldOut.quality(new Predictions(s, c));
                    if (isOff) {
                        off[0] = q;
                    }
                    return q;
                });
        return referenced.withLiveStep(step.chosenK, step.chosenAlpha);
    }

    /**
     * Held-out rows' outcomes and weights (null: uniform), dealt into {@link #folds}: a grid pair's
     * routing quality on all of them, then on each fold, for {@link #searchGrid}.
     */
    private static final class HeldOut {
        private final Outcomes truth;
        private final double @Nullable [] weights;
        private final int[][] folds;
        private final Outcomes[] foldTruth;
        private final double[][] foldWeights;

        HeldOut(Outcomes truth, double @Nullable [] weights) {
            this.truth = truth;
            this.weights = weights;
            this.folds = folds(truth.size());
            this.foldTruth = new Outcomes[folds.length];
            this.foldWeights = new double[folds.length][];
            for (int f = 0; f < folds.length; f++) {
                foldTruth[f] = truth.select(folds[f]);
                foldWeights[f] = weights == null ? null : select(weights, folds[f]);
            }
        }

        double[] quality(Predictions p) {
            double[] q = new double[1 + folds.length];
            q[0] = RoutingQuality.of(truth, p, weights);
            for (int f = 0; f < folds.length; f++) {
                q[1 + f] = RoutingQuality.of(foldTruth[f], p.select(folds[f]), foldWeights[f]);
            }
            return q;
        }
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
     * support} over {@code neighbours}, one list and one prior per row of {@code truth}, weighted
     * by {@code weights} (null: uniform).
     */
    private void choose(
            Neighbour[][] neighbours,
            TrainingSet support,
            GlobalTrend[] priors,
            Outcomes truth,
            double @Nullable [] weights,
            double[] temperatures) {
        int models = support.outcomes().modelCount();
        boolean costs = support.outcomes().hasCosts();
        double best = Double.NEGATIVE_INFINITY;
        int bestK = 0;
        double bestAlpha = 0;
        double bestTemperature = Double.POSITIVE_INFINITY;
        HeldOut heldOut = new HeldOut(truth, weights);
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
                                            neighbours[i].length,
                                            k,
                                            support.outcomes(),
                                            support.propensities(),
                                            priors[i],
                                            alpha,
                                            s[i],
                                            costs ? c[i] : new double[models]);
                                }
                                return heldOut.quality(new Predictions(s, c));
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
                        int found = neighbours[i].length;
                        KnnPredictor.estimateWeighted(
                                neighbours[i],
                                KnnPredictor.kernelWeights(
                                        neighbours[i], found, Double.POSITIVE_INFINITY),
                                found,
                                k,
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
                    return new double[] {-error};
                });
    }

    /**
     * A (k, α) pair's score in {@link #searchGrid}, higher is better: the score on every held-out
     * row first, then (optionally) its score on each of the {@link #folds} of those rows.
     */
    private interface GridScore {
        double[] of(int k, double alpha);
    }

    /**
     * Sets {@link #chosenK} and {@link #chosenAlpha} and returns the chosen pair's score; k never
     * above {@code size}, and the grid stops at the first k that reaches it.
     *
     * <p>Without fold scores the first pair of the grid, in order, with the highest score wins.
     * With them, the one-standard-error rule: of the pairs whose score is within one standard error
     * of the best one's (the error of their paired difference over the folds), the one that shrinks
     * hardest wins: the largest α, then the largest k. A small or noisy validation set cannot tell
     * most pairs apart, and there the rule picks the estimate that rests least on a few neighbours'
     * outcomes: the one that holds up where the neighbours observed few of the models (a live
     * window's partial feedback), where a lightly shrunk estimate's noise decides.
     */
    private double searchGrid(int size, GridScore score) {
        List<int[]> pairs = new ArrayList<>(); // {k, index into alphaGrid}
        List<double[]> scores = new ArrayList<>();
        int best = -1;
        for (int k : kGrid) {
            int kk = Math.min(k, size);
            for (int a = 0; a < alphaGrid.length; a++) {
                double[] q = score.of(kk, alphaGrid[a]);
                if (best < 0 || q[0] > scores.get(best)[0]) {
                    best = pairs.size();
                }
                pairs.add(new int[] {kk, a});
                scores.add(q);
            }
            if (k >= size) {
                break;
            }
        }
        int chosen = best;
        double[] top = scores.get(best);
        if (top.length > 2) {
            for (int i = 0; i < pairs.size(); i++) {
                double[] q = scores.get(i);
                if (q[0] >= top[0] - pairedError(q, top)
                        && shrinksHarder(pairs.get(i), pairs.get(chosen))) {
                    chosen = i;
                }
            }
        }
        chosenK = pairs.get(chosen)[0];
        chosenAlpha = alphaGrid[pairs.get(chosen)[1]];
        return scores.get(chosen)[0];
    }

    /** Whether the pair {k, α index} {@code a} shrinks harder than {@code b}: larger α, then k. */
    private static boolean shrinksHarder(int[] a, int[] b) {
        return a[1] != b[1] ? a[1] > b[1] : a[0] > b[0];
    }

    /**
     * The standard error of the mean per-fold difference between two pairs' scores (entries 1..F of
     * each); 0 where a fold's score is not a number.
     */
    static double pairedError(double[] a, double[] b) {
        int folds = a.length - 1;
        double mean = 0;
        for (int f = 1; f <= folds; f++) {
            mean += a[f] - b[f];
        }
        mean /= folds;
        double squares = 0;
        for (int f = 1; f <= folds; f++) {
            double d = a[f] - b[f] - mean;
            squares += d * d;
        }
        double error = Math.sqrt(squares / (folds - 1) / folds);
        return Double.isNaN(error) ? 0 : error;
    }

    /** Most folds the one-standard-error rule splits the held-out rows into. */
    static final int FOLDS = 10;

    /** Fewest held-out rows per fold. */
    static final int ROWS_PER_FOLD = 5;

    /**
     * The held-out rows {@code 0..n-1} dealt round-robin into min({@value #FOLDS}, n / {@value
     * #ROWS_PER_FOLD}) folds, or none where that is below 2 (then the best score simply wins).
     */
    static int[][] folds(int n) {
        int count = Math.min(FOLDS, n / ROWS_PER_FOLD);
        if (count < 2) {
            return new int[0][];
        }
        int[][] folds = new int[count][];
        for (int f = 0; f < count; f++) {
            folds[f] = new int[(n - f + count - 1) / count];
            for (int i = 0; i < folds[f].length; i++) {
                folds[f][i] = f + i * count;
            }
        }
        return folds;
    }

    private static double[] select(double[] values, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
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

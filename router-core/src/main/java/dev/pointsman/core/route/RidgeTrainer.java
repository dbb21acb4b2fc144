package dev.pointsman.core.route;

import dev.pointsman.core.eval.RoutingQuality;
import dev.pointsman.core.eval.SeedStats;
import dev.pointsman.core.eval.Splits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code linear}: one ridge regression per model for the score and one for the cost, with an
 * unpenalised intercept, one penalty for every target chosen by routing quality ({@link
 * RoutingQuality}) cross-validated over the training split with the one-standard-error rule ({@link
 * #crossValidated}). The ablation rows choose on the validation split instead: {@code linear-val}
 * one penalty for the scores and one for the costs by routing quality, {@code linear-mse} each
 * target's penalty by its mean squared error. Solved in closed form (Cholesky on the centred Gram
 * matrix), so training is deterministic.
 */
public final class RidgeTrainer implements RouterTrainer {
    static final double[] PENALTY_GRID = {1e-3, 1e-2, 1e-1, 1, 10, 100, 1000};

    /** How the penalties are chosen. */
    public enum Selection {
        /**
         * One penalty for every target by routing quality over {@value #CV_FOLDS} folds of the
         * training split ({@link #crossValidated}); where the folds cannot score a penalty (too few
         * rows observed for every model), {@link #ROUTING_QUALITY} on the validation split.
         */
        CROSS_VALIDATED,
        /** One penalty for every score target and one for every cost target, by routing quality. */
        ROUTING_QUALITY,
        /** Each target's own penalty by its mean squared error (the earlier rule). */
        SQUARED_ERROR
    }

    private final Selection selection;
    private final double[] penalties;

    /** Penalties chosen by cross-validated routing quality, as {@code linear} is tuned. */
    public RidgeTrainer() {
        this(Selection.CROSS_VALIDATED);
    }

    public RidgeTrainer(Selection selection) {
        this(selection, PENALTY_GRID);
    }

    /** A trainer whose validation-split selections try only {@code penalties}, in order. */
    RidgeTrainer(Selection selection, double[] penalties) {
        this.selection = selection;
        this.penalties = penalties.clone();
    }

    @Override
    public String name() {
        return switch (selection) {
            case CROSS_VALIDATED -> "linear";
            case ROUTING_QUALITY -> "linear-val";
            case SQUARED_ERROR -> "linear-mse";
        };
    }

    @Override
    public UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed) {
        if (selection == Selection.CROSS_VALIDATED) {
            CrossFit fitted = crossFittedOrNull(train, seed);
            if (fitted != null) {
                return fitted.predictor();
            }
        }
        int models = train.outcomes().modelCount();
        Solutions solved = solve(train, penalties, validation);
        int[] chosen =
                selection != Selection.SQUARED_ERROR
                        ? byRoutingQuality(
                                solved.weights,
                                solved.intercepts,
                                validation.vectors().toDoubleRows(),
                                validation.outcomes(),
                                models)
                        : null;
        if (chosen == null) {
            chosen = bySquaredError(solved.errors, solved.errors[0].length);
        }
        return predictor(solved.weights, solved.intercepts, chosen, models);
    }

    /** Every target's solution under every penalty, and its error on {@code validation}. */
    private record Solutions(double[][][] weights, double[][] intercepts, double[][] errors) {}

    private static Solutions solve(
            TrainingSet train, double[] penalties, @Nullable TrainingSet validation) {
        int d = train.vectors().dimension();
        double[][] y = TargetMatrix.of(train.outcomes());
        double[][] yVal = validation == null ? null : TargetMatrix.of(validation.outcomes());
        int targets = y[0].length;
        double[][][] weights = new double[penalties.length][targets][];
        double[][] intercepts = new double[penalties.length][targets];
        double[][] errors = new double[penalties.length][targets];
        double[][] x = train.vectors().toDoubleRows();
        double[][] xVal = validation == null ? null : validation.vectors().toDoubleRows();
        // Targets observed on the same rows share one centred Gram matrix and its factors; with
        // complete data (every offline benchmark) that is all of them.
        Map<java.util.BitSet, List<Integer>> groups = new LinkedHashMap<>();
        for (int t = 0; t < targets; t++) {
            groups.computeIfAbsent(observed(y, t), k -> new ArrayList<>()).add(t);
        }
        for (var group : groups.entrySet()) {
            BitSet observed = group.getKey();
            double[] mean = columnMean(x, observed, d);
            double[][] gram = gram(x, observed, mean);
            for (int p = 0; p < penalties.length; p++) {
                Cholesky factor = new Cholesky(gram, penalties[p]);
                for (int t : group.getValue()) {
                    double yMean = targetMean(y, t, observed);
                    double[] w = factor.solve(xty(x, y, t, observed, mean, yMean));
                    weights[p][t] = w;
                    intercepts[p][t] = yMean - dot(w, mean);
                    errors[p][t] =
                            xVal == null
                                    ? Double.NaN
                                    : validationError(xVal, yVal, t, w, intercepts[p][t]);
                }
            }
        }
        return new Solutions(weights, intercepts, errors);
    }

    /** Penalties {@link #crossValidated} tries, in order: half decades. */
    static final double[] CV_PENALTY_GRID = {0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000};

    /** Folds of {@link #crossValidated}. */
    static final int CV_FOLDS = 5;

    /**
     * A ridge regression of every target with one penalty for all, chosen by routing quality
     * cross-validated over {@value #CV_FOLDS} seeded folds of {@code rows} with the
     * one-standard-error rule: the largest penalty whose mean quality is within one standard error
     * (of its paired difference over the folds) of the best one's, then refitted on every row. A
     * single tenth of a few hundred rows cannot tell penalties apart, and the lightly penalised fit
     * it then often picks ranks models by noise; the rule picks the smoothest fit the data cannot
     * tell from the best.
     */
    public static LinearPredictor crossValidated(TrainingSet rows, long seed) {
        return crossFitted(rows, seed).predictor();
    }

    /**
     * A {@link #crossValidated} fit with each row's prediction from the fold fit that did not see
     * it, under the chosen penalty: an honest prior for that row, as a new query would get.
     *
     * @param heldOut row i's scores and costs predicted without row i's fold
     */
    public record CrossFit(LinearPredictor predictor, double penalty, Predictions heldOut) {}

    /** {@link #crossValidated} with its held-out predictions; the same fit. */
    public static CrossFit crossFitted(TrainingSet rows, long seed) {
        int n = rows.size();
        if (n < 2 * CV_FOLDS) {
            throw new IllegalArgumentException(
                    "cross-validation needs at least " + 2 * CV_FOLDS + " rows, got " + n);
        }
        CrossFit fitted = crossFittedOrNull(rows, seed);
        if (fitted == null) {
            throw new IllegalArgumentException(
                    "cross-validation needs rows observed for every model in every fold");
        }
        return fitted;
    }

    /** Row {@code i}'s fold of {@value #CV_FOLDS} among {@code n} rows shuffled by {@code seed}. */
    static int[] foldOf(int n, long seed) {
        int[] order = Splits.shuffled(java.util.stream.IntStream.range(0, n).toArray(), seed);
        int[] fold = new int[n];
        for (int i = 0; i < n; i++) {
            fold[order[i]] = i % CV_FOLDS;
        }
        return fold;
    }

    /**
     * {@link #crossFitted}, or null where it cannot score every penalty on every fold: fewer than
     * {@code 2 ×} {@value #CV_FOLDS} rows, or a fold without a row observed for every model.
     */
    private static @Nullable CrossFit crossFittedOrNull(TrainingSet rows, long seed) {
        int n = rows.size();
        if (n < 2 * CV_FOLDS) {
            return null;
        }
        int models = rows.outcomes().modelCount();
        int[] foldOf = foldOf(n, seed);
        double[][] quality = new double[CV_PENALTY_GRID.length][CV_FOLDS];
        int[][] heldRows = new int[CV_FOLDS][];
        Predictions[][] heldPredictions = new Predictions[CV_PENALTY_GRID.length][CV_FOLDS];
        for (int f = 0; f < CV_FOLDS; f++) {
            int fold = f;
            int[] held =
                    java.util.stream.IntStream.range(0, n).filter(i -> foldOf[i] == fold).toArray();
            int[] fit =
                    java.util.stream.IntStream.range(0, n).filter(i -> foldOf[i] != fold).toArray();
            heldRows[f] = held;
            TrainingSet heldOut = rows.select(held);
            Solutions solved = solve(rows.select(fit), CV_PENALTY_GRID, null);
            for (int p = 0; p < CV_PENALTY_GRID.length; p++) {
                int[] chosen = new int[solved.weights[p].length];
                Arrays.fill(chosen, p);
                LinearPredictor predictor =
                        predictor(solved.weights, solved.intercepts, chosen, models);
                heldPredictions[p][f] = predictor.predictAll(heldOut.vectors());
                quality[p][f] = RoutingQuality.of(heldOut.outcomes(), heldPredictions[p][f]);
                if (!Double.isFinite(quality[p][f])) {
                    return null;
                }
            }
        }
        int best = 0;
        for (int p = 1; p < quality.length; p++) {
            if (SeedStats.mean(quality[p]) > SeedStats.mean(quality[best])) {
                best = p;
            }
        }
        int chosenPenalty = best;
        for (int p = best + 1; p < quality.length; p++) {
            double[] gap = new double[CV_FOLDS];
            for (int f = 0; f < CV_FOLDS; f++) {
                gap[f] = quality[best][f] - quality[p][f];
            }
            if (SeedStats.mean(gap) <= standardError(gap)) {
                chosenPenalty = p;
            }
        }
        Solutions all = solve(rows, new double[] {CV_PENALTY_GRID[chosenPenalty]}, null);
        int[] first = new int[all.weights[0].length];
        boolean costs = rows.outcomes().hasCosts();
        double[][] s = new double[n][];
        double[][] c = costs ? new double[n][] : null;
        for (int f = 0; f < CV_FOLDS; f++) {
            Predictions held = heldPredictions[chosenPenalty][f];
            for (int i = 0; i < heldRows[f].length; i++) {
                s[heldRows[f][i]] = held.scores()[i];
                if (costs) {
                    c[heldRows[f][i]] = held.costs()[i];
                }
            }
        }
        return new CrossFit(
                predictor(all.weights, all.intercepts, first, models),
                CV_PENALTY_GRID[chosenPenalty],
                new Predictions(s, c));
    }

    /** The standard error of the mean of {@code values}. */
    private static double standardError(double[] values) {
        return SeedStats.std(values) / Math.sqrt(values.length);
    }

    /**
     * Per target, the penalty index with the least validation error (the first on a tie; a target
     * with no validation outcome keeps the first).
     */
    private static int[] bySquaredError(double[][] errors, int targets) {
        int[] chosen = new int[targets];
        for (int t = 0; t < targets; t++) {
            for (int p = 1; p < errors.length; p++) {
                if (errors[p][t] < errors[chosen[t]][t]) {
                    chosen[t] = p;
                }
            }
        }
        return chosen;
    }

    /**
     * Per target, the penalty index of the (score penalty, cost penalty) pair with the best routing
     * quality on the validation split, the first in grid order on a tie; null when no pair gives a
     * finite quality (a validation split without a complete row).
     */
    private int @Nullable [] byRoutingQuality(
            double[][][] weights,
            double[][] intercepts,
            double[][] xVal,
            Outcomes truth,
            int models) {
        int targets = weights[0].length;
        int n = xVal.length;
        // Every target's validation prediction under every penalty, computed once.
        double[][][] predicted = new double[penalties.length][targets][n];
        for (int p = 0; p < penalties.length; p++) {
            for (int t = 0; t < targets; t++) {
                for (int i = 0; i < n; i++) {
                    predicted[p][t][i] = dot(weights[p][t], xVal[i]) + intercepts[p][t];
                }
            }
        }
        boolean costs = targets > models;
        int costGrid = costs ? penalties.length : 1;
        double best = Double.NEGATIVE_INFINITY;
        int[] chosen = null;
        for (int ps = 0; ps < penalties.length; ps++) {
            for (int pc = 0; pc < costGrid; pc++) {
                double[][] s = new double[n][models];
                double[][] c = costs ? new double[n][models] : null;
                for (int i = 0; i < n; i++) {
                    double[] packed = new double[targets];
                    for (int t = 0; t < targets; t++) {
                        packed[t] = predicted[t < models ? ps : pc][t][i];
                    }
                    TargetMatrix.unpack(packed, models, s[i], costs ? c[i] : new double[models]);
                }
                double quality = RoutingQuality.of(truth, new Predictions(s, c));
                if (quality > best) {
                    best = quality;
                    chosen = new int[targets];
                    for (int t = 0; t < targets; t++) {
                        chosen[t] = t < models ? ps : pc;
                    }
                }
            }
        }
        return chosen;
    }

    private static LinearPredictor predictor(
            double[][][] weights, double[][] intercepts, int[] chosen, int models) {
        int targets = chosen.length;
        double[][] w = new double[targets][];
        double[] b = new double[targets];
        for (int t = 0; t < targets; t++) {
            w[t] = weights[chosen[t]][t];
            b[t] = intercepts[chosen[t]][t];
        }
        return new LinearPredictor(w, b, models);
    }

    private static BitSet observed(double[][] y, int t) {
        BitSet out = new BitSet(y.length);
        for (int i = 0; i < y.length; i++) {
            if (!Double.isNaN(y[i][t])) {
                out.set(i);
            }
        }
        return out;
    }

    private static double[] columnMean(double[][] x, BitSet observed, int d) {
        double[] mean = new double[d];
        int n = observed.cardinality();
        for (int i = observed.nextSetBit(0); i >= 0; i = observed.nextSetBit(i + 1)) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[i][j];
            }
        }
        for (int j = 0; j < d && n > 0; j++) {
            mean[j] /= n;
        }
        return mean;
    }

    private static double targetMean(double[][] y, int t, BitSet observed) {
        double sum = 0;
        for (int i = observed.nextSetBit(0); i >= 0; i = observed.nextSetBit(i + 1)) {
            sum += y[i][t];
        }
        return observed.isEmpty() ? 0 : sum / observed.cardinality();
    }

    private static double[][] gram(double[][] x, BitSet observed, double[] mean) {
        int d = mean.length;
        double[][] g = new double[d][d];
        double[] row = new double[d];
        for (int i = observed.nextSetBit(0); i >= 0; i = observed.nextSetBit(i + 1)) {
            for (int j = 0; j < d; j++) {
                row[j] = x[i][j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                double ra = row[a];
                double[] ga = g[a];
                for (int b = 0; b <= a; b++) {
                    ga[b] += ra * row[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a + 1; b < d; b++) {
                g[a][b] = g[b][a];
            }
        }
        return g;
    }

    private static double[] xty(
            double[][] x, double[][] y, int t, BitSet observed, double[] mean, double yMean) {
        double[] out = new double[mean.length];
        for (int i = observed.nextSetBit(0); i >= 0; i = observed.nextSetBit(i + 1)) {
            double r = y[i][t] - yMean;
            for (int j = 0; j < out.length; j++) {
                out[j] += (x[i][j] - mean[j]) * r;
            }
        }
        return out;
    }

    private static double validationError(double[][] x, double[][] y, int t, double[] w, double b) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(y[i][t])) {
                double e = dot(w, x[i]) + b - y[i][t];
                sum += e * e;
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

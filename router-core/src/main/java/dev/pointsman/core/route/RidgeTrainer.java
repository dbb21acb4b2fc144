package dev.pointsman.core.route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code linear}: one ridge regression per model for the score and one for the cost, with an
 * unpenalised intercept. Each target's penalty is chosen on the validation split by mean squared
 * error. Solved in closed form (Cholesky on the centred Gram matrix), so training is deterministic.
 */
public final class RidgeTrainer implements RouterTrainer {
    static final double[] PENALTY_GRID = {1e-3, 1e-2, 1e-1, 1, 10, 100, 1000};

    @Override
    public String name() {
        return "linear";
    }

    @Override
    public UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed) {
        int d = train.vectors().dimension();
        double[][] y = TargetMatrix.of(train.outcomes());
        double[][] yVal = TargetMatrix.of(validation.outcomes());
        int targets = y[0].length;
        double[][] weights = new double[targets][];
        double[] intercepts = new double[targets];
        double[][] x = train.vectors().toDoubleRows();
        double[][] xVal = validation.vectors().toDoubleRows();
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
            double[] bestError = new double[targets];
            Arrays.fill(bestError, Double.POSITIVE_INFINITY);
            for (double penalty : PENALTY_GRID) {
                Cholesky factor = new Cholesky(gram, penalty);
                for (int t : group.getValue()) {
                    double yMean = targetMean(y, t, observed);
                    double[] w = factor.solve(xty(x, y, t, observed, mean, yMean));
                    double b = yMean - dot(w, mean);
                    double error = validationError(xVal, yVal, t, w, b);
                    if (error < bestError[t]) {
                        bestError[t] = error;
                        weights[t] = w;
                        intercepts[t] = b;
                    }
                }
            }
        }
        return new LinearPredictor(weights, intercepts, train.outcomes().modelCount());
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

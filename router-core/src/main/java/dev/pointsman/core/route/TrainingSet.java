package dev.pointsman.core.route;

import dev.pointsman.core.vector.VectorSet;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Query vectors (unit length) with their outcomes, row for row.
 *
 * @param propensities per row and model, the probability that the outcome was observed (1 for a
 *     routed model, the exploration probability for an explored one; 1 where the outcome is
 *     missing), or null where every outcome was observed for certain (offline data)
 */
public record TrainingSet(
        VectorSet vectors, Outcomes outcomes, double @Nullable [][] propensities) {

    public TrainingSet {
        if (vectors.size() != outcomes.size()) {
            throw new IllegalArgumentException(
                    "vectors and outcomes differ in size: "
                            + vectors.size()
                            + " != "
                            + outcomes.size());
        }
        if (propensities != null && propensities.length != outcomes.size()) {
            throw new IllegalArgumentException("propensities and outcomes differ in size");
        }
        if (propensities != null) {
            for (double[] row : propensities) {
                for (double p : row) {
                    if (!(p > 0 && p <= 1)) {
                        throw new IllegalArgumentException(
                                "propensities must be in (0, 1], got " + p);
                    }
                }
            }
        }
    }

    /** A set whose outcomes were all observed for certain. */
    public TrainingSet(VectorSet vectors, Outcomes outcomes) {
        this(vectors, outcomes, null);
    }

    public int size() {
        return vectors.size();
    }

    public TrainingSet select(int[] indices) {
        double[][] p = null;
        if (propensities != null) {
            p = new double[indices.length][];
            for (int i = 0; i < indices.length; i++) {
                p[i] = propensities[indices[i]];
            }
        }
        return new TrainingSet(vectors.select(indices), outcomes.select(indices), p);
    }

    /** The probability that {@code row}'s outcome for {@code model} was observed. */
    public double propensity(int row, int model) {
        return propensities == null ? 1.0 : propensities[row][model];
    }

    /** Rows observed for every model, with their inverse-propensity weights. */
    public record Complete(int[] rows, double[] weights) {
        public int size() {
            return rows.length;
        }
    }

    /**
     * The rows observed for every model, each weighted by 1 / the probability that it was observed
     * in full, which is its least likely outcome's (the extra models of an explored query are asked
     * together).
     */
    public Complete completeRows() {
        int models = outcomes.modelCount();
        int[] rows = new int[size()];
        double[] weights = new double[size()];
        int n = 0;
        for (int i = 0; i < size(); i++) {
            double least = 1.0;
            boolean complete = true;
            for (int m = 0; m < models && complete; m++) {
                complete = !Double.isNaN(outcomes.scores()[i][m]);
                least = Math.min(least, propensity(i, m));
            }
            if (complete) {
                rows[n] = i;
                weights[n] = 1.0 / least;
                n++;
            }
        }
        return new Complete(Arrays.copyOf(rows, n), Arrays.copyOf(weights, n));
    }
}

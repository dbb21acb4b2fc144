package dev.pointsman.core.monitor;

/**
 * Drift statistics between a reference window and a later one: the population-stability index of
 * the out-of-distribution score, and the shift of the mean query embedding.
 */
public final class Drift {
    /**
     * Bin edges for the out-of-distribution z-score (how many spreads a query's nearest neighbour
     * is less similar than typical): one bin below the first edge, one between each pair, one above
     * the last.
     */
    private static final double[] OOD_EDGES = {-1, 0, 1, 2, 3, 4, 6};

    /** Number of bins {@link #oodBin} returns. */
    public static final int OOD_BINS = OOD_EDGES.length + 1;

    /** Proportions below this are floored so that an empty bin does not make the index infinite. */
    private static final double FLOOR = 1e-4;

    private Drift() {}

    /** The histogram bin of an out-of-distribution z-score. */
    public static int oodBin(double z) {
        if (Double.isNaN(z)) {
            throw new IllegalArgumentException("z-score is NaN");
        }
        int bin = 0;
        while (bin < OOD_EDGES.length && z >= OOD_EDGES[bin]) {
            bin++;
        }
        return bin;
    }

    /**
     * Population-stability index Σ (cᵢ − rᵢ)·ln(cᵢ / rᵢ) over the bins' proportions (each floored
     * at 10⁻⁴). Conventionally below 0.1 is stable, 0.1–0.25 a moderate shift, above 0.25 a major
     * one. NaN when either histogram is empty.
     */
    public static double psi(long[] reference, long[] current) {
        if (reference.length != current.length) {
            throw new IllegalArgumentException(
                    "histograms have " + reference.length + " and " + current.length + " bins");
        }
        long nr = sum(reference);
        long nc = sum(current);
        if (nr == 0 || nc == 0) {
            return Double.NaN;
        }
        double psi = 0;
        for (int i = 0; i < reference.length; i++) {
            double r = Math.max(FLOOR, (double) reference[i] / nr);
            double c = Math.max(FLOOR, (double) current[i] / nc);
            psi += (c - r) * Math.log(c / r);
        }
        return psi;
    }

    /**
     * 1 − cosine similarity of two mean embeddings, given as component sums (the count does not
     * change a direction). 0: the same mean direction; NaN when either sum is zero.
     */
    public static double meanShift(double[] referenceSum, double[] currentSum) {
        if (referenceSum.length != currentSum.length) {
            throw new IllegalArgumentException(
                    "vector dimensions differ: "
                            + referenceSum.length
                            + " != "
                            + currentSum.length);
        }
        double dot = 0;
        double nr = 0;
        double nc = 0;
        for (int i = 0; i < referenceSum.length; i++) {
            dot += referenceSum[i] * currentSum[i];
            nr += referenceSum[i] * referenceSum[i];
            nc += currentSum[i] * currentSum[i];
        }
        if (nr == 0 || nc == 0) {
            return Double.NaN;
        }
        return 1 - dot / Math.sqrt(nr * nc);
    }

    private static long sum(long[] counts) {
        long n = 0;
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("negative count " + c);
            }
            n += c;
        }
        return n;
    }
}

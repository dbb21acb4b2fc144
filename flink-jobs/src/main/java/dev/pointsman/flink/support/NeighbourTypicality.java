package dev.pointsman.flink.support;

/**
 * How similar a shard's examples typically are to their nearest neighbour already in the shard: an
 * exponentially weighted mean and variance of that similarity, observed at every insert (so recent
 * traffic dominates, and the early inserts into a nearly empty shard fade out). A query whose
 * nearest neighbour is much less similar than that is out of distribution; {@link #zScore} says by
 * how many standard deviations.
 */
final class NeighbourTypicality {
    /** Weight of each new observation. */
    static final double ALPHA = 0.02;

    /** Observations needed before a z-score is reported. */
    static final int MIN_OBSERVATIONS = 20;

    private long count;
    private double mean;
    private double variance;

    void observe(double similarity) {
        if (Double.isNaN(similarity)) {
            return;
        }
        if (count == 0) {
            mean = similarity;
            variance = 0;
        } else {
            double delta = similarity - mean;
            mean += ALPHA * delta;
            variance = (1 - ALPHA) * (variance + ALPHA * delta * delta);
        }
        count++;
    }

    /** (typical − nearest) / spread; NaN before {@link #MIN_OBSERVATIONS} or without a nearest. */
    double zScore(double nearest) {
        if (count < MIN_OBSERVATIONS || Double.isNaN(nearest)) {
            return Double.NaN;
        }
        return (mean - nearest) / Math.sqrt(variance + 1e-6);
    }

    long count() {
        return count;
    }

    double mean() {
        return mean;
    }

    double[] toArray() {
        return new double[] {count, mean, variance};
    }

    static NeighbourTypicality fromArray(double[] state) {
        NeighbourTypicality t = new NeighbourTypicality();
        if (state != null) {
            t.count = (long) state[0];
            t.mean = state[1];
            t.variance = state[2];
        }
        return t;
    }
}

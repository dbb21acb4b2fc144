package dev.pointsman.core.route;

import dev.pointsman.core.io.Encoding;
import dev.pointsman.core.knn.Neighbour;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * What {@code knn-shrunk} learned, without its index: the k and the prior strength α it chose on
 * validation and the global trend it shrinks toward. A router that gathers the neighbours itself
 * (the streaming job's shards) predicts with it exactly as {@link KnnPredictor} does from the same
 * neighbours. Small, so a trainer can ship it ({@link TrainedRouters}).
 */
public final class KnnShrinkage {
    private final int k;
    private final double priorStrength;
    private final GlobalTrend trend;
    private final boolean[] observed;

    /**
     * @param observed per model, whether any training example observed it: where none did, {@link
     *     #estimate} falls back to the caller's prior instead of the trend's 0
     */
    public KnnShrinkage(int k, double priorStrength, GlobalTrend trend, boolean[] observed) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be > 0, got " + k);
        }
        if (!(priorStrength >= 0)) {
            throw new IllegalArgumentException("prior strength must be >= 0, got " + priorStrength);
        }
        this.k = k;
        this.priorStrength = priorStrength;
        this.trend = trend;
        this.observed = observed.clone();
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(k);
        out.writeDouble(priorStrength);
        trend.writeTo(out);
        Encoding.writeBooleans(out, observed);
    }

    static KnnShrinkage readFrom(DataInput in) throws IOException {
        int k = in.readInt();
        double priorStrength = in.readDouble();
        GlobalTrend trend = GlobalTrend.readFrom(in);
        try {
            return new KnnShrinkage(k, priorStrength, trend, Encoding.readBooleans(in));
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt knn-shrunk router: " + e.getMessage(), e);
        }
    }

    public int k() {
        return k;
    }

    /**
     * The same k and α shrinking toward {@code scores} and {@code costs} for every model {@code
     * known} marks (a more recent trend than the trained one), and toward the trained trend for the
     * others.
     */
    public KnnShrinkage withTrend(double[] scores, double[] costs, boolean[] known) {
        int models = observed.length;
        if (scores.length != models || costs.length != models || known.length != models) {
            throw new IllegalArgumentException(
                    "fitted for " + models + " models, given a trend of " + scores.length);
        }
        double[] s = new double[models];
        double[] c = new double[models];
        boolean[] seen = new boolean[models];
        for (int m = 0; m < models; m++) {
            s[m] = known[m] ? scores[m] : trend.meanScore(m);
            c[m] = known[m] ? costs[m] : trend.meanCost(m);
            seen[m] = known[m] || observed[m];
        }
        return new KnnShrinkage(k, priorStrength, GlobalTrend.of(s, c), seen);
    }

    public double priorStrength() {
        return priorStrength;
    }

    /**
     * ŝ and ĉ for every model of {@code support} from its first k observations among the {@code
     * count} best of {@code neighbours} (best first: with every neighbour observing every model,
     * the best {@code min(k, count)}), shrunk toward the trend; a model no training example
     * observed is shrunk toward {@code priors} instead.
     *
     * @param weights per neighbour (a time decay), or null for uniform weights
     */
    public void estimate(
            Neighbour[] neighbours,
            double @Nullable [] weights,
            int count,
            Outcomes support,
            GlobalTrend priors,
            double[] scores,
            double[] costs) {
        estimate(neighbours, weights, count, support, priors, 1.0, scores, costs);
    }

    /**
     * {@link #estimate} with the prior strength multiplied by {@code strengthScale}: the streaming
     * router shrinks harder toward the trend for a query out of distribution, whose neighbours are
     * far and say less about it.
     */
    public void estimate(
            Neighbour[] neighbours,
            double @Nullable [] weights,
            int count,
            Outcomes support,
            GlobalTrend priors,
            double strengthScale,
            double[] scores,
            double[] costs) {
        estimate(neighbours, weights, count, support, null, priors, strengthScale, scores, costs);
    }

    /**
     * {@link #estimate} with the neighbours' outcomes weighted by their inverse propensities
     * ({@link KnnPredictor#estimateWeighted(Neighbour[], double[], int, Outcomes, double[][],
     * GlobalTrend, double, double[], double[])}).
     *
     * @param propensities per row of {@code support} and model, or null where all were certain
     */
    public void estimate(
            Neighbour[] neighbours,
            double @Nullable [] weights,
            int count,
            Outcomes support,
            double @Nullable [][] propensities,
            GlobalTrend priors,
            double strengthScale,
            double[] scores,
            double[] costs) {
        int models = support.modelCount();
        if (models != observed.length) {
            throw new IllegalArgumentException(
                    "fitted for " + observed.length + " models, asked for " + models);
        }
        double[] meanScores = new double[models];
        double[] meanCosts = new double[models];
        for (int m = 0; m < models; m++) {
            meanScores[m] = observed[m] ? trend.meanScore(m) : priors.meanScore(m);
            meanCosts[m] = observed[m] ? trend.meanCost(m) : priors.meanCost(m);
        }
        GlobalTrend target = GlobalTrend.of(meanScores, meanCosts);
        double alpha = priorStrength * strengthScale;
        double[] w = weights;
        if (w == null) {
            w = new double[count];
            java.util.Arrays.fill(w, 1.0);
        }
        // Each model from its own k nearest observations among every neighbour found.
        KnnPredictor.estimateWeighted(
                neighbours, w, count, k, support, propensities, target, alpha, scores, costs);
    }

    @Override
    public String toString() {
        return "k " + k + ", α " + priorStrength;
    }
}

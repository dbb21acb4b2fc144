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
    private final @Nullable LinearPredictor reference;
    private final int referenceK;
    private final double referenceStrength;

    /**
     * @param observed per model, whether any training example observed it: where none did, {@link
     *     #estimate} falls back to the caller's prior instead of the trend's 0
     */
    public KnnShrinkage(int k, double priorStrength, GlobalTrend trend, boolean[] observed) {
        this(k, priorStrength, trend, observed, null, k, priorStrength);
    }

    private KnnShrinkage(
            int k,
            double priorStrength,
            GlobalTrend trend,
            boolean[] observed,
            @Nullable LinearPredictor reference,
            int referenceK,
            double referenceStrength) {
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
        this.reference = reference;
        if (referenceK <= 0) {
            throw new IllegalArgumentException("reference k must be > 0, got " + referenceK);
        }
        if (!(referenceStrength >= 0)) {
            throw new IllegalArgumentException(
                    "reference prior strength must be >= 0, got " + referenceStrength);
        }
        this.referenceK = referenceK;
        this.referenceStrength = referenceStrength;
    }

    /**
     * The same k, α and trend, with {@code reference}: a linear router fitted on the examples that
     * observed every model with certainty, for {@link #estimateFromReference}, whose first step
     * uses the same k and α.
     */
    public KnnShrinkage withReference(LinearPredictor reference) {
        return withReference(reference, k, priorStrength);
    }

    /**
     * {@link #withReference(LinearPredictor)} whose first step, by the reference rows, takes its
     * own {@code referenceK} and {@code referenceStrength} (chosen for a prior at the query rather
     * than a trend; {@link KnnShrunkTrainer#withFittedReference}).
     */
    public KnnShrinkage withReference(
            LinearPredictor reference, int referenceK, double referenceStrength) {
        if (reference.modelCount() != observed.length) {
            throw new IllegalArgumentException(
                    "fitted for "
                            + observed.length
                            + " models, reference for "
                            + reference.modelCount());
        }
        return new KnnShrinkage(
                k, priorStrength, trend, observed, reference, referenceK, referenceStrength);
    }

    /**
     * The same trend, reference and first step, with the live step's k and α (the second step of
     * {@link #estimateFromReference}) replaced; α infinite switches the live step off, so the
     * estimate is the first step's ({@link KnnShrunkTrainer#withFittedReference} chooses it where
     * the explored live examples show that the live neighbours do not help).
     */
    public KnnShrinkage withLiveStep(int liveK, double liveStrength) {
        return new KnnShrinkage(
                liveK, liveStrength, trend, observed, reference, referenceK, referenceStrength);
    }

    /** k of {@link #estimateFromReference}'s first step. */
    public int referenceK() {
        return referenceK;
    }

    /** α of {@link #estimateFromReference}'s first step. */
    public double referenceStrength() {
        return referenceStrength;
    }

    /** The reference router, or null where the trainer had too few fully observed examples. */
    public @Nullable LinearPredictor reference() {
        return reference;
    }

    /** Writes k, α, the trend and the observed models; the reference is written by the caller. */
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
        return new KnnShrinkage(
                k,
                priorStrength,
                GlobalTrend.of(s, c),
                seen,
                reference,
                referenceK,
                referenceStrength);
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

    /**
     * {@code shrink.prior reference}: each model's estimate starts from the reference router's
     * prediction at the query (a score clipped to [0, 1], a cost to at least 0) and is moved in two
     * steps, each by {@link #estimate}'s rule with the step before as its prior in place of the
     * trend. First by the reference rows among the neighbours (rows that observed every model with
     * certainty, such as the pool's seed), with that step's own k and α ({@link #referenceK},
     * {@link #referenceStrength}): where the query is near them this is knn-shrunk over them,
     * shrunk toward the reference instead of a global trend. Then by the other neighbours, the live
     * examples, observed for the chosen model and, where explored, for the others
     * (inverse-propensity weighted). So where the traffic stays what the seed described, live rows
     * agree with the step before and the estimate stays near it; after a shift, when the new
     * traffic's live rows are the nearest, their outcomes move it, first by their shared level,
     * then model by model as each is observed, from the reference's ranking of the models rather
     * than from one trend for every query. Without any neighbour it is the reference's prediction.
     *
     * @param propensities per support row and model (1 where certain), to tell reference rows
     * @param ips the same where some neighbour was explored, or null where none was
     * @return false where there is no reference (the caller estimates as it would otherwise)
     */
    public boolean estimateFromReference(
            float[] unitQuery,
            Neighbour[] neighbours,
            double @Nullable [] weights,
            int count,
            Outcomes support,
            double[][] propensities,
            double @Nullable [][] ips,
            double strengthScale,
            double[] scores,
            double[] costs) {
        if (reference == null) {
            return false;
        }
        int models = support.modelCount();
        if (models != observed.length) {
            throw new IllegalArgumentException(
                    "fitted for " + observed.length + " models, asked for " + models);
        }
        boolean costsKnown = support.hasCosts();
        GlobalTrend prior = referencePrior(reference, unitQuery, costsKnown);
        Neighbour[][] parts = {new Neighbour[count], new Neighbour[count]};
        double[][] partWeights = {new double[count], new double[count]};
        int[] sizes = new int[2];
        for (int j = 0; j < count; j++) {
            int part = isReferenceRow(support, propensities, neighbours[j].index()) ? 0 : 1;
            parts[part][sizes[part]] = neighbours[j];
            partWeights[part][sizes[part]] = weights == null ? 1.0 : weights[j];
            sizes[part]++;
        }
        for (int part = 0; part < 2; part++) {
            KnnPredictor.estimateWeighted(
                    parts[part],
                    partWeights[part],
                    sizes[part],
                    part == 0 ? referenceK : k,
                    support,
                    part == 0 ? null : ips,
                    prior,
                    (part == 0 ? referenceStrength : priorStrength) * strengthScale,
                    scores,
                    costs);
            prior = GlobalTrend.of(scores, costsKnown ? costs : null);
        }
        return true;
    }

    /**
     * The prior the reference sets at a query: its predicted scores clipped to [0, 1] and, where
     * {@code costs}, its predicted costs clipped to at least 0.
     */
    static GlobalTrend referencePrior(LinearPredictor reference, float[] unitQuery, boolean costs) {
        int models = reference.modelCount();
        double[] s = new double[models];
        double[] c = new double[models];
        reference.predict(unitQuery, s, c);
        return clippedPrior(s, costs ? c : null);
    }

    /** A prior of {@code scores} clipped to [0, 1] and {@code costs} (if any) to at least 0. */
    static GlobalTrend clippedPrior(double[] scores, double @Nullable [] costs) {
        double[] s = new double[scores.length];
        double[] c = costs == null ? null : new double[costs.length];
        for (int m = 0; m < s.length; m++) {
            s[m] = Math.min(1.0, Math.max(0.0, scores[m]));
            if (c != null) {
                c[m] = Math.max(0.0, costs[m]);
            }
        }
        return GlobalTrend.of(s, c);
    }

    /** Whether support row {@code row} observed every model with certainty. */
    static boolean isReferenceRow(Outcomes support, double[][] propensities, int row) {
        double[] rowScores = support.scores()[row];
        for (int m = 0; m < rowScores.length; m++) {
            if (Double.isNaN(rowScores[m]) || propensities[row][m] < 1.0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "k "
                + k
                + ", α "
                + (priorStrength == Double.POSITIVE_INFINITY ? "∞ (live step off)" : priorStrength)
                + (reference == null
                        ? ""
                        : ", reference (k " + referenceK + ", α " + referenceStrength + ")");
    }
}

package dev.pointsman.flink.job;

/**
 * What is broadcast to every operator that needs it: a pool's catalog (single-object bytes), a
 * newly trained version of the pool's trained router (router-core's {@code TrainedRouters}
 * encoding, with the model order it predicts in), the {@link Referee}'s fallback verdict, or the
 * {@link Pacer}'s λ. A POJO.
 */
public class CatalogUpdate {
    public String pool;

    /** The catalog, or null for weights. */
    public byte[] encoded;

    /** The router the weights belong to, e.g. {@code linear}; null for a catalog. */
    public String router;

    public long version;

    /** The models the weights predict, in order. */
    public String[] models;

    /** The trained router, encoded by {@code TrainedRouters}. */
    public byte[] weights;

    /** For a verdict: whether the pool routes by the trend now. */
    public boolean fallback;

    /**
     * For a verdict: whether the referee has promoted the challenger of a live-trend knn-shrunk
     * pool (its trained trend) to decide in its router's place ({@link Challenge}).
     */
    public boolean promoted;

    /**
     * For a verdict: whether the window raised a drift alert; the deciders then explore every query
     * as if it were out of distribution until a window that did not.
     */
    public boolean drifted;

    /** For a verdict: the trend to route by, as in {@link WindowEvent}; null otherwise. */
    public String[] trendModels;

    public double[] trendScores;
    public double[] trendCosts;

    /**
     * For a verdict: the event time the trend reaches to (its window's start: the trend is of the
     * windows before it), and how long its weight takes to halve, ms (NaN: it does not decay).
     * {@link dev.pointsman.core.spend.PriceHistory#decayedFactor} reads its costs at today's prices
     * with them.
     */
    public long trendEnd;

    public double trendHalfLifeMs = Double.NaN;

    /**
     * For a pacing update: the pacer's part of the pool's log λ (with the deciders' forecast it is
     * not clamped, and only their sum is λ); NaN otherwise.
     */
    public double pacedLogLambda = Double.NaN;

    /** For a pacing update: the budget it paces to, USD per answered query. */
    public double budget = Double.NaN;

    public CatalogUpdate() {}

    /** The spend pacer's log λ for {@code pool}, set after the answer of event time {@code ts}. */
    public static CatalogUpdate pacing(String pool, double logLambda, double budget, long ts) {
        CatalogUpdate u = new CatalogUpdate();
        u.pool = pool;
        u.version = ts;
        u.pacedLogLambda = logLambda;
        u.budget = budget;
        return u;
    }

    public boolean isPacing() {
        return !Double.isNaN(pacedLogLambda);
    }

    /** The referee's verdict after window {@code w}. */
    public static CatalogUpdate verdict(WindowEvent w, boolean fallback, boolean promoted) {
        CatalogUpdate u = new CatalogUpdate();
        u.pool = w.pool;
        u.version = w.windowEnd;
        u.fallback = fallback;
        u.promoted = promoted;
        u.drifted = w.drifted;
        u.trendModels = w.trendModels;
        u.trendScores = w.trendScores;
        u.trendCosts = w.trendCosts;
        u.trendEnd = w.windowStart;
        u.trendHalfLifeMs = w.trendHalfLifeMs;
        return u;
    }

    public boolean isVerdict() {
        return trendModels != null;
    }

    public CatalogUpdate(String pool, byte[] encoded) {
        this.pool = pool;
        this.encoded = encoded;
    }

    public static CatalogUpdate weights(
            String pool, String router, long version, String[] models, byte[] weights) {
        CatalogUpdate u = new CatalogUpdate();
        u.pool = pool;
        u.router = router;
        u.version = version;
        u.models = models;
        u.weights = weights;
        return u;
    }

    public boolean isWeights() {
        return weights != null;
    }
}

package dev.pointsman.core.route;

/**
 * Which queries the router explores, and with what probability. The chosen model always answers; an
 * explored query is also answered by every other model, so it becomes a complete example for the
 * support set and a fully observed query for the windowed AUC. A pool spends at most its {@code
 * exploration} share of queries on this: a query is explored with probability
 *
 * <p>p = share · max(floor, unseen, ood)
 *
 * <ul>
 *   <li>unseen = max over models of 1 − min(n_m, minObserved) / minObserved, where n_m counts the
 *       query's neighbours that observed model m: 1 where some model has no observation nearby, 0
 *       where every model has at least minObserved;
 *   <li>ood = 1 when the query's out-of-distribution score is above the pool's threshold (a region
 *       the support set has not seen), else 0;
 *   <li>floor = {@value #FLOOR}: well-known regions are still explored at half the rate, so that
 *       the live AUC covers them too, and no explored query weighs more than twice another in the
 *       inverse-propensity estimates (whose variance grows with that ratio).
 * </ul>
 *
 * So exploration goes where the router is least sure, and its mean share never exceeds the pool's
 * budget. The probability is the decision's logged propensity: inverse-propensity estimates weight
 * an explored query by 1/p.
 */
public final class Exploration {
    /** Share of the pool's budget spent on a query the router is sure about. */
    public static final double FLOOR = 0.5;

    private Exploration() {}

    /**
     * max(floor, unseen, ood) of the class comment, in [{@value #FLOOR}, 1]: a query's exploration
     * probability is the pool's share times this, before its {@link Budget} scales it.
     *
     * @param observed per model, how many of the query's neighbours observed it
     * @param minObserved observations per model that count as enough; 0 disables the unseen term
     * @param oodScore the query's out-of-distribution score, NaN when unknown
     * @param oodThreshold a score above this is out of distribution
     */
    public static double uncertainty(
            int[] observed, int minObserved, double oodScore, double oodThreshold) {
        double uncertainty = FLOOR;
        if (minObserved > 0) {
            for (int n : observed) {
                double unseen = 1.0 - (double) Math.min(n, minObserved) / minObserved;
                uncertainty = Math.max(uncertainty, unseen);
            }
        }
        if (oodScore > oodThreshold) {
            uncertainty = 1.0;
        }
        return uncertainty;
    }

    /** Decisions the running mean of {@link Budget} reaches back over. */
    public static final int HORIZON = 1000;

    /**
     * A pool's exploration spend: {@link #uncertainty} ranks the queries by how unsure the router
     * is, and this scales the ranking so that the pool spends its whole share on average instead of
     * the half to two thirds of it that share · uncertainty averages (the floor where the router is
     * sure): p = min(1, share · u / ū), ū the mean uncertainty of about the last {@value #HORIZON}
     * decisions. After a shift, or when a model joins, the unsure queries get up to twice the share
     * until the mean catches up; the ratio of two queries' probabilities, and so of their
     * inverse-propensity weights, stays that of the ranking (at most 1 / {@value #FLOOR}); a
     * changed share applies at once. A POJO, kept in keyed state.
     */
    public static final class Budget {
        /** The running mean uncertainty; NaN before the first decision. */
        public double mean = Double.NaN;

        public long decisions;

        public Budget() {}

        /**
         * The probability to explore a query of {@code uncertainty} (in [{@value #FLOOR}, 1]);
         * counts it.
         */
        public double spend(double share, double uncertainty) {
            decisions++;
            double n = Math.min(decisions, HORIZON);
            mean = Double.isNaN(mean) ? uncertainty : mean + (uncertainty - mean) / n;
            return Math.min(1.0, share * uncertainty / mean);
        }
    }

    /**
     * Whether the query with this id is explored at {@code probability}: a uniform draw from a hash
     * of the id, so the same query is decided the same way after a restart.
     */
    public static boolean draw(String queryId, double probability) {
        return uniform(queryId) < probability;
    }

    /** A number in [0, 1) that depends only on {@code queryId}. */
    static double uniform(String queryId) {
        long h = mix(queryId.hashCode());
        return (h >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser: spreads a hash over 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}

package dev.pointsman.core.knn;

/**
 * A mutable cosine index over one support-set shard: rows come and go by slot, and a search returns
 * the best live rows, ties in similarity to the lower seq. {@link SupportIndex} is exact; {@link
 * GraphSupportIndex} is approximate, with its recall to be measured against the exact one.
 * Implementations are not thread-safe.
 */
public interface KnnIndex {
    int dimension();

    /** Live rows. */
    int size();

    /**
     * Adds {@code vector}, L2-normalised as {@link
     * dev.pointsman.core.vector.VectorSet#ofNormalized} does, and returns its slot.
     *
     * @param seq the row's global order; ties in similarity go to the lower seq
     */
    int add(float[] vector, long seq);

    /** Frees {@code slot}; its row is no longer found. */
    void remove(int slot);

    /** The {@code k} live rows most similar to {@code unitQuery}, best first. */
    Ranked[] search(float[] unitQuery, int k);

    /**
     * {@link #search} for each of {@code unitQueries}, in order; an index may share work between
     * them (the exact index reads its rows once for the batch).
     */
    default Ranked[][] searchAll(float[][] unitQueries, int k) {
        Ranked[][] results = new Ranked[unitQueries.length][];
        for (int i = 0; i < unitQueries.length; i++) {
            results[i] = search(unitQueries[i], k);
        }
        return results;
    }

    /**
     * The similarity of the live row nearest to {@code unitQuery}, NaN when there is none; for
     * statistics, where an approximate index may trade exactness for speed.
     */
    default float nearestSimilarity(float[] unitQuery) {
        Ranked[] best = search(unitQuery, 1);
        return best.length == 0 ? Float.NaN : best[0].similarity();
    }

    /** What the index is and how it is tuned, for logs. */
    String describe();
}

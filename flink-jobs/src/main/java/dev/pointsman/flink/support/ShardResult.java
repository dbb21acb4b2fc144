package dev.pointsman.flink.support;

import org.jspecify.annotations.Nullable;

/**
 * One shard's best neighbours for a query, best first, with the outcomes they carry: row i of
 * {@link #scores} and {@link #costs} (length {@code ids.length × models.length}, row-major) holds
 * neighbour i's observed outcome per model of {@link #models}, NaN where it has none. A Flink POJO.
 */
public class ShardResult {
    public String queryId;
    public String pool;
    public int shard;
    public int shards;
    public long ts;

    /** The query's λ, NaN for the pool default (queries only). */
    public double lambda = Double.NaN;

    /** The query's cost ceiling in USD, NaN for none (queries only). */
    public double budget = Double.NaN;

    /** Neighbours the query asked for. */
    public int k;

    /** Examples in the shard when it answered. */
    public int shardSize;

    /**
     * How atypical the query's nearest neighbour here is: (typical − nearest) / spread of the
     * shard's own nearest-neighbour similarity; NaN until the shard has seen enough examples.
     */
    public double oodZ = Double.NaN;

    /** The query vector, from shard 0 only (for parametric routers downstream). */
    public float[] vector;

    public String[] ids;
    public float[] similarities;
    public long[] seqs;
    public String[] models;
    public double[] scores;
    public double[] costs;

    /**
     * Per cell as {@link #scores}, the probability that the outcome was observed (1 for a routed
     * model, the exploration probability for an explored one, 1 where there is none); null when
     * every one is 1 (no neighbour's outcome was explored).
     */
    public double @Nullable [] propensities;

    public ShardResult() {}

    public int size() {
        return ids.length;
    }
}

package dev.pointsman.flink.support;

import org.jspecify.annotations.Nullable;

/**
 * A query's neighbours merged from all shards that answered, best first, with their outcomes laid
 * out as in {@link ShardResult}. A Flink POJO.
 */
public class Neighbourhood {
    public String queryId;
    public String pool;
    public long ts;

    /** The query's λ, NaN for the pool default (queries only). */
    public double lambda = Double.NaN;

    /** The query's cost ceiling in USD, NaN for none (queries only). */
    public double budget = Double.NaN;

    public int shards;

    /** Shards that had not answered when the merge gave up waiting; 0 for a complete answer. */
    public int shardsMissing;

    /** Examples in the shards that answered. */
    public long supportSize;

    /** Mean of the answering shards' out-of-distribution z-scores; NaN when none had one. */
    public double oodScore = Double.NaN;

    /** The query vector, when shard 0 answered; null otherwise. */
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

    public Neighbourhood() {}

    public int size() {
        return ids.length;
    }
}

package dev.pointsman.flink.job;

import dev.pointsman.flink.records.KafkaRecord;

/** A decoded embedded query on its way to the shards. A POJO. */
public class QueryEvent {
    public String queryId;
    public String pool;
    public float[] vector;
    public String embedder;

    /** The query's λ, or NaN for the pool default. */
    public double lambda;

    /** The query's cost ceiling in USD, NaN for none. */
    public double budget = Double.NaN;

    public long ts;
    public KafkaRecord source;

    public QueryEvent() {}
}

package dev.pointsman.flink.job;

import dev.pointsman.flink.records.KafkaRecord;

/** A decoded feedback example, re-encoded single-object for the shard's state. A POJO. */
public class FeedbackEvent {
    public String exampleId;
    public String pool;
    public String embedder;
    public int dimension;
    public String[] models;
    public double[] scores;
    public double[] costs;
    public byte[] encoded;
    public KafkaRecord source;

    public FeedbackEvent() {}
}

package dev.pointsman.flink.job;

import dev.pointsman.flink.records.KafkaRecord;

/**
 * A decoded {@code router.metrics} record: one router's closed window of a pool, as the referee
 * needs it. A POJO.
 */
public class WindowEvent {
    public String pool;
    public String router;
    public long windowStart;
    public long windowEnd;

    /** The router's AUC on the window's fully observed queries; NaN when the window had none. */
    public double auc;

    /** The global trend's AUC on the same queries; NaN when there was no trend yet. */
    public double trendAuc;

    public long shadowQueries;

    /** The global trend the window was compared with: models, their mean scores and costs. */
    public String[] trendModels;

    public double[] trendScores;
    public double[] trendCosts;
    public KafkaRecord source;

    public WindowEvent() {}
}

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

    /**
     * How long the trend's weight takes to halve, in ms of event time (its half-life in windows
     * times the window's length); NaN when it does not decay or the window does not say.
     */
    public double trendHalfLifeMs = Double.NaN;

    /** Whether the window raised a drift alert. */
    public boolean drifted;

    public KafkaRecord source;

    public WindowEvent() {}
}

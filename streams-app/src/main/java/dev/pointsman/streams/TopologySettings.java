package dev.pointsman.streams;

import dev.pointsman.settings.Setting;
import java.time.Duration;
import java.util.List;

/**
 * What the topology needs to know, validated at construction; each invalid value names its key.
 *
 * @param feedbackGrace {@code --feedback-grace}: how long after its query an outcome is still
 *     joined (later ones go to the DLQ as late), and how long an outcome waits for a query it has
 *     not seen yet
 * @param ledgerRetention {@code --feedback-retention}: how long a query stays in the ledger; an
 *     outcome arriving after that reads as one for an unknown query. At least the grace.
 * @param window {@code --window}: tumbling window size
 * @param windowGrace {@code --window-grace}: how long a window waits for late outcomes before it is
 *     closed and its metrics written
 * @param oodThreshold {@code --ood-threshold}: a query whose out-of-distribution score (z of its
 *     nearest-neighbour similarity) is above this counts as out of distribution
 * @param shadowCap {@code --shadow-cap}: shadow queries kept per window and router
 * @param history {@code --history}: how long windows and alerts stay queryable
 * @param trendHalfLife {@code --trend-half-life}: the global trend's weight of a window's outcomes
 *     halves every this many later windows, so the trend follows the traffic (0: never)
 * @param alerts the alert thresholds
 * @param clockSkew {@code --clock-skew}: how far ahead of this app's clock a query's, decision's or
 *     outcome's event time may be; a later one goes to the DLQ ({@code future}), since the ledger's
 *     clock follows event time and one far-future record would expire every query in flight
 */
public record TopologySettings(
        Duration feedbackGrace,
        Duration ledgerRetention,
        Duration window,
        Duration windowGrace,
        double oodThreshold,
        int shadowCap,
        Duration history,
        double trendHalfLife,
        AlertThresholds alerts,
        Duration clockSkew) {

    /**
     * @param minQueries {@code --alert-min-queries}: windows with fewer queries raise no alert
     * @param aucBelowTrend {@code --alert-auc-below-trend}: points the router's AUC may fall below
     *     the global trend's before an alert
     * @param oodShare {@code --alert-ood-share}: largest out-of-distribution share
     * @param driftPsi {@code --alert-drift-psi}: largest PSI of the OOD score against the reference
     *     window (0.25 is the usual "major shift")
     * @param embeddingShift {@code --alert-embedding-shift}: largest 1 − cosine between the
     *     window's mean embedding and the reference's
     * @param driftRebase {@code --drift-rebase-windows}: after this many drifted windows in a row
     *     the traffic they saw becomes the new reference (0: the first reference stays for good)
     */
    public record AlertThresholds(
            int minQueries,
            double aucBelowTrend,
            double oodShare,
            double driftPsi,
            double embeddingShift,
            int driftRebase) {
        public static final Setting<Integer> MIN_QUERIES =
                Setting.integer(
                        "alert-min-queries", 20, "Windows with fewer queries raise no alert.", 1);
        public static final Setting<Double> AUC_BELOW_TREND =
                Setting.number(
                        "alert-auc-below-trend",
                        1.0,
                        "Alert when the AUC is this many points below the global trend's.",
                        v -> v >= 0 && Double.isFinite(v),
                        "must be a finite number of AUC points >= 0");
        public static final Setting<Double> OOD_SHARE =
                Setting.number(
                        "alert-ood-share",
                        0.25,
                        "Alert above this out-of-distribution share.",
                        v -> v > 0 && v <= 1,
                        "must be in (0, 1]");
        public static final Setting<Double> DRIFT_PSI =
                Setting.number(
                        "alert-drift-psi",
                        0.25,
                        "Alert above this PSI of the OOD score (0.25 is the usual \"major shift\").",
                        v -> v > 0 && Double.isFinite(v),
                        "must be > 0");
        public static final Setting<Double> EMBEDDING_SHIFT =
                Setting.number(
                        "alert-embedding-shift",
                        0.05,
                        "Alert above this 1 − cosine of the mean embeddings.",
                        v -> v > 0 && v <= 2,
                        "must be in (0, 2]");
        public static final Setting<Integer> DRIFT_REBASE =
                Setting.integer(
                        "drift-rebase-windows",
                        3,
                        "After this many drifted windows in a row their traffic becomes the drift"
                                + " reference (0: never).",
                        0);

        public AlertThresholds {
            MIN_QUERIES.check(minQueries);
            AUC_BELOW_TREND.check(aucBelowTrend);
            OOD_SHARE.check(oodShare);
            DRIFT_PSI.check(driftPsi);
            EMBEDDING_SHIFT.check(embeddingShift);
            DRIFT_REBASE.check(driftRebase);
        }

        public static AlertThresholds defaults() {
            return new AlertThresholds(
                    MIN_QUERIES.defaultValue(),
                    AUC_BELOW_TREND.defaultValue(),
                    OOD_SHARE.defaultValue(),
                    DRIFT_PSI.defaultValue(),
                    EMBEDDING_SHIFT.defaultValue(),
                    DRIFT_REBASE.defaultValue());
        }
    }

    public static final Setting<Duration> FEEDBACK_GRACE =
            Setting.duration(
                    "feedback-grace",
                    Duration.ofMinutes(10),
                    "Latest an outcome may come after its query.",
                    Duration.ZERO);
    public static final Setting<Duration> FEEDBACK_RETENTION =
            Setting.duration(
                    "feedback-retention",
                    Duration.ofHours(1),
                    "How long queries stay joinable for late-outcome reporting (at least the"
                            + " grace).",
                    Duration.ZERO);
    public static final Setting<Duration> WINDOW =
            Setting.duration("window", Duration.ofMinutes(1), "Metric window size.", Duration.ZERO);
    public static final Setting<Duration> WINDOW_GRACE =
            Setting.nonNegativeDuration(
                    "window-grace",
                    Duration.ofSeconds(30),
                    "How long a window waits for late outcomes.");
    public static final Setting<Double> OOD_THRESHOLD =
            Setting.number(
                    "ood-threshold",
                    3.0,
                    "OOD score above which a query counts as out of distribution.",
                    Double::isFinite,
                    "must be finite");
    public static final Setting<Integer> SHADOW_CAP =
            Setting.integer(
                    "shadow-cap",
                    1000,
                    "Shadow queries kept per window and router; the AUC uses the first ones.",
                    0);
    public static final Setting<Duration> HISTORY =
            Setting.duration(
                    "history",
                    Duration.ofHours(24),
                    "How long windows and alerts stay queryable.",
                    Duration.ZERO);

    public static final Setting<Double> TREND_HALF_LIFE =
            Setting.number(
                    "trend-half-life",
                    10.0,
                    "Windows after which a window's outcomes count half in the global trend (0:"
                            + " never decay).",
                    v -> v >= 0 && Double.isFinite(v),
                    "must be a finite number of windows >= 0");

    public static final Setting<Duration> CLOCK_SKEW =
            Setting.duration(
                    "clock-skew",
                    Duration.ofMinutes(5),
                    "How far ahead of this app's clock an event time may be; later records go to"
                            + " router.dlq (future).",
                    Duration.ZERO);

    /** Every setting of the topology, for the command line. */
    public static final List<Setting<?>> ALL =
            List.of(
                    WINDOW,
                    WINDOW_GRACE,
                    FEEDBACK_GRACE,
                    FEEDBACK_RETENTION,
                    OOD_THRESHOLD,
                    SHADOW_CAP,
                    HISTORY,
                    TREND_HALF_LIFE,
                    CLOCK_SKEW,
                    AlertThresholds.MIN_QUERIES,
                    AlertThresholds.AUC_BELOW_TREND,
                    AlertThresholds.OOD_SHARE,
                    AlertThresholds.DRIFT_PSI,
                    AlertThresholds.EMBEDDING_SHIFT,
                    AlertThresholds.DRIFT_REBASE);

    public TopologySettings {
        FEEDBACK_GRACE.check(feedbackGrace);
        FEEDBACK_RETENTION.check(ledgerRetention);
        require(
                ledgerRetention.compareTo(feedbackGrace) >= 0,
                "--feedback-retention",
                "must be >= --feedback-grace (" + feedbackGrace + ")",
                ledgerRetention);
        WINDOW.check(window);
        WINDOW_GRACE.check(windowGrace);
        OOD_THRESHOLD.check(oodThreshold);
        SHADOW_CAP.check(shadowCap);
        HISTORY.check(history);
        TREND_HALF_LIFE.check(trendHalfLife);
        CLOCK_SKEW.check(clockSkew);
        require(history.compareTo(window) >= 0, "--history", "must be >= --window", history);
    }

    public static TopologySettings defaults() {
        return new TopologySettings(
                FEEDBACK_GRACE.defaultValue(),
                FEEDBACK_RETENTION.defaultValue(),
                WINDOW.defaultValue(),
                WINDOW_GRACE.defaultValue(),
                OOD_THRESHOLD.defaultValue(),
                SHADOW_CAP.defaultValue(),
                HISTORY.defaultValue(),
                TREND_HALF_LIFE.defaultValue(),
                AlertThresholds.defaults(),
                CLOCK_SKEW.defaultValue());
    }

    public TopologySettings withWindow(Duration window, Duration windowGrace) {
        return copy(window, windowGrace, feedbackGrace, ledgerRetention, alerts);
    }

    public TopologySettings withFeedback(Duration grace, Duration retention) {
        return copy(window, windowGrace, grace, retention, alerts);
    }

    public TopologySettings withAlerts(AlertThresholds alerts) {
        return copy(window, windowGrace, feedbackGrace, ledgerRetention, alerts);
    }

    private TopologySettings copy(
            Duration window,
            Duration windowGrace,
            Duration feedbackGrace,
            Duration ledgerRetention,
            AlertThresholds alerts) {
        return new TopologySettings(
                feedbackGrace,
                ledgerRetention,
                window,
                windowGrace,
                oodThreshold,
                shadowCap,
                history,
                trendHalfLife,
                alerts,
                clockSkew);
    }

    /** The factor that carries the trend's sums from one window to the next. */
    public double trendCarry() {
        return trendHalfLife == 0 ? 1.0 : Math.pow(0.5, 1.0 / trendHalfLife);
    }

    static void require(boolean ok, String key, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(key + " " + rule + ", got " + value);
        }
    }
}

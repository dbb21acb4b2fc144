package dev.pointsman.streams;

import java.time.Duration;

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
 * @param alerts the alert thresholds
 */
public record TopologySettings(
        Duration feedbackGrace,
        Duration ledgerRetention,
        Duration window,
        Duration windowGrace,
        double oodThreshold,
        int shadowCap,
        Duration history,
        AlertThresholds alerts) {

    /**
     * @param minQueries {@code --alert-min-queries}: windows with fewer queries raise no alert
     * @param aucBelowTrend {@code --alert-auc-below-trend}: points the router's AUC may fall below
     *     the global trend's before an alert
     * @param oodShare {@code --alert-ood-share}: largest out-of-distribution share
     * @param driftPsi {@code --alert-drift-psi}: largest PSI of the OOD score against the reference
     *     window (0.25 is the usual "major shift")
     * @param embeddingShift {@code --alert-embedding-shift}: largest 1 − cosine between the
     *     window's mean embedding and the reference's
     */
    public record AlertThresholds(
            int minQueries,
            double aucBelowTrend,
            double oodShare,
            double driftPsi,
            double embeddingShift) {
        public AlertThresholds {
            require(minQueries >= 1, "--alert-min-queries", "must be >= 1", minQueries);
            require(
                    aucBelowTrend >= 0 && Double.isFinite(aucBelowTrend),
                    "--alert-auc-below-trend",
                    "must be a finite number of AUC points >= 0",
                    aucBelowTrend);
            require(
                    oodShare > 0 && oodShare <= 1,
                    "--alert-ood-share",
                    "must be in (0, 1]",
                    oodShare);
            require(
                    driftPsi > 0 && Double.isFinite(driftPsi),
                    "--alert-drift-psi",
                    "must be > 0",
                    driftPsi);
            require(
                    embeddingShift > 0 && embeddingShift <= 2,
                    "--alert-embedding-shift",
                    "must be in (0, 2]",
                    embeddingShift);
        }

        public static AlertThresholds defaults() {
            return new AlertThresholds(20, 1.0, 0.25, 0.25, 0.05);
        }
    }

    public TopologySettings {
        require(positive(feedbackGrace), "--feedback-grace", "must be > 0", feedbackGrace);
        require(
                ledgerRetention.compareTo(feedbackGrace) >= 0,
                "--feedback-retention",
                "must be >= --feedback-grace (" + feedbackGrace + ")",
                ledgerRetention);
        require(positive(window), "--window", "must be > 0", window);
        require(!windowGrace.isNegative(), "--window-grace", "must be >= 0", windowGrace);
        require(Double.isFinite(oodThreshold), "--ood-threshold", "must be finite", oodThreshold);
        require(shadowCap >= 0, "--shadow-cap", "must be >= 0", shadowCap);
        require(history.compareTo(window) >= 0, "--history", "must be >= --window", history);
    }

    public static TopologySettings defaults() {
        return new TopologySettings(
                Duration.ofMinutes(10),
                Duration.ofHours(1),
                Duration.ofMinutes(1),
                Duration.ofSeconds(30),
                3.0,
                1000,
                Duration.ofHours(24),
                AlertThresholds.defaults());
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
                alerts);
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    static void require(boolean ok, String key, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(key + " " + rule + ", got " + value);
        }
    }
}

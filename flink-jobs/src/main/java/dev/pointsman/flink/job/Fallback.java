package dev.pointsman.flink.job;

/**
 * Champion/challenger on the live windows: a pool whose router stays below the global trend's AUC
 * for {@code windows} counted windows in a row falls back to routing by the trend, and returns to
 * its router once that beats the trend for as many windows in a row (the decisions keep logging the
 * router's own predictions, so its windows are still measured while the trend routes).
 */
final class Fallback {
    /** What a window changed. */
    enum Change {
        NONE,
        FELL_BACK,
        RECOVERED
    }

    /** A pool's running count. A POJO, kept in keyed state. */
    public static class State {
        public int below;
        public int above;
        public boolean active;

        /** End of the newest window counted: replays and repeats are not counted again. */
        public long lastWindowEnd;

        public State() {}
    }

    private Fallback() {}

    /** Counts one window of the router's AUC against the trend's. */
    static Change observe(State s, double auc, double trendAuc, int windows) {
        if (auc < trendAuc) {
            s.below++;
            s.above = 0;
        } else {
            s.above++;
            s.below = 0;
        }
        if (!s.active && s.below >= windows) {
            s.active = true;
            return Change.FELL_BACK;
        }
        if (s.active && s.above >= windows) {
            s.active = false;
            return Change.RECOVERED;
        }
        return Change.NONE;
    }
}

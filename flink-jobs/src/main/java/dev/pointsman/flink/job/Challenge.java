package dev.pointsman.flink.job;

/**
 * Champion/challenger between a pool's router and its challenger ({@link Decider#challengerOf}) on
 * the live windows, where both are measured on the same fully observed queries: a challenger whose
 * AUC beats the router's in {@code windows} counted windows in a row is promoted to decide in its
 * place, and the router it replaced becomes the challenger, promoted back the same way.
 */
final class Challenge {
    /** A pool's running count. A POJO, kept in keyed state. */
    public static class State {
        public boolean promoted;
        public int wins;

        /** The window end and AUC of the one side of a pair that arrived first; -1: none. */
        public long pendingEnd = -1;

        public double pendingAuc;
        public boolean pendingIsChampion;

        /** End of the newest window counted: replays and repeats are not counted again. */
        public long lastCounted = -1;

        /** The challenger's AUC in that window. */
        public double lastChallengerAuc = Double.NaN;

        public State() {}
    }

    private Challenge() {}

    /**
     * Counts one side of a window's pair (the router's AUC or the challenger's, in either order);
     * once both sides of the same window are in, a challenger win extends the run and anything else
     * ends it.
     *
     * @return whether the promotion flipped
     */
    static boolean observe(State s, boolean champion, long windowEnd, double auc, int windows) {
        if (windowEnd <= s.lastCounted) {
            return false;
        }
        if (s.pendingEnd != windowEnd || s.pendingIsChampion == champion) {
            s.pendingEnd = windowEnd;
            s.pendingAuc = auc;
            s.pendingIsChampion = champion;
            return false;
        }
        double championAuc = champion ? auc : s.pendingAuc;
        double challengerAuc = champion ? s.pendingAuc : auc;
        s.pendingEnd = -1;
        s.lastCounted = windowEnd;
        s.lastChallengerAuc = challengerAuc;
        s.wins = challengerAuc > championAuc ? s.wins + 1 : 0;
        if (s.wins >= windows) {
            s.promoted = !s.promoted;
            s.wins = 0;
            return true;
        }
        return false;
    }
}

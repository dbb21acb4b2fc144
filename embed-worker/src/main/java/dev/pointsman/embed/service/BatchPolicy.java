package dev.pointsman.embed.service;

/**
 * When a micro-batch is flushed: as soon as it holds {@code maxSize} queries, or {@code maxWaitMs}
 * after its first query arrived, whichever comes first. Small waits trade a little latency for
 * larger, cheaper embedding batches.
 */
public record BatchPolicy(int maxSize, long maxWaitMs) {

    public BatchPolicy {
        if (maxSize <= 0) {
            throw new IllegalArgumentException("--batch-size must be > 0, got " + maxSize);
        }
        if (maxWaitMs < 0) {
            throw new IllegalArgumentException("--max-wait must be >= 0, got " + maxWaitMs + " ms");
        }
    }

    /**
     * @param size records held now
     * @param firstArrivalMs when the first of them arrived (monotonic millis)
     */
    public boolean shouldFlush(int size, long firstArrivalMs, long nowMs) {
        return size > 0 && (size >= maxSize || nowMs - firstArrivalMs >= maxWaitMs);
    }

    /** How long the next poll may block without overrunning the batch's deadline. */
    public long pollTimeoutMs(int size, long firstArrivalMs, long nowMs) {
        if (size == 0) {
            return Math.max(1, maxWaitMs);
        }
        return Math.max(0, maxWaitMs - (nowMs - firstArrivalMs));
    }
}

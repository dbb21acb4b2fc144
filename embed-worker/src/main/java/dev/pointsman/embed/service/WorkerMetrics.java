package dev.pointsman.embed.service;

import java.util.concurrent.atomic.AtomicLong;

/** Counters the worker keeps; read them from any thread. */
public final class WorkerMetrics {
    final AtomicLong embedded = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong lastBatchSize = new AtomicLong();
    final AtomicLong maxBatchSize = new AtomicLong();
    final AtomicLong lastLagMs = new AtomicLong();
    final AtomicLong embedNanos = new AtomicLong();

    public long embedded() {
        return embedded.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    public long batches() {
        return batches.get();
    }

    public long lastBatchSize() {
        return lastBatchSize.get();
    }

    public long maxBatchSize() {
        return maxBatchSize.get();
    }

    /** Wall-clock time from the newest query's record timestamp to its embedding's commit. */
    public long lastLagMs() {
        return lastLagMs.get();
    }

    /** Embeddings per second of embedding time (excludes waiting for input). */
    public double embeddingsPerSecond() {
        long nanos = embedNanos.get();
        return nanos == 0 ? 0 : embedded.get() * 1e9 / nanos;
    }

    void recordBatch(int size, long nanos) {
        batches.incrementAndGet();
        embedded.addAndGet(size);
        lastBatchSize.set(size);
        maxBatchSize.accumulateAndGet(size, Math::max);
        embedNanos.addAndGet(nanos);
    }
}

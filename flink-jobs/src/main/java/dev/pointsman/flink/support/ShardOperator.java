package dev.pointsman.flink.support;

import dev.pointsman.flink.records.DeadLetters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The support shards' operator: {@link SupportShardFunction} with queries queued so that a shard
 * answers several in one pass over its rows. In the job a shard's rows are rarely still in cache
 * when the next query comes (the broker and the other operators share the cores' caches), and a
 * batch reads them once for all its queries: per query, 1.7× faster at 10,000 rows and 3.6× at
 * 100,000 in batches of 16 (JMH, before the two-query kernel; docs/PERFORMANCE.md). Batches form
 * only when queries queue up: at saturation in {@code bench route} they averaged 2–3.
 *
 * <p>A query waits at most {@code maxWait}, and only while queries arrive faster than that (an
 * exponentially weighted mean of the gaps between them, on the operator's processing-time clock);
 * at lighter load, or with a wait of 0, each is answered at once. The metrics {@code
 * support.searchPasses} and {@code support.searchedQueries} give the mean batch while batching. The
 * queue is answered when it holds {@code maxBatch} queries, when its wait is up, before any
 * feedback example is stored (so every query sees the examples it would have seen alone, in the
 * same order) and before a checkpoint barrier passes, so no query is ever in a checkpoint's
 * operator state: the queue is only ever in flight.
 */
public final class ShardOperator extends KeyedProcessOperator<String, ShardEvent, ShardResult> {
    private static final long serialVersionUID = 1L;

    private final int maxBatch;
    private final long maxWaitMs;

    /** Queued queries by the shard key the runtime set for each, in arrival order. */
    private transient Map<Object, List<ShardEvent>> queued;

    private transient int queuedCount;
    private transient long lastArrival;
    private transient double meanGapMs;
    private transient boolean timerSet;
    private transient Counter batches;
    private transient Counter batchedQueries;

    public ShardOperator(SupportShardFunction function, int maxBatch, Duration maxWait) {
        super(function);
        if (maxBatch < 1) {
            throw new IllegalArgumentException("search-batch must be >= 1, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.maxWaitMs = maxWait.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        queued = new LinkedHashMap<>();
        lastArrival = Long.MIN_VALUE;
        meanGapMs = Double.MAX_VALUE;
        var group = getRuntimeContext().getMetricGroup().addGroup("support");
        batches = group.counter("searchPasses");
        batchedQueries = group.counter("searchedQueries");
    }

    @Override
    public void processElement(StreamRecord<ShardEvent> element) throws Exception {
        ShardEvent event = element.getValue();
        if (maxBatch == 1 || !event.isQuery()) {
            answerQueued();
            super.processElement(element);
            return;
        }
        // The operator's processing-time clock (milliseconds): what a test harness controls.
        long now = getProcessingTimeService().getCurrentProcessingTime();
        if (lastArrival == Long.MIN_VALUE) {
            lastArrival = now;
        } else {
            double gap = now - lastArrival;
            meanGapMs = meanGapMs == Double.MAX_VALUE ? gap : 0.8 * meanGapMs + 0.2 * gap;
            lastArrival = now;
        }
        queued.computeIfAbsent(getCurrentKey(), k -> new ArrayList<>()).add(event);
        queuedCount++;
        if (queuedCount >= maxBatch || meanGapMs >= maxWaitMs) {
            answerQueued();
        } else if (!timerSet) {
            timerSet = true;
            getProcessingTimeService()
                    .registerTimer(
                            now + maxWaitMs,
                            time -> {
                                timerSet = false;
                                answerQueued();
                            });
        }
    }

    /** Answers every queued query: per shard key, in arrival order, one pass each. */
    private void answerQueued() throws Exception {
        if (queued.isEmpty()) {
            return;
        }
        Map<Object, List<ShardEvent>> byKey = queued;
        queued = new LinkedHashMap<>();
        batches.inc();
        batchedQueries.inc(queuedCount);
        queuedCount = 0;
        // Answers carry no record timestamp: nothing downstream reads one (the job keeps no
        // event-time windows or timers, and the sinks stamp records when they send them).
        Object current = getCurrentKey();
        SupportShardFunction function = (SupportShardFunction) userFunction;
        try {
            for (Map.Entry<Object, List<ShardEvent>> e : byKey.entrySet()) {
                setCurrentKey(e.getKey());
                function.searchAll(
                        (String) e.getKey(),
                        e.getValue(),
                        result -> output.collect(new StreamRecord<>(result)),
                        letter -> output.collect(DeadLetters.TAG, new StreamRecord<>(letter)));
            }
        } finally {
            if (current != null) {
                setCurrentKey(current);
            }
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        answerQueued();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        answerQueued();
        super.finish();
    }
}

package dev.pointsman.flink.support;

import dev.pointsman.core.knn.Ranked;
import dev.pointsman.core.knn.SupportIndex;
import dev.pointsman.flink.records.DeadLetters;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.util.Collector;

/**
 * Keyed by query id: gathers the shards' partial top-k lists and emits the merged top-k once every
 * shard has answered, or when {@code timeout} has passed since the first answer, saying how many
 * shards were missing. Answers that arrive after the query was decided are dropped and counted, so
 * a query is decided once. The merge is exact: the same neighbours, in the same order, as one
 * search over the union of the shards.
 *
 * <p>A query's answers so far wait in memory, not in keyed state (about 27 KB each at k 100 and 11
 * models, which RocksDB would write and read back for every query): the job runs it as {@link
 * #operator}, which writes those still waiting to keyed state before a checkpoint barrier passes,
 * so that a checkpoint holds every answer received and a restore finds them there.
 */
public class NeighbourMerger extends KeyedProcessFunction<String, ShardResult, Neighbourhood> {
    private static final long serialVersionUID = 1L;

    /** The answers so far of a query still waiting for more, and when its wait ends. */
    private record Waiting(List<ShardResult> answers, long deadline) {}

    /** Queries waiting for more answers, by key, in memory since the last checkpoint. */
    private transient Map<String, Waiting> waiting;

    private final long timeoutMs;
    private final Duration remember;

    private transient ListState<ShardResult> partials;
    private transient ValueState<Long> deadline;

    /** The event time of the query this key decided, while it is remembered. */
    private transient ValueState<Long> decided;

    private transient Counter incomplete;
    private transient Counter late;
    private transient Counter reused;

    /**
     * @param timeout longest wait for the last shard after the first answered
     * @param remember how long a decided query id is remembered, to drop late answers
     */
    public NeighbourMerger(Duration timeout, Duration remember) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("merge.timeout must be > 0, got " + timeout);
        }
        this.timeoutMs = timeout.toMillis();
        this.remember = remember;
    }

    /** The merge as the job runs it: answers wait in memory between checkpoints. */
    public static KeyedProcessOperator<String, ShardResult, Neighbourhood> operator(
            Duration timeout, Duration remember) {
        return new Operator(new NeighbourMerger(timeout, remember));
    }

    /** Spills the answers waiting in memory to keyed state before each checkpoint barrier. */
    private static final class Operator
            extends KeyedProcessOperator<String, ShardResult, Neighbourhood> {
        private static final long serialVersionUID = 1L;

        Operator(NeighbourMerger merger) {
            super(merger);
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            NeighbourMerger merger = (NeighbourMerger) userFunction;
            Object current = getCurrentKey();
            try {
                for (String key : merger.waitingKeys()) {
                    setCurrentKey(key);
                    merger.spill(key);
                }
            } finally {
                if (current != null) {
                    setCurrentKey(current);
                }
            }
            super.prepareSnapshotPreBarrier(checkpointId);
        }
    }

    @Override
    public void open(OpenContext context) {
        waiting = new HashMap<>();
        partials =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "partials", TypeInformation.of(ShardResult.class)));
        deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
        ValueStateDescriptor<Long> decidedDescriptor =
                new ValueStateDescriptor<>("decided-at", Types.LONG);
        decidedDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(remember).build());
        decided = getRuntimeContext().getState(decidedDescriptor);
        var group = getRuntimeContext().getMetricGroup().addGroup("merge");
        incomplete = group.counter("incomplete");
        late = group.counter("late");
        reused = group.counter("reused");
    }

    /** The key of a query's shard answers: its pool and id (ids are unique only within a pool). */
    public static String key(ShardResult r) {
        return r.pool + "\u0000" + r.queryId;
    }

    @Override
    public void processElement(ShardResult partial, Context ctx, Collector<Neighbourhood> out)
            throws Exception {
        Long decidedAt = decided.value();
        if (decidedAt != null) {
            if (decidedAt == partial.ts) {
                late.inc(); // a slow shard's answer for the query already decided
                return;
            }
            // Another query of the pool reusing a decided id: not decided twice, and not dropped
            // unseen either (shard 0's answer speaks for it).
            reused.inc();
            if (partial.shard == 0) {
                ctx.output(
                        DeadLetters.TAG,
                        DeadLetters.of(
                                KafkaRecord.derived(
                                        Topics.QUERIES_EMBEDDED,
                                        partial.queryId.getBytes(StandardCharsets.UTF_8),
                                        null,
                                        partial.ts),
                                "duplicate",
                                reusedId(partial.queryId, partial.pool, remember, decidedAt),
                                partial.pool,
                                false));
            }
            return;
        }
        String key = ctx.getCurrentKey();
        Waiting waits = waiting.get(key);
        List<ShardResult> received;
        Long timer;
        boolean stored = false;
        if (waits != null) {
            received = waits.answers;
            timer = waits.deadline;
        } else {
            received = new ArrayList<>();
            // Only a query whose earlier answers were checkpointed has a deadline in state.
            timer = deadline.value();
            if (timer != null) {
                partials.get().forEach(received::add);
                stored = true;
            }
        }
        received.add(partial);
        if (received.size() >= partial.shards) {
            if (timer != null) {
                ctx.timerService().deleteProcessingTimeTimer(timer);
            }
            waiting.remove(key);
            emit(received, out, stored);
            return;
        }
        if (stored) {
            partials.add(partial);
        } else if (waits == null) {
            long at = ctx.timerService().currentProcessingTime() + timeoutMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            waiting.put(key, new Waiting(received, at));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Neighbourhood> out)
            throws Exception {
        if (decided.value() != null) {
            return;
        }
        Waiting waits = waiting.remove(ctx.getCurrentKey());
        List<ShardResult> received = new ArrayList<>();
        if (waits != null) {
            received.addAll(waits.answers);
        } else {
            partials.get().forEach(received::add);
        }
        if (!received.isEmpty()) {
            incomplete.inc();
            emit(received, out, waits == null);
        }
    }

    /** The keys whose answers so far are only in memory, for {@link #spill}. */
    List<String> waitingKeys() {
        return new ArrayList<>(waiting.keySet());
    }

    /**
     * Writes the answers so far of the current key (one of {@link #waitingKeys}) to keyed state, so
     * that a checkpoint holds them, and forgets them here: its later answers find them there.
     */
    void spill(String key) throws Exception {
        Waiting waits = waiting.remove(key);
        if (waits != null) {
            partials.update(waits.answers);
            deadline.update(waits.deadline);
        }
    }

    private void emit(List<ShardResult> received, Collector<Neighbourhood> out, boolean stored)
            throws Exception {
        out.collect(merge(received));
        if (stored) {
            partials.clear();
            deadline.clear();
        }
        decided.update(received.get(0).ts);
    }

    /**
     * Why a query reusing {@code queryId} of {@code pool}, decided at {@code decidedAt} (event
     * time) and remembered for {@code remember}, is dead-lettered: here, or at the intake where no
     * merge step follows.
     */
    public static String reusedId(String queryId, String pool, Duration remember, long decidedAt) {
        return "query id "
                + queryId
                + " of pool "
                + pool
                + " was decided less than "
                + remember.toMinutes()
                + " minutes ago (for a query of "
                + java.time.Instant.ofEpochMilli(decidedAt)
                + "); query ids must be unique within a pool";
    }

    /** A neighbourhood for the query {@code r} answers, without neighbours yet. */
    private static Neighbourhood of(ShardResult r) {
        Neighbourhood n = new Neighbourhood();
        n.queryId = r.queryId;
        n.pool = r.pool;
        n.ts = r.ts;
        n.lambda = r.lambda;
        n.budget = r.budget;
        n.shards = r.shards;
        return n;
    }

    /**
     * The neighbourhood of a pool with one shard: that shard's answer as it is (its columns are
     * already in model-name order and its list is already the top-k), the same as {@link #merge} of
     * it alone without copying a cell. A job whose pools have one shard needs no merge step.
     */
    public static Neighbourhood whole(ShardResult r) {
        Neighbourhood n = of(r);
        n.shardsMissing = 0;
        n.supportSize = r.shardSize;
        n.oodScore = r.oodZ;
        n.vector = r.vector;
        n.ids = r.ids;
        n.similarities = r.similarities;
        n.seqs = r.seqs;
        n.models = r.models;
        n.scores = r.scores;
        n.costs = r.costs;
        n.propensities = r.propensities;
        return n;
    }

    /**
     * The exact top-k over the partial lists, with the outcomes re-laid over the union of models.
     */
    static Neighbourhood merge(List<ShardResult> received) {
        ShardResult first = received.get(0);
        int total = 0;
        for (ShardResult r : received) {
            total += r.size();
        }
        // Flatten: Ranked.slot() is a row of the flattened list.
        int[] partOf = new int[total];
        int[] rowOf = new int[total];
        List<Ranked[]> lists = new ArrayList<>();
        TreeMap<String, Integer> modelIndex = new TreeMap<>();
        int flat = 0;
        long supportSize = 0;
        for (int p = 0; p < received.size(); p++) {
            ShardResult r = received.get(p);
            supportSize += r.shardSize;
            Ranked[] list = new Ranked[r.size()];
            for (int i = 0; i < r.size(); i++) {
                list[i] = new Ranked(r.similarities[i], r.seqs[i], flat);
                partOf[flat] = p;
                rowOf[flat] = i;
                flat++;
            }
            lists.add(list);
            for (String model : r.models) {
                modelIndex.putIfAbsent(model, 0);
            }
        }
        String[] models = modelIndex.keySet().toArray(new String[0]);
        for (int m = 0; m < models.length; m++) {
            modelIndex.put(models[m], m);
        }
        Ranked[] best = SupportIndex.merge(lists, first.k);

        Neighbourhood n = of(first);
        n.shardsMissing = Math.max(0, first.shards - received.size());
        n.supportSize = supportSize;
        double zSum = 0;
        int zCount = 0;
        for (ShardResult r : received) {
            if (!Double.isNaN(r.oodZ)) {
                zSum += r.oodZ;
                zCount++;
            }
        }
        n.oodScore = zCount == 0 ? Double.NaN : zSum / zCount;
        for (ShardResult r : received) {
            if (r.vector != null) {
                n.vector = r.vector;
            }
        }
        n.ids = new String[best.length];
        n.similarities = new float[best.length];
        n.seqs = new long[best.length];
        n.models = models;
        n.scores = new double[best.length * models.length];
        n.costs = new double[best.length * models.length];
        boolean explored = false;
        for (ShardResult r : received) {
            explored |= r.propensities != null;
        }
        // None when no neighbour was explored (the decider reads null as observed for certain).
        n.propensities = explored ? new double[best.length * models.length] : null;
        Arrays.fill(n.scores, Double.NaN);
        Arrays.fill(n.costs, Double.NaN);
        if (explored) {
            Arrays.fill(n.propensities, 1.0);
        }
        // Each answer's model columns in the merged layout, looked up once per answer.
        int[][] columnOf = new int[received.size()][];
        for (int p = 0; p < received.size(); p++) {
            String[] own = received.get(p).models;
            columnOf[p] = new int[own.length];
            for (int m = 0; m < own.length; m++) {
                columnOf[p][m] = modelIndex.get(own[m]);
            }
        }
        for (int i = 0; i < best.length; i++) {
            int part = partOf[best[i].slot()];
            ShardResult r = received.get(part);
            int row = rowOf[best[i].slot()];
            n.ids[i] = r.ids[row];
            n.similarities[i] = r.similarities[row];
            n.seqs[i] = r.seqs[row];
            for (int m = 0; m < r.models.length; m++) {
                int cell = i * models.length + columnOf[part][m];
                n.scores[cell] = r.scores[row * r.models.length + m];
                n.costs[cell] = r.costs[row * r.models.length + m];
                if (r.propensities != null) {
                    n.propensities[cell] = r.propensities[row * r.models.length + m];
                }
            }
        }
        return n;
    }
}

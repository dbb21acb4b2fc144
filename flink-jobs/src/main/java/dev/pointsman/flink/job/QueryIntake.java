package dev.pointsman.flink.job;

import dev.pointsman.flink.records.DeadLetters;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.flink.support.NeighbourMerger;
import dev.pointsman.flink.support.ShardEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.jspecify.annotations.Nullable;

/**
 * Checks a query against its pool and fans it out to every shard of the pool: to one copy of each
 * when shards are replicated, the same copy number for all (by a hash of the query id). Keyed by
 * the pool's lane for the query ({@code --deciders}), so that a hot pool's queries are checked on
 * as many subtasks as it has lanes. Where no merge step follows (one shard per pool), it also
 * remembers the ids it let through for {@code remember}: the same query read again is dropped
 * (counted as {@code intake.repeated}), another query that reuses an id is dead-lettered ({@code
 * duplicate}), as the merge step does otherwise. A query is decided once.
 */
final class QueryIntake extends CatalogGate<QueryEvent, ShardEvent> {
    private static final long serialVersionUID = 1L;
    private final int shards;
    private final int replicas;
    private final int k;
    private final @Nullable Duration remember;

    /** The ids let through, with their query's event time, while remembered. */
    private transient @Nullable MapState<String, Long> seen;

    /** Queries read again (same id and event time), where ids are remembered. */
    private transient @Nullable Counter repeated;

    QueryIntake(int shards, int replicas, int k, Duration catalogWait) {
        this(shards, replicas, k, catalogWait, 1, null);
    }

    /**
     * With a pool's queries keyed by {@code lanes} lanes ({@link #key}).
     *
     * @param remember how long a query id is remembered to refuse its reuse; null where the merge
     *     step does it
     */
    QueryIntake(
            int shards,
            int replicas,
            int k,
            Duration catalogWait,
            int lanes,
            @Nullable Duration remember) {
        super(QueryEvent.class, catalogWait, null, lanes);
        this.shards = shards;
        this.replicas = replicas;
        this.k = k;
        this.remember = remember;
    }

    @Override
    public void open(OpenContext context) {
        super.open(context);
        if (remember != null) {
            MapStateDescriptor<String, Long> ids =
                    new MapStateDescriptor<>("query-ids", Types.STRING, Types.LONG);
            ids.enableTimeToLive(StateTtlConfig.newBuilder(remember).build());
            seen = getRuntimeContext().getMapState(ids);
            repeated = getRuntimeContext().getMetricGroup().addGroup("intake").counter("repeated");
        }
    }

    @Override
    @Nullable String handle(QueryEvent q, Pool pool, Collector<ShardEvent> out) {
        Integer dimension = pool.settings().dimension();
        if (dimension != null && dimension != q.vector.length) {
            return "query "
                    + q.queryId
                    + " has "
                    + q.vector.length
                    + " dimensions, pool "
                    + q.pool
                    + " expects "
                    + dimension;
        }
        String embedder = pool.settings().embedder();
        if (embedder != null && !embedder.equals(q.embedder)) {
            return "query "
                    + q.queryId
                    + " was embedded with "
                    + q.embedder
                    + ", pool "
                    + q.pool
                    + " expects "
                    + embedder;
        }
        if (seen != null && reused(q, pool)) {
            return null;
        }
        int replica = ShardEvent.replicaOf(q.queryId, replicas);
        for (int s = 0; s < shards; s++) {
            ShardEvent e =
                    ShardEvent.query(q.pool, s, shards, q.queryId, q.vector, k, q.ts)
                            .atReplica(replica, replicas);
            e.lambda = q.lambda;
            e.budget = q.budget;
            out.collect(e);
        }
        return null;
    }

    /**
     * Whether {@code q}'s id is still remembered: the same query again (same event time) is dropped
     * and counted, another query reusing the id is dead-lettered. Else remembers it.
     */
    private boolean reused(QueryEvent q, Pool pool) {
        try {
            Long at = seen.get(q.queryId);
            if (at == null) {
                seen.put(q.queryId, q.ts);
                return false;
            }
            if (at == q.ts) {
                // The same query again (an upstream retry): it is decided once, quietly, as the
                // merge step drops a repeated answer.
                repeated.inc();
                return true;
            }
            output(
                    DeadLetters.TAG,
                    rejected(
                            q,
                            pool,
                            "duplicate",
                            NeighbourMerger.reusedId(q.queryId, q.pool, remember, at)));
            return true;
        } catch (Exception e) {
            throw new IllegalStateException("query ids of pool " + q.pool + " unreadable", e);
        }
    }

    /** The key a query is checked under: its pool's lane for it. */
    static String key(QueryEvent q, int lanes) {
        return key(q.pool, q.queryId, lanes);
    }

    @Override
    KafkaRecord source(QueryEvent in) {
        return in.source;
    }

    @Override
    String pool(QueryEvent in) {
        return in.pool;
    }
}

package dev.pointsman.flink.job;

import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.flink.support.ShardEvent;
import java.time.Duration;
import org.apache.flink.util.Collector;
import org.jspecify.annotations.Nullable;

/**
 * Checks a query against its pool and fans it out to every shard of the pool: to one copy of each
 * when shards are replicated, the same copy number for all (by a hash of the query id). Keyed by
 * the pool's lane for the query ({@code --deciders}), so that a hot pool's queries are checked on
 * as many subtasks as it has lanes; it keeps no state but the queries that wait for a catalog.
 */
final class QueryIntake extends CatalogGate<QueryEvent, ShardEvent> {
    private static final long serialVersionUID = 1L;
    private final int shards;
    private final int replicas;
    private final int k;

    QueryIntake(int shards, int replicas, int k, Duration catalogWait) {
        this(shards, replicas, k, catalogWait, 1);
    }

    /** With a pool's queries keyed by {@code lanes} lanes ({@link #key}). */
    QueryIntake(int shards, int replicas, int k, Duration catalogWait, int lanes) {
        super(QueryEvent.class, catalogWait, null, lanes);
        this.shards = shards;
        this.replicas = replicas;
        this.k = k;
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

package dev.pointsman.flink.job;

import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.flink.support.ShardEvent;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.util.Collector;
import org.jspecify.annotations.Nullable;

/**
 * Checks a feedback example against its pool's catalog and sends it to the shard that owns it: to
 * every copy of that shard when shards are replicated.
 */
final class FeedbackIntake extends CatalogGate<FeedbackEvent, ShardEvent> {
    private static final long serialVersionUID = 1L;
    private final int shards;
    private final int replicas;

    FeedbackIntake(int shards, int replicas, Duration catalogWait) {
        super(FeedbackEvent.class, catalogWait);
        this.shards = shards;
        this.replicas = replicas;
    }

    @Override
    @Nullable String handle(FeedbackEvent f, Pool pool, Collector<ShardEvent> out) {
        Integer dimension = pool.settings().dimension();
        if (dimension != null && dimension != f.dimension) {
            return "example "
                    + f.exampleId
                    + " has "
                    + f.dimension
                    + " dimensions, pool "
                    + f.pool
                    + " expects "
                    + dimension;
        }
        String embedder = pool.settings().embedder();
        if (embedder != null && !embedder.equals(f.embedder)) {
            return "example "
                    + f.exampleId
                    + " was embedded with "
                    + f.embedder
                    + ", pool "
                    + f.pool
                    + " expects "
                    + embedder;
        }
        Set<String> known = new HashSet<>(pool.models());
        for (String model : f.models) {
            if (!known.contains(model)) {
                return "example "
                        + f.exampleId
                        + " has an outcome for "
                        + model
                        + ", which is not in the catalog of pool "
                        + f.pool;
            }
        }
        int owner = ShardEvent.shardOf(f.exampleId, shards);
        for (int r = 0; r < replicas; r++) {
            out.collect(
                    ShardEvent.feedback(f.pool, owner, shards, f.encoded).atReplica(r, replicas));
        }
        return null;
    }

    @Override
    KafkaRecord source(FeedbackEvent in) {
        return in.source;
    }

    @Override
    String pool(FeedbackEvent in) {
        return in.pool;
    }
}

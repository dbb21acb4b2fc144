package dev.pointsman.flink.support;

import dev.pointsman.core.knn.IndexSpec;
import dev.pointsman.schemas.FeedbackExample;

/** A shard's in-memory mirror, reachable from the benchmarks' package (the cache is internal). */
public final class ShardCacheProbe {
    private final ShardCache cache;

    public ShardCacheProbe(int dimension, String embedder, IndexSpec spec) {
        cache = new ShardCache(dimension, embedder, spec);
    }

    public void add(FeedbackExample example) {
        cache.add(example);
    }

    public int size() {
        return cache.size();
    }
}

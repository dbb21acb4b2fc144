package dev.pointsman.flink.support;

import dev.pointsman.core.knn.IndexSpec;
import dev.pointsman.core.knn.SupportIndex;
import dev.pointsman.flink.records.DeadLetters;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.flink.records.KeyedBytes;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard of a pool's support set, keyed by (pool, shard). Keyed state (RocksDB in production)
 * holds every example, single-object encoded, and is the source of truth; a {@link ShardCache}
 * mirrors it for the scan, rebuilt from state on the first event after a restore and kept in step
 * on every insert, merge and eviction. Feedback for a known example id merges its outcomes (newer
 * values win per model); a new example past the shard's capacity evicts the oldest. A query returns
 * the shard's best k neighbours with their outcomes. What each example adds to the pool's spend
 * (the cost of outcomes not stored before) goes to the {@link SpendEvent#TAG} side output, for the
 * pool's spend pacer, from the first copy of a replicated shard only ({@link ShardEvent#replica}:
 * every copy stores every example of its shard, and a query asks one copy).
 *
 * <p>Inputs are validated before they reach a shard (dimension, embedder, finite values); an
 * example whose dimension or embedder differs from the shard's is dropped here and counted, as a
 * last line of defence.
 */
public class SupportShardFunction extends KeyedProcessFunction<String, ShardEvent, ShardResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SupportShardFunction.class);

    private final int capacity;
    private final IndexSpec indexSpec;

    private transient MapState<String, byte[]> examples;
    private transient ValueState<double[]> typicalityState;
    private transient Map<String, NeighbourTypicality> typicalities;
    private transient Map<String, ShardCache> caches;
    private transient SingleObjectCodec<FeedbackExample> codec;
    private transient Counter inserted;
    private transient Counter merged;
    private transient Counter evicted;
    private transient Counter rejected;

    /**
     * @param capacity most examples this shard keeps; the oldest go first
     */
    public SupportShardFunction(int capacity) {
        this(capacity, IndexSpec.EXACT);
    }

    /**
     * @param capacity most examples this shard keeps; the oldest go first
     * @param indexSpec the scan structure: exact, or an HNSW graph whose recall must be measured
     */
    public SupportShardFunction(int capacity, IndexSpec indexSpec) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("support.capacity must be > 0, got " + capacity);
        }
        this.capacity = capacity;
        this.indexSpec = indexSpec;
    }

    @Override
    public void open(OpenContext context) {
        examples =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "support-examples",
                                        Types.STRING,
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        caches = new HashMap<>();
        typicalityState =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "neighbour-typicality",
                                        PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        typicalities = new HashMap<>();
        codec = SingleObjectCodec.of(FeedbackExample.class);
        var group = getRuntimeContext().getMetricGroup().addGroup("support");
        inserted = group.counter("inserted");
        merged = group.counter("merged");
        evicted = group.counter("evicted");
        rejected = group.counter("rejected");
        LOG.info(
                "support shard subtask {}: {} index, exact scan kernel {}",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                indexSpec.kind().name().toLowerCase(Locale.ROOT),
                SupportIndex.scanKernel());
    }

    @Override
    public void processElement(ShardEvent event, Context ctx, Collector<ShardResult> out)
            throws Exception {
        if (event.isQuery()) {
            searchAll(
                    ctx.getCurrentKey(),
                    List.of(event),
                    out::collect,
                    letter -> ctx.output(DeadLetters.TAG, letter));
            return;
        }
        ShardCache cache = cache(ctx.getCurrentKey());
        FeedbackExample example = codec.decode(event.example);
        if (cache == null) {
            cache = new ShardCache(example.getDimension(), example.getEmbedder(), indexSpec);
            caches.put(ctx.getCurrentKey(), cache);
        }
        if (example.getDimension() != cache.dimension()
                || !example.getEmbedder().equals(cache.embedder())) {
            rejected.inc();
            if (event.replica != 0) {
                return; // every copy rejects it; the first one says so
            }
            String reason =
                    String.format(
                            "example %s has %d dimensions from %s; pool %s holds %d from %s",
                            example.getExampleId(),
                            example.getDimension(),
                            example.getEmbedder(),
                            event.pool,
                            cache.dimension(),
                            cache.embedder());
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.of(
                            KafkaRecord.derived(
                                    Topics.FEEDBACK,
                                    example.getExampleId().getBytes(StandardCharsets.UTF_8),
                                    event.example,
                                    0),
                            "dimension",
                            reason,
                            event.pool,
                            false));
            return;
        }
        // The cache keeps ids and outcome arrays, not examples: a merge reads the stored one.
        FeedbackExample known =
                cache.contains(example.getExampleId())
                        ? codec.decode(examples.get(example.getExampleId()))
                        : null;
        long ts = example.getTs().toEpochMilli();
        if (known != null) {
            if (example.getPaid() && event.replica == 0) {
                SpendEvent spend = SpendEvent.of(event.pool, ts, example, known.getOutcomes());
                if (spend.cost > 0 || spend.predicted > 0) {
                    ctx.output(SpendEvent.TAG, spend);
                }
            }
            Map<String, ObservedOutcome> outcomes = new HashMap<>(known.getOutcomes());
            outcomes.putAll(example.getOutcomes());
            FeedbackExample updated =
                    FeedbackExample.newBuilder(known).setOutcomes(outcomes).build();
            examples.put(updated.getExampleId(), codec.encode(updated));
            cache.update(updated);
            merged.inc();
            return;
        }
        while (cache.size() >= capacity) {
            examples.remove(cache.evictOldest());
            evicted.inc();
        }
        if (cache.size() > 0) {
            NeighbourTypicality typical = typicality(ctx.getCurrentKey());
            typical.observe(
                    cache.nearestSimilarity(
                            Float32Vectors.fromBytes(example.getVector(), example.getDimension())));
            typicalityState.update(typical.toArray());
        }
        examples.put(example.getExampleId(), event.example);
        cache.add(example);
        inserted.inc();
        if (example.getPaid() && event.replica == 0) {
            ctx.output(SpendEvent.TAG, SpendEvent.of(event.pool, ts, example, null));
        }
    }

    /**
     * Answers queries of the current key's shard, in order, with one pass over its rows for all of
     * them (the exact index reads each block of rows once per batch). {@link ShardOperator} calls
     * it with the queries it queued; {@link #processElement} with one.
     */
    void searchAll(
            String key,
            List<ShardEvent> queries,
            Consumer<ShardResult> out,
            Consumer<KeyedBytes> deadLetters)
            throws Exception {
        ShardCache cache = cache(key);
        List<ShardEvent> searched = new ArrayList<>(queries.size());
        for (ShardEvent event : queries) {
            // A query of another dimension than the pool's examples finds no neighbours here:
            // its decision rests on the catalog priors, and shard 0 dead-letters it so that the
            // embedder at fault is seen (declaring "dimension" in the catalog refuses such
            // queries at intake instead, undecided).
            if (cache == null || cache.dimension() != event.vector.length) {
                if (cache != null && event.shard == 0) {
                    deadLetters.accept(
                            DeadLetters.of(
                                    KafkaRecord.derived(
                                            Topics.QUERIES_EMBEDDED,
                                            event.queryId.getBytes(StandardCharsets.UTF_8),
                                            null,
                                            event.ts),
                                    "dimension",
                                    String.format(
                                            "query %s has %d dimensions; pool %s holds examples"
                                                    + " of %d (from %s), so it was decided on the"
                                                    + " catalog priors",
                                            event.queryId,
                                            event.vector.length,
                                            event.pool,
                                            cache.dimension(),
                                            cache.embedder()),
                                    event.pool,
                                    false));
                }
                out.accept(empty(event));
            } else {
                searched.add(event);
            }
        }
        if (searched.isEmpty()) {
            return;
        }
        ShardResult[] results = cache.searchAll(searched);
        NeighbourTypicality typical = typicality(key);
        for (int i = 0; i < results.length; i++) {
            ShardEvent event = searched.get(i);
            ShardResult result = results[i];
            if (event.shard == 0) {
                result.vector = event.vector;
            }
            result.budget = event.budget;
            // The nearest neighbour is the first of the k just found: no second search.
            float nearest = result.similarities.length > 0 ? result.similarities[0] : Float.NaN;
            result.oodZ = typical.zScore(nearest);
            out.accept(result);
        }
    }

    /** The current key's neighbour-similarity statistics, restored from state on first use. */
    private NeighbourTypicality typicality(String key) throws Exception {
        NeighbourTypicality t = typicalities.get(key);
        if (t == null) {
            t = NeighbourTypicality.fromArray(typicalityState.value());
            typicalities.put(key, t);
        }
        return t;
    }

    /** The current key's cache, rebuilt from state if this instance has not seen the key yet. */
    private ShardCache cache(String key) throws Exception {
        ShardCache cache = caches.get(key);
        if (cache != null || examples.isEmpty()) {
            return cache;
        }
        for (byte[] bytes : examples.values()) {
            FeedbackExample example;
            try {
                example = codec.decode(bytes);
            } catch (UndecodableRecordException e) {
                throw new IllegalStateException(
                        "shard " + key + " holds an undecodable example", e);
            }
            if (cache == null) {
                cache = new ShardCache(example.getDimension(), example.getEmbedder(), indexSpec);
            }
            cache.add(example);
        }
        caches.put(key, cache);
        LOG.info(
                "shard {}: rebuilt the scan cache from state ({} examples, {})",
                key,
                cache.size(),
                cache.describeIndex());
        return cache;
    }

    private static ShardResult empty(ShardEvent event) {
        ShardResult out = new ShardResult();
        out.queryId = event.queryId;
        out.pool = event.pool;
        out.shard = event.shard;
        out.shards = event.shards;
        out.ts = event.ts;
        out.k = event.k;
        if (event.shard == 0) {
            out.vector = event.vector;
        }
        out.lambda = event.lambda;
        out.budget = event.budget;
        out.ids = new String[0];
        out.similarities = new float[0];
        out.seqs = new long[0];
        out.models = new String[0];
        out.scores = new double[0];
        out.costs = new double[0];
        out.propensities = new double[0];
        return out;
    }
}

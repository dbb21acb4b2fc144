package dev.pointsman.flink.support;

import dev.pointsman.core.knn.IndexSpec;
import dev.pointsman.core.knn.KnnIndex;
import dev.pointsman.core.knn.Ranked;
import dev.pointsman.core.vector.Vectors;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.codec.Float32Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The in-memory scan structure of one shard, kept in step with its keyed state: the vectors in a
 * {@link KnnIndex} (exact unless the job asks for a graph), each slot's example, and the examples
 * in age order for eviction. It is rebuilt from state after a restore, so it never holds anything
 * the state does not.
 */
final class ShardCache {
    /** Age order: event time, then id, so eviction is deterministic. */
    private record Age(long ts, String id) {}

    private static final Comparator<Age> OLDEST_FIRST =
            Comparator.comparingLong(Age::ts).thenComparing(Age::id);

    private final int dimension;
    private final String embedder;
    private final KnnIndex index;
    private final Map<String, Integer> slotById = new HashMap<>();
    private final Map<Integer, FeedbackExample> bySlot = new HashMap<>();
    private final TreeSet<Age> ages = new TreeSet<>(OLDEST_FIRST);

    ShardCache(int dimension, String embedder) {
        this(dimension, embedder, IndexSpec.EXACT);
    }

    ShardCache(int dimension, String embedder, IndexSpec spec) {
        this.dimension = dimension;
        this.embedder = embedder;
        this.index = spec.create(dimension);
    }

    String describeIndex() {
        return index.describe();
    }

    int dimension() {
        return dimension;
    }

    String embedder() {
        return embedder;
    }

    int size() {
        return index.size();
    }

    FeedbackExample get(String id) {
        Integer slot = slotById.get(id);
        return slot == null ? null : bySlot.get(slot);
    }

    /** Adds a new example (its id must not be present). */
    void add(FeedbackExample example) {
        float[] vector = Float32Vectors.fromBytes(example.getVector(), example.getDimension());
        int slot = index.add(vector, example.getTs().toEpochMilli());
        slotById.put(example.getExampleId(), slot);
        bySlot.put(slot, example);
        ages.add(new Age(example.getTs().toEpochMilli(), example.getExampleId()));
    }

    /** Replaces the outcomes of a stored example; its vector and age stay. */
    void update(FeedbackExample example) {
        bySlot.put(slotById.get(example.getExampleId()), example);
    }

    /** Removes and returns the id of the oldest example. */
    String evictOldest() {
        Age oldest = ages.pollFirst();
        int slot = slotById.remove(oldest.id());
        bySlot.remove(slot);
        index.remove(slot);
        return oldest.id();
    }

    /**
     * Cosine similarity of {@code vector} to its nearest example here (approximate with a graph
     * index); NaN when empty.
     */
    float nearestSimilarity(float[] vector) {
        return index.nearestSimilarity(Vectors.l2Normalized(vector));
    }

    /**
     * The shard's best {@code k} neighbours of {@code query} (normalised here exactly as the
     * offline evaluation normalises queries), with their outcomes.
     */
    ShardResult search(
            String queryId,
            String pool,
            int shard,
            int shards,
            float[] query,
            int k,
            long ts,
            double lambda) {
        Ranked[] hits = index.search(Vectors.l2Normalized(query), k);
        TreeMap<String, Integer> modelIndex = new TreeMap<>();
        for (Ranked hit : hits) {
            for (String model : bySlot.get(hit.slot()).getOutcomes().keySet()) {
                modelIndex.putIfAbsent(model, 0);
            }
        }
        List<String> models = new ArrayList<>(modelIndex.keySet());
        for (int m = 0; m < models.size(); m++) {
            modelIndex.put(models.get(m), m);
        }
        ShardResult out = new ShardResult();
        out.queryId = queryId;
        out.pool = pool;
        out.shard = shard;
        out.shards = shards;
        out.ts = ts;
        out.k = k;
        out.lambda = lambda;
        out.shardSize = index.size();
        out.ids = new String[hits.length];
        out.similarities = new float[hits.length];
        out.seqs = new long[hits.length];
        out.models = models.toArray(new String[0]);
        out.scores = new double[hits.length * models.size()];
        out.costs = new double[hits.length * models.size()];
        out.propensities = new double[hits.length * models.size()];
        Arrays.fill(out.scores, Double.NaN);
        Arrays.fill(out.costs, Double.NaN);
        Arrays.fill(out.propensities, 1.0);
        for (int i = 0; i < hits.length; i++) {
            FeedbackExample example = bySlot.get(hits[i].slot());
            out.ids[i] = example.getExampleId();
            out.similarities[i] = hits[i].similarity();
            out.seqs[i] = hits[i].seq();
            for (Map.Entry<String, ObservedOutcome> e : example.getOutcomes().entrySet()) {
                int cell = i * models.size() + modelIndex.get(e.getKey());
                out.scores[cell] = e.getValue().getScore();
                out.costs[cell] = e.getValue().getCost();
                double p = e.getValue().getPropensity();
                out.propensities[cell] = p > 0 && p <= 1 ? p : 1.0; // a producer's bug: certain
            }
        }
        return out;
    }
}

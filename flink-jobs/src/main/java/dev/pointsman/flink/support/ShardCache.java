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

    /**
     * Each slot's example, and its outcomes laid out for the search: the hot path reads arrays, not
     * the example's map (hash lookups per neighbour and model were 15% of a shard's time).
     */
    private Row[] rows = new Row[16];

    /** Model name → its number in this shard, and back: the rows' outcomes name models by it. */
    private final Map<String, Integer> modelIds = new HashMap<>();

    private final List<String> modelNames = new ArrayList<>();

    /**
     * What a search needs of an example: its id and outcomes. Not the decoded example itself, whose
     * vector bytes would double the index rows and whose outcome map of objects costs more than
     * these arrays (bench/shard-memory.sh: 6.7 against 3.4 KB per example with 11 models, 20.8
     * against 5.9 with 100); a merge reads the example from state.
     */
    private record Row(
            String id,
            int[] models,
            double[] scores,
            double[] costs,
            double[] propensities,
            boolean certain) {}

    private Row row(FeedbackExample example) {
        Map<String, ObservedOutcome> outcomes = example.getOutcomes();
        int n = outcomes.size();
        int[] models = new int[n];
        double[] scores = new double[n];
        double[] costs = new double[n];
        double[] propensities = new double[n];
        boolean certain = true;
        int j = 0;
        for (Map.Entry<String, ObservedOutcome> e : outcomes.entrySet()) {
            Integer id = modelIds.get(e.getKey());
            if (id == null) {
                id = modelNames.size();
                modelIds.put(e.getKey(), id);
                modelNames.add(e.getKey());
            }
            models[j] = id;
            scores[j] = e.getValue().getScore();
            costs[j] = e.getValue().getCost();
            double p = e.getValue().getPropensity();
            propensities[j] = p > 0 && p <= 1 ? p : 1.0; // a producer's bug: certain
            certain &= propensities[j] == 1.0;
            j++;
        }
        return new Row(example.getExampleId(), models, scores, costs, propensities, certain);
    }

    private void put(int slot, FeedbackExample example) {
        if (slot >= rows.length) {
            rows = Arrays.copyOf(rows, Math.max(slot + 1, rows.length * 2));
        }
        rows[slot] = row(example);
    }

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

    /** Whether the shard holds an example with this id. */
    boolean contains(String id) {
        return slotById.containsKey(id);
    }

    /** Adds a new example (its id must not be present). */
    void add(FeedbackExample example) {
        float[] vector = Float32Vectors.fromBytes(example.getVector(), example.getDimension());
        int slot = index.add(vector, example.getTs().toEpochMilli());
        slotById.put(example.getExampleId(), slot);
        put(slot, example);
        ages.add(new Age(example.getTs().toEpochMilli(), example.getExampleId()));
    }

    /** Replaces the outcomes of a stored example; its vector and age stay. */
    void update(FeedbackExample example) {
        put(slotById.get(example.getExampleId()), example);
    }

    /** Removes and returns the id of the oldest example. */
    String evictOldest() {
        Age oldest = ages.pollFirst();
        int slot = slotById.remove(oldest.id());
        rows[slot] = null;
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
     * The shard's best {@code k} neighbours of each query (normalised here exactly as the offline
     * evaluation normalises queries), with their outcomes, in one pass over the rows.
     */
    ShardResult[] searchAll(List<ShardEvent> queries) {
        int k = queries.get(0).k;
        for (ShardEvent q : queries) {
            k = Math.max(k, q.k);
        }
        float[][] unit = new float[queries.size()][];
        for (int i = 0; i < unit.length; i++) {
            unit[i] = Vectors.l2Normalized(queries.get(i).vector);
        }
        Ranked[][] found = index.searchAll(unit, k);
        ShardResult[] results = new ShardResult[found.length];
        for (int i = 0; i < found.length; i++) {
            ShardEvent q = queries.get(i);
            // A query that asked for fewer than the batch's most gets the best of those found.
            Ranked[] hits = found[i].length > q.k ? Arrays.copyOf(found[i], q.k) : found[i];
            results[i] = result(hits, q.queryId, q.pool, q.shard, q.shards, q.k, q.ts, q.lambda);
        }
        return results;
    }

    private ShardResult result(
            Ranked[] hits,
            String queryId,
            String pool,
            int shard,
            int shards,
            int k,
            long ts,
            double lambda) {
        // The models the neighbours observed, in name order: the result's columns.
        boolean[] seen = new boolean[modelNames.size()];
        int count = 0;
        for (Ranked hit : hits) {
            for (int id : rows[hit.slot()].models()) {
                if (!seen[id]) {
                    seen[id] = true;
                    count++;
                }
            }
        }
        String[] models = new String[count];
        int c = 0;
        for (int id = 0; id < seen.length; id++) {
            if (seen[id]) {
                models[c++] = modelNames.get(id);
            }
        }
        Arrays.sort(models);
        int[] column = new int[seen.length];
        for (int m = 0; m < models.length; m++) {
            column[modelIds.get(models[m])] = m;
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
        out.models = models;
        out.scores = new double[hits.length * models.length];
        out.costs = new double[hits.length * models.length];
        // Propensities only when a neighbour has an explored outcome: otherwise every one is 1,
        // and a third of the answer's bytes would say so (null reads as 1 downstream).
        boolean certain = true;
        for (Ranked hit : hits) {
            certain &= rows[hit.slot()].certain();
        }
        out.propensities = certain ? null : new double[hits.length * models.length];
        Arrays.fill(out.scores, Double.NaN);
        Arrays.fill(out.costs, Double.NaN);
        if (!certain) {
            Arrays.fill(out.propensities, 1.0);
        }
        for (int i = 0; i < hits.length; i++) {
            Row row = rows[hits[i].slot()];
            out.ids[i] = row.id();
            out.similarities[i] = hits[i].similarity();
            out.seqs[i] = hits[i].seq();
            int[] ids = row.models();
            for (int j = 0; j < ids.length; j++) {
                int cell = i * models.length + column[ids[j]];
                out.scores[cell] = row.scores()[j];
                out.costs[cell] = row.costs()[j];
                if (!certain) {
                    out.propensities[cell] = row.propensities()[j];
                }
            }
        }
        return out;
    }
}

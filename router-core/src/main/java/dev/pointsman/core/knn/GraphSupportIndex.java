package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;
import java.util.Arrays;

/**
 * An approximate support-set index: an {@link HnswIndex} behind stable slots. A removed row is only
 * marked in the graph, where it keeps guiding searches; once marked nodes outnumber live ones, the
 * graph is rebuilt from the live rows in their insertion order, which costs about as much as
 * inserting them again. Found rows carry their exact similarities (the graph re-scores them), so
 * only which rows are found can differ from {@link SupportIndex}: measure recall@k.
 */
public final class GraphSupportIndex implements KnnIndex {
    private static final int MIN_DELETED_FOR_REBUILD = 64;

    /**
     * The beam for {@link #nearestSimilarity}: a shard asks it on every insert for its typicality
     * statistics, and the full search beam made that cost as much as the insert itself.
     */
    private static final int NEAREST_EF = 16;

    private final int dimension;
    private final int m;
    private final int efConstruction;
    private final int ef;
    private final long seed;
    private HnswIndex graph;
    private final Slots slots = new Slots(1024);
    private int[] nodeOfSlot;
    private int[] slotOfNode;
    private int rebuilds;

    /**
     * @param m links per node on upper layers (twice that on the bottom one)
     * @param efConstruction the beam while inserting
     * @param ef the beam while searching (at least k is used)
     */
    public GraphSupportIndex(int dimension, int m, int efConstruction, int ef, long seed) {
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
        }
        if (ef <= 0) {
            throw new IllegalArgumentException("ef must be > 0, got " + ef);
        }
        this.dimension = dimension;
        this.m = m;
        this.efConstruction = efConstruction;
        this.ef = ef;
        this.seed = seed;
        this.graph = new HnswIndex(dimension, m, efConstruction, seed, 1024);
        this.nodeOfSlot = new int[1024];
        this.slotOfNode = new int[1024];
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int size() {
        return slots.size();
    }

    /** Times the graph was rebuilt to drop removed rows. */
    public int rebuilds() {
        return rebuilds;
    }

    @Override
    public int add(float[] vector, long seq) {
        Vectors.checkSameDimension(dimension, vector.length);
        Vectors.checkFinite(vector);
        int node = graph.addUnit(Vectors.l2Normalized(vector), seq);
        int slot = slots.acquire();
        if (slot >= nodeOfSlot.length) {
            nodeOfSlot = Arrays.copyOf(nodeOfSlot, nodeOfSlot.length * 2);
        }
        if (node >= slotOfNode.length) {
            slotOfNode = Arrays.copyOf(slotOfNode, Math.max(node + 1, slotOfNode.length * 2));
        }
        nodeOfSlot[slot] = node;
        slotOfNode[node] = slot;
        return slot;
    }

    @Override
    public void remove(int slot) {
        slots.release(slot);
        graph.delete(nodeOfSlot[slot]);
        if (graph.deletedCount() >= MIN_DELETED_FOR_REBUILD && graph.deletedCount() > size()) {
            rebuild();
        }
    }

    @Override
    public Ranked[] search(float[] unitQuery, int k) {
        Ranked[] hits = graph.search(unitQuery, k, ef);
        for (int i = 0; i < hits.length; i++) {
            hits[i] = new Ranked(hits[i].similarity(), hits[i].seq(), slotOfNode[hits[i].slot()]);
        }
        return hits;
    }

    @Override
    public float nearestSimilarity(float[] unitQuery) {
        Ranked[] best = graph.search(unitQuery, 1, NEAREST_EF);
        return best.length == 0 ? Float.NaN : best[0].similarity();
    }

    @Override
    public String describe() {
        return "hnsw (M " + m + ", efConstruction " + efConstruction + ", ef " + ef + ")";
    }

    private void rebuild() {
        HnswIndex fresh = new HnswIndex(dimension, m, efConstruction, seed + rebuilds + 1, size());
        int[] freshSlotOfNode = new int[Math.max(1024, size())];
        float[] unit = new float[dimension];
        for (int node = 0; node < graph.size(); node++) {
            if (graph.isDeleted(node)) {
                continue;
            }
            graph.unitVector(node, unit);
            int freshNode = fresh.addUnit(unit, graph.seq(node));
            int slot = slotOfNode[node];
            nodeOfSlot[slot] = freshNode;
            freshSlotOfNode[freshNode] = slot;
        }
        graph = fresh;
        slotOfNode = freshSlotOfNode;
        rebuilds++;
    }
}

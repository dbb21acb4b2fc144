package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A hierarchical navigable small-world graph (Malkov and Yashunin) over unit vectors: an
 * approximate cosine index whose search cost grows with the logarithm of its size. Each row is a
 * node with up to {@code m} links on upper layers and {@code 2m} on the bottom one; a search
 * descends greedily from the top and then explores the bottom layer with a beam of {@code ef}.
 * Deletion marks a node, which keeps linking the graph ({@link GraphSupportIndex} rebuilds when
 * marks pile up). Recall against {@link ExactKnn} must be measured (bench/ivf-recall.sh, or
 * IvfIndex.recall in the tests). Not thread-safe.
 */
public final class HnswIndex {
    private final int dimension;
    private final int m;
    private final int m0;
    private final int efConstruction;
    private final double levelFactor;
    private final SplittableRandom random;
    private final RowDot rowDot = RowDot.fastest();

    private float[] data;
    private long[] seqs;
    private int[] levels;
    private boolean[] deleted;
    private int deletedCount;

    /** links[layer][node] = neighbour ids (null when the node is not on that layer). */
    private final List<int[][]> links = new ArrayList<>();

    private final List<int[]> linkCounts = new ArrayList<>();
    private int size;
    private int entry = -1;
    private int maxLevel = -1;

    private int[] visited;
    private int visitStamp;

    public HnswIndex(int dimension, int m, int efConstruction, long seed, int initialCapacity) {
        if (m < 2 || efConstruction < m) {
            throw new IllegalArgumentException("need m >= 2 and efConstruction >= m");
        }
        this.dimension = dimension;
        this.m = m;
        this.m0 = 2 * m;
        this.efConstruction = efConstruction;
        this.levelFactor = 1 / Math.log(m);
        this.random = new SplittableRandom(seed);
        int capacity = Math.max(16, initialCapacity);
        data = new float[capacity * dimension];
        seqs = new long[capacity];
        levels = new int[capacity];
        deleted = new boolean[capacity];
        visited = new int[capacity];
    }

    /** Nodes, deleted ones included. */
    public int size() {
        return size;
    }

    /** Adds a row (L2-normalised here, as {@link SupportIndex} does) and returns its node. */
    public int add(float[] vector, long seq) {
        Vectors.checkSameDimension(dimension, vector.length);
        Vectors.checkFinite(vector);
        return addUnit(Vectors.l2Normalized(vector), seq);
    }

    /**
     * Adds a row that is already unit length, as {@link #unitVector} returns it; normalising it
     * again could change its last bits.
     */
    public int addUnit(float[] unit, long seq) {
        Vectors.checkSameDimension(dimension, unit.length);
        if (size == seqs.length) {
            grow();
        }
        int node = size++;
        System.arraycopy(unit, 0, data, node * dimension, dimension);
        seqs[node] = seq;
        int level = (int) Math.floor(-Math.log(1 - random.nextDouble()) * levelFactor);
        levels[node] = level;
        while (links.size() <= level) {
            links.add(new int[seqs.length][]);
            linkCounts.add(new int[seqs.length]);
        }
        for (int l = 0; l <= level; l++) {
            links.get(l)[node] = new int[slack(l == 0 ? m0 : m) + 1];
        }
        if (entry < 0) {
            entry = node;
            maxLevel = level;
            return node;
        }
        int current = entry;
        for (int l = maxLevel; l > level; l--) {
            current = greedy(unit, current, l);
        }
        for (int l = Math.min(level, maxLevel); l >= 0; l--) {
            long[] found = searchLayer(unit, current, efConstruction, l);
            int[] chosen = selectNeighbours(found, l == 0 ? m0 : m);
            for (int neighbour : chosen) {
                link(node, neighbour, l);
                link(neighbour, node, l);
            }
            current = unpackNode(found[found.length - 1]); // the best found
        }
        if (level > maxLevel) {
            maxLevel = level;
            entry = node;
        }
        return node;
    }

    /**
     * The (approximately) best {@code k} live rows, best first; {@link Ranked#slot()} is the node.
     * Deleted nodes still guide the search but are never returned; when they crowd the beam out,
     * the search widens it until it has {@code k} live rows or has seen every node.
     */
    public Ranked[] search(float[] unitQuery, int k, int ef) {
        Vectors.checkSameDimension(dimension, unitQuery.length);
        int live = size - deletedCount;
        if (live == 0) {
            return new Ranked[0];
        }
        int current = entry;
        for (int l = maxLevel; l > 0; l--) {
            current = greedy(unitQuery, current, l);
        }
        int want = Math.min(k, live);
        for (int beam = Math.max(ef, k); ; beam *= 2) {
            long[] found = searchLayer(unitQuery, current, beam, 0);
            RankedQueue best = new RankedQueue(want);
            int liveFound = 0;
            for (long packed : found) {
                int node = unpackNode(packed);
                if (deleted[node]) {
                    continue;
                }
                liveFound++;
                // Re-scored with the reference dot product, so a row found here has exactly the
                // similarity the exact search gives it.
                best.offer(
                        Vectors.dot(data, node * dimension, unitQuery, 0, dimension),
                        seqs[node],
                        node);
            }
            if (liveFound >= want || beam >= size) {
                return best.drainBestFirst();
            }
        }
    }

    /** Marks {@code node} deleted: it is no longer returned but still links the graph. */
    public void delete(int node) {
        if (node < 0 || node >= size || deleted[node]) {
            throw new IllegalArgumentException("node " + node + " is not live");
        }
        deleted[node] = true;
        deletedCount++;
    }

    public boolean isDeleted(int node) {
        return deleted[node];
    }

    public long seq(int node) {
        return seqs[node];
    }

    /** Nodes marked deleted. */
    public int deletedCount() {
        return deletedCount;
    }

    /** Copies node {@code node}'s unit vector into {@code out}. */
    public void unitVector(int node, float[] out) {
        System.arraycopy(data, node * dimension, out, 0, dimension);
    }

    private float sim(float[] q, int node) {
        return rowDot.dot(data, node * dimension, q, 0, dimension);
    }

    private int greedy(float[] q, int start, int layer) {
        int current = start;
        float best = sim(q, current);
        boolean improved = true;
        while (improved) {
            improved = false;
            int[] out = links.get(layer)[current];
            int count = linkCounts.get(layer)[current];
            for (int i = 0; i < count; i++) {
                float s = sim(q, out[i]);
                if (s > best) {
                    best = s;
                    current = out[i];
                    improved = true;
                }
            }
        }
        return current;
    }

    /**
     * Beam search on one layer; returns up to {@code ef} packed (similarity, node), worst first.
     */
    private long[] searchLayer(float[] q, int start, int ef, int layer) {
        if (++visitStamp == Integer.MAX_VALUE) {
            Arrays.fill(visited, 0);
            visitStamp = 1;
        }
        LongHeap candidates = new LongHeap(true); // best first
        LongHeap results = new LongHeap(false); // worst first
        long s0 = pack(sim(q, start), start);
        candidates.push(s0);
        results.push(s0);
        visited[start] = visitStamp;
        int[][] layerLinks = links.get(layer);
        int[] counts = linkCounts.get(layer);
        while (candidates.size() > 0) {
            long c = candidates.pop();
            if (results.size() >= ef && unpackSim(c) < unpackSim(results.peek())) {
                break;
            }
            int node = unpackNode(c);
            int[] out = layerLinks[node];
            for (int i = 0; i < counts[node]; i++) {
                int next = out[i];
                if (visited[next] == visitStamp) {
                    continue;
                }
                visited[next] = visitStamp;
                float s = sim(q, next);
                if (results.size() < ef || s > unpackSim(results.peek())) {
                    long p = pack(s, next);
                    candidates.push(p);
                    results.push(p);
                    if (results.size() > ef) {
                        results.pop();
                    }
                }
            }
        }
        long[] out = new long[results.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = results.pop();
        }
        return out;
    }

    /**
     * The neighbour-selection heuristic: walk the candidates best first and keep one only if it is
     * closer to the new node than to every neighbour kept so far, which keeps links spread in all
     * directions; fill up with the best rejected ones if too few were kept.
     */
    private int[] selectNeighbours(long[] worstFirst, int max) {
        int[] kept = new int[max];
        int n = 0;
        List<Integer> rejected = new ArrayList<>();
        for (int i = worstFirst.length - 1; i >= 0 && n < max; i--) {
            int candidate = unpackNode(worstFirst[i]);
            float toNew = unpackSim(worstFirst[i]);
            boolean diverse = true;
            for (int j = 0; j < n; j++) {
                if (rowDot.dot(data, candidate * dimension, data, kept[j] * dimension, dimension)
                        > toNew) {
                    diverse = false;
                    break;
                }
            }
            if (diverse) {
                kept[n++] = candidate;
            } else {
                rejected.add(candidate);
            }
        }
        for (int i = 0; i < rejected.size() && n < max; i++) {
            kept[n++] = rejected.get(i);
        }
        return Arrays.copyOf(kept, n);
    }

    /**
     * Link lists may grow to half again their size before the diversity heuristic cuts them back:
     * the heuristic costs O(max²) dot products, and running it on every overflow dominated the
     * build (350 s for 100k rows); amortised over the slack it runs a fraction as often.
     */
    private static int slack(int max) {
        return max + max / 2;
    }

    private void link(int from, int to, int layer) {
        int[] out = links.get(layer)[from];
        int[] counts = linkCounts.get(layer);
        int max = layer == 0 ? m0 : m;
        if (counts[from] < slack(max)) {
            out[counts[from]++] = to;
            return;
        }
        // Full: choose max of the current links plus the new one by the same heuristic, which
        // keeps the graph navigable (keeping just the most similar ones cut recall@10 at ef 64
        // from 1.0 to 0.59 in bench/ivf-recall.sh).
        float[] unit = Arrays.copyOfRange(data, from * dimension, (from + 1) * dimension);
        int n = counts[from];
        long[] all = new long[n + 1];
        for (int i = 0; i < n; i++) {
            all[i] = pack(sim(unit, out[i]), out[i]);
        }
        all[n] = pack(sim(unit, to), to);
        Arrays.sort(all); // worst first
        int[] chosen = selectNeighbours(all, max);
        System.arraycopy(chosen, 0, out, 0, chosen.length);
        counts[from] = chosen.length;
    }

    private void grow() {
        int capacity = seqs.length * 2;
        data = Arrays.copyOf(data, capacity * dimension);
        seqs = Arrays.copyOf(seqs, capacity);
        levels = Arrays.copyOf(levels, capacity);
        deleted = Arrays.copyOf(deleted, capacity);
        visited = Arrays.copyOf(visited, capacity);
        for (int l = 0; l < links.size(); l++) {
            links.set(l, Arrays.copyOf(links.get(l), capacity));
            linkCounts.set(l, Arrays.copyOf(linkCounts.get(l), capacity));
        }
    }

    private static long pack(float sim, int node) {
        return NeighbourQueue.pack(node, sim);
    }

    private static int unpackNode(long packed) {
        return NeighbourQueue.unpackIndex(packed);
    }

    private static float unpackSim(long packed) {
        return NeighbourQueue.unpackSimilarity(packed);
    }

    /** A binary heap of packed longs; max-first or min-first. */
    private static final class LongHeap {
        private long[] heap = new long[64];
        private int size;
        private final boolean maxFirst;

        LongHeap(boolean maxFirst) {
            this.maxFirst = maxFirst;
        }

        int size() {
            return size;
        }

        long peek() {
            return heap[0];
        }

        private boolean before(long a, long b) {
            return maxFirst ? a > b : a < b;
        }

        void push(long v) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!before(v, heap[parent])) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = v;
        }

        long pop() {
            long top = heap[0];
            long v = heap[--size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < size && before(heap[child + 1], heap[child])) {
                    child++;
                }
                if (!before(heap[child], v)) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            if (size > 0) {
                heap[i] = v;
            }
            return top;
        }
    }
}

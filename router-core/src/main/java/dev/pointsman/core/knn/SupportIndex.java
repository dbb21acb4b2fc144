package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;
import java.util.Arrays;
import java.util.List;

/**
 * A mutable, exact cosine index over unit vectors: the in-memory scan structure of one support-set
 * shard. Rows live in one growable float array; a removed row's slot is reused by the next add, so
 * inserts and evictions cost O(dimension) and a search is one pass over the live rows. Each row
 * carries a sequence number that orders ties. Not thread-safe.
 */
public final class SupportIndex {
    private final int dimension;
    private float[] data;
    private long[] seqs;
    private boolean[] live;
    private int[] free;
    private int freeCount;
    private int highWater;
    private int size;

    public SupportIndex(int dimension, int initialCapacity) {
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
        }
        int capacity = Math.max(1, initialCapacity);
        this.dimension = dimension;
        this.data = new float[capacity * dimension];
        this.seqs = new long[capacity];
        this.live = new boolean[capacity];
        this.free = new int[capacity];
    }

    public int dimension() {
        return dimension;
    }

    /** Live rows. */
    public int size() {
        return size;
    }

    /**
     * Adds {@code vector}, L2-normalised exactly as {@link
     * dev.pointsman.core.vector.VectorSet#ofNormalized} does (so similarities are bit-identical to
     * {@link ExactKnn}'s), and returns its slot.
     *
     * @param seq the row's global order; ties in similarity go to the lower seq
     */
    public int add(float[] vector, long seq) {
        Vectors.checkSameDimension(dimension, vector.length);
        Vectors.checkFinite(vector);
        float[] unit = Vectors.l2Normalized(vector);
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (highWater == seqs.length) {
                grow();
            }
            slot = highWater++;
        }
        System.arraycopy(unit, 0, data, slot * dimension, dimension);
        seqs[slot] = seq;
        live[slot] = true;
        size++;
        return slot;
    }

    /** Frees {@code slot}; its row is no longer found. */
    public void remove(int slot) {
        if (slot < 0 || slot >= highWater || !live[slot]) {
            throw new IllegalArgumentException("slot " + slot + " is not live");
        }
        live[slot] = false;
        free[freeCount++] = slot;
        size--;
    }

    public boolean isLive(int slot) {
        return slot >= 0 && slot < highWater && live[slot];
    }

    public long seq(int slot) {
        return seqs[slot];
    }

    /** The {@code k} live rows most similar to {@code unitQuery}, best first. */
    public Ranked[] search(float[] unitQuery, int k) {
        Vectors.checkSameDimension(dimension, unitQuery.length);
        if (size == 0) {
            return new Ranked[0];
        }
        RankedQueue queue = new RankedQueue(Math.min(k, size));
        boolean dense = size == highWater;
        for (int slot = 0; slot < highWater; slot++) {
            if (dense || live[slot]) {
                queue.offer(
                        Vectors.dot(data, slot * dimension, unitQuery, 0, dimension),
                        seqs[slot],
                        slot);
            }
        }
        return queue.drainBestFirst();
    }

    /**
     * The best {@code k} of several best-first lists (one per shard), best first: the same order a
     * single search over the union would give.
     */
    public static Ranked[] merge(List<Ranked[]> lists, int k) {
        int total = 0;
        for (Ranked[] list : lists) {
            total += list.length;
        }
        Ranked[] all = new Ranked[total];
        int n = 0;
        for (Ranked[] list : lists) {
            System.arraycopy(list, 0, all, n, list.length);
            n += list.length;
        }
        Arrays.sort(
                all,
                (a, b) -> {
                    int c = Float.compare(b.similarity(), a.similarity());
                    return c != 0 ? c : Long.compare(a.seq(), b.seq());
                });
        return Arrays.copyOf(all, Math.min(k, all.length));
    }

    private void grow() {
        int capacity = seqs.length * 2;
        data = Arrays.copyOf(data, capacity * dimension);
        seqs = Arrays.copyOf(seqs, capacity);
        live = Arrays.copyOf(live, capacity);
        free = Arrays.copyOf(free, capacity);
    }
}

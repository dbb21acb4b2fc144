package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;
import java.util.Arrays;
import java.util.List;

/**
 * A mutable, exact cosine index over unit vectors: the in-memory scan structure of one support-set
 * shard. A removed row's slot is reused by the next add, so inserts and evictions cost O(dimension)
 * and a search is one pass over the live rows. Each row carries a sequence number that orders ties.
 * Not thread-safe.
 *
 * <p>Rows are stored in blocks of {@value #BLOCK}, dimension-major inside a block, so the scan
 * computes {@value #BLOCK} dot products at once with element-wise loops the JIT turns into SIMD
 * instructions. Each dot product keeps the four interleaved partial sums of {@link
 * Vectors#dot(float[], int, float[], int, int)} and adds them in the same order, so similarities
 * are bit-identical to {@link ExactKnn}'s.
 */
public final class SupportIndex {
    static final int BLOCK = 64;

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
        int capacity = roundUpToBlock(Math.max(1, initialCapacity));
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
        int base = (slot / BLOCK) * BLOCK * dimension + slot % BLOCK;
        for (int j = 0; j < dimension; j++) {
            data[base + j * BLOCK] = unit[j];
        }
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
        float[] sims = new float[BLOCK];
        float[] a0 = new float[BLOCK];
        float[] a1 = new float[BLOCK];
        float[] a2 = new float[BLOCK];
        float[] a3 = new float[BLOCK];
        boolean dense = size == highWater;
        for (int block = 0; block * BLOCK < highWater; block++) {
            similarities(block, unitQuery, sims, a0, a1, a2, a3);
            int first = block * BLOCK;
            int end = Math.min(highWater, first + BLOCK);
            for (int slot = first; slot < end; slot++) {
                if (dense || live[slot]) {
                    queue.offer(sims[slot - first], seqs[slot], slot);
                }
            }
        }
        return queue.drainBestFirst();
    }

    /** The dot products of the query with the {@value #BLOCK} rows of {@code block}. */
    private void similarities(
            int block, float[] q, float[] out, float[] a0, float[] a1, float[] a2, float[] a3) {
        java.util.Arrays.fill(a0, 0f);
        java.util.Arrays.fill(a1, 0f);
        java.util.Arrays.fill(a2, 0f);
        java.util.Arrays.fill(a3, 0f);
        float[] d = data;
        int base = block * BLOCK * dimension;
        int j = 0;
        for (; j + 3 < dimension; j += 4) {
            float q0 = q[j];
            float q1 = q[j + 1];
            float q2 = q[j + 2];
            float q3 = q[j + 3];
            int o0 = base + j * BLOCK;
            int o1 = o0 + BLOCK;
            int o2 = o1 + BLOCK;
            int o3 = o2 + BLOCK;
            for (int r = 0; r < BLOCK; r++) {
                a0[r] += d[o0 + r] * q0;
                a1[r] += d[o1 + r] * q1;
                a2[r] += d[o2 + r] * q2;
                a3[r] += d[o3 + r] * q3;
            }
        }
        for (; j < dimension; j++) {
            float qj = q[j];
            int o = base + j * BLOCK;
            for (int r = 0; r < BLOCK; r++) {
                a0[r] += d[o + r] * qj;
            }
        }
        for (int r = 0; r < BLOCK; r++) {
            out[r] = (a0[r] + a1[r]) + (a2[r] + a3[r]);
        }
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

    private static int roundUpToBlock(int n) {
        return (n + BLOCK - 1) / BLOCK * BLOCK;
    }

    private void grow() {
        int capacity = seqs.length * 2;
        data = Arrays.copyOf(data, capacity * dimension);
        seqs = Arrays.copyOf(seqs, capacity);
        live = Arrays.copyOf(live, capacity);
        free = Arrays.copyOf(free, capacity);
    }
}

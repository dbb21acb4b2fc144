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
 * computes {@value #BLOCK} dot products at once, with the Vector API when the JVM has it (see
 * {@link #scanKernel()}). Each dot product keeps the four interleaved partial sums of {@link
 * Vectors#dot(float[], int, float[], int, int)} and adds them in the same order, so similarities
 * are bit-identical to {@link ExactKnn}'s whichever kernel runs.
 */
public final class SupportIndex implements KnnIndex {
    static final int BLOCK = 64;

    private final int dimension;
    private final BlockScan scan;
    private float[] data;
    private long[] seqs;
    private final Slots slots;

    public SupportIndex(int dimension, int initialCapacity) {
        this(dimension, initialCapacity, BlockScan.fastest());
    }

    SupportIndex(int dimension, int initialCapacity, BlockScan scan) {
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
        }
        int capacity = roundUpToBlock(Math.max(1, initialCapacity));
        this.dimension = dimension;
        this.scan = scan;
        this.data = new float[capacity * dimension];
        this.seqs = new long[capacity];
        this.slots = new Slots(capacity);
    }

    /**
     * The scan kernel new indexes use in this JVM: {@code vector-api-512bit} (or 256, 128) when it
     * runs with {@code --add-modules jdk.incubator.vector}, about five times faster than {@code
     * scalar}. Worth a line in a job's start-up log.
     */
    public static String scanKernel() {
        return BlockScan.fastest().describe();
    }

    @Override
    public String describe() {
        return "exact (" + scan.describe() + ")";
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int size() {
        return slots.size();
    }

    /** {@inheritDoc} Similarities are bit-identical to {@link ExactKnn}'s. */
    @Override
    public int add(float[] vector, long seq) {
        Vectors.checkSameDimension(dimension, vector.length);
        Vectors.checkFinite(vector);
        float[] unit = Vectors.l2Normalized(vector);
        int slot = slots.acquire();
        if (slot == seqs.length) {
            grow();
        }
        int base = (slot / BLOCK) * BLOCK * dimension + slot % BLOCK;
        for (int j = 0; j < dimension; j++) {
            data[base + j * BLOCK] = unit[j];
        }
        seqs[slot] = seq;
        return slot;
    }

    @Override
    public void remove(int slot) {
        slots.release(slot);
    }

    public boolean isLive(int slot) {
        return slots.isLive(slot);
    }

    public long seq(int slot) {
        return seqs[slot];
    }

    @Override
    public Ranked[] search(float[] unitQuery, int k) {
        Vectors.checkSameDimension(dimension, unitQuery.length);
        int size = slots.size();
        if (size == 0) {
            return new Ranked[0];
        }
        RankedQueue queue = new RankedQueue(Math.min(k, size));
        float[] sims = new float[BLOCK];
        int highWater = slots.highWater();
        boolean dense = size == highWater;
        for (int block = 0; block * BLOCK < highWater; block++) {
            scan.similarities(data, block * BLOCK * dimension, dimension, unitQuery, sims);
            int first = block * BLOCK;
            int end = Math.min(highWater, first + BLOCK);
            for (int slot = first; slot < end; slot++) {
                if (dense || slots.isLive(slot)) {
                    queue.offer(sims[slot - first], seqs[slot], slot);
                }
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

    private static int roundUpToBlock(int n) {
        return (n + BLOCK - 1) / BLOCK * BLOCK;
    }

    private void grow() {
        int capacity = seqs.length * 2;
        data = Arrays.copyOf(data, capacity * dimension);
        seqs = Arrays.copyOf(seqs, capacity);
    }
}

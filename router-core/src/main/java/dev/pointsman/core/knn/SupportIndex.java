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
 * <p>A search returns exactly what {@link ExactKnn} returns over the same rows: the same rows, in
 * the same order, with bit-identical similarities (each is {@link Vectors#dot(float[], int,
 * float[], int, int)} of the stored unit row and the query). It gets there in two steps:
 *
 * <ol>
 *   <li>A scan of an int8 copy of the rows ({@link Int8}: each row's components as signed bytes
 *       times one scale per row), in blocks of {@value #BLOCK} rows laid out dimension-major, so a
 *       kernel computes {@value #BLOCK} approximate dot products at once, with the Vector API when
 *       the JVM has it (see {@link #scanKernel()}). The copy is a quarter of the bytes of the
 *       floats, and a scan of one query is limited by how fast those bytes arrive.
 *   <li>Every row whose approximate similarity could still place it among the best {@code k} is
 *       re-scored with the reference dot product from the float rows, and those exact values are
 *       ranked. Which rows could is decided by a proven error bound, not a heuristic: for row x
 *       with copy b = s·c (scale s, codes c) and query q, the approximate and the reference
 *       similarity differ by at most e(x) = ‖q‖ (‖b − x‖ + γ(‖x‖ + ‖b‖) + 2u‖b‖), where u = 2⁻²⁴, γ
 *       = nu / (1 − nu) bounds the rounding of any float summation of n = dimension + 1 products
 *       (the scan's of q and c, the reference's of q and x), 2u‖b‖ the rounding of the product by
 *       s, and ‖b − x‖ is measured when the row is added. Some k rows have reference similarities
 *       of at least T, the k-th largest approximate − e; so every row of the true top k has
 *       approximate + e ≥ T, and those are the rows re-scored. On 384-dimensional unit vectors e is
 *       about 0.004–0.008.
 * </ol>
 *
 * <p>Memory: 5 bytes per dimension per row (the float rows and the int8 copy) plus 16 bytes.
 */
public final class SupportIndex implements KnnIndex {
    static final int BLOCK = 64;
    private static final double ROUNDING = 0x1p-24;

    private final int dimension;
    private final BlockScan scan;

    /** Errors of float dot products of this length, as a fraction of the norms' product. */
    private final double gamma;

    /** The unit rows, row-major: what results are scored from. */
    private float[] rows;

    /** The int8 codes the scan reads: per block, per dimension, {@value #BLOCK} bytes. */
    private byte[] codes;

    /** Per slot: the factor that turns the row's codes into its approximate components. */
    private float[] scales;

    /** Per slot: e(x) / ‖q‖, the bound on the scan's error for a unit query. */
    private float[] errors;

    private long[] seqs;
    private final Slots slots;

    /** How many rows the last search re-scored (for tests: the scan must leave few). */
    int rescored;

    /** Keeps the pre-fetching reads of {@link #search} from being optimised away. */
    @SuppressWarnings("unused")
    private float sink;

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
        double nu = (dimension + 1) * ROUNDING;
        this.gamma = nu / (1 - nu);
        this.rows = new float[capacity * dimension];
        this.codes = new byte[capacity * dimension + BlockScan.PADDING];
        this.scales = new float[capacity];
        this.errors = new float[capacity];
        this.seqs = new long[capacity];
        this.slots = new Slots(capacity);
    }

    /**
     * The scan kernel new indexes use in this JVM: {@code int8-vector-api-512bit} (or 256, 128)
     * when it runs with {@code --add-modules jdk.incubator.vector}, about ten times faster than
     * {@code int8-scalar}. Worth a line in a job's start-up log.
     */
    public static String scanKernel() {
        return BlockScan.fastest().describe();
    }

    @Override
    public String describe() {
        return "exact (" + scan.describe() + " scan, float re-rank)";
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
        System.arraycopy(unit, 0, rows, slot * dimension, dimension);
        float scale = Int8.scale(unit);
        int at = (slot / BLOCK) * BLOCK * dimension + slot % BLOCK;
        double unitSquares = 0;
        double copySquares = 0;
        double differenceSquares = 0;
        for (int j = 0; j < dimension; j++, at += BLOCK) {
            byte code = Int8.code(unit[j], scale);
            codes[at] = code;
            double x = unit[j];
            double b = (double) scale * code; // exact: 24 bits times at most 7
            unitSquares += x * x;
            copySquares += b * b;
            differenceSquares += (b - x) * (b - x);
        }
        double copyNorm = Math.sqrt(copySquares);
        double bound =
                Math.sqrt(differenceSquares)
                        + gamma * (Math.sqrt(unitSquares) + copyNorm)
                        + 2 * ROUNDING * copyNorm;
        // The margins cover this double arithmetic and the float rounding of the comparisons.
        errors[slot] = (float) (bound * 1.001 + 1e-6);
        scales[slot] = scale;
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
        return searchAll(new float[][] {unitQuery}, k)[0];
    }

    /**
     * {@inheritDoc} One pass over the rows for all the queries: each block of {@value #BLOCK} rows
     * (24 KB at 384 dimensions) is scanned for every query while it is in the core's cache, so the
     * rows come from memory once per batch instead of once per query. Each query's result is what
     * {@link #search} returns for it alone.
     */
    @Override
    public Ranked[][] searchAll(float[][] unitQueries, int k) {
        int size = slots.size();
        Ranked[][] results = new Ranked[unitQueries.length][];
        for (float[] q : unitQueries) {
            Vectors.checkSameDimension(dimension, q.length);
            Vectors.checkFinite(q);
        }
        if (size == 0) {
            Arrays.fill(results, new Ranked[0]);
            return results;
        }
        int want = Math.min(k, size);
        // Products that underflow lose absolute, not relative, precision.
        float underflow = dimension * 4 * Float.MIN_VALUE;
        Pass[] passes = new Pass[unitQueries.length];
        for (int i = 0; i < passes.length; i++) {
            passes[i] = new Pass(unitQueries[i], want);
        }
        float[][] sims = new float[unitQueries.length][BLOCK];
        int highWater = slots.highWater();
        boolean dense = size == highWater;
        for (int block = 0; block * BLOCK < highWater; block++) {
            int first = block * BLOCK;
            int end = Math.min(highWater, first + BLOCK);
            int at = block * BLOCK * dimension;
            // Up to four queries per pass over the block: the kernel loads and widens its codes
            // once for all of them.
            for (int i = 0; i < passes.length; i += BlockScan.QUERIES_PER_PASS) {
                int count = Math.min(BlockScan.QUERIES_PER_PASS, passes.length - i);
                scan.similarities(codes, at, dimension, scales, first, unitQueries, sims, i, count);
            }
            for (int i = 0; i < passes.length; i++) {
                offer(passes[i], sims[i], first, end, dense, underflow);
            }
        }
        for (int i = 0; i < passes.length; i++) {
            Pass pass = passes[i];
            // The threshold only rose, so every row that meets its final value was kept above.
            results[i] =
                    rescore(
                            pass.candidates,
                            pass.uppers,
                            pass.count,
                            pass.lower.threshold(),
                            pass.query,
                            want);
        }
        return results;
    }

    /** Takes one query's approximate similarities of the rows [first, end) of a block. */
    private void offer(
            Pass pass, float[] sims, int first, int end, boolean dense, float underflow) {
        LowerBounds lower = pass.lower;
        float threshold = lower.threshold();
        // Most rows of a large shard cannot rank: their upper bound is under the threshold. The
        // kernel finds the few that reach it (all of a block at once), and only those are
        // visited. (The rows of a ragged last block past its end are free or zero: they are
        // masked off.)
        long reaching = scan.reaching(sims, errors, first, pass.queryNorm, underflow, threshold);
        if (end - first < BLOCK) {
            reaching &= (1L << (end - first)) - 1;
        }
        while (reaching != 0) {
            int lane = Long.numberOfTrailingZeros(reaching);
            reaching &= reaching - 1;
            int slot = first + lane;
            float sim = sims[lane];
            float error = pass.queryNorm * errors[slot] + underflow;
            float upper = sim + error;
            // The threshold may have risen since the mask was taken.
            if (upper < threshold || !(dense || slots.isLive(slot))) {
                continue;
            }
            lower.offer(sim - error);
            threshold = lower.threshold();
            if (upper >= threshold) {
                pass.keep(slot, upper);
            }
        }
    }

    /** One query's state during a scan: its k-th best lower bound and the rows still in reach. */
    private static final class Pass {
        final float[] query;
        final float queryNorm;
        final LowerBounds lower;
        int[] candidates;
        float[] uppers;
        int count;

        Pass(float[] query, int want) {
            this.query = query;
            this.queryNorm = (float) (norm(query) * 1.001);
            this.lower = new LowerBounds(want);
            this.candidates = new int[Math.max(64, 4 * want)];
            this.uppers = new float[candidates.length];
        }

        void keep(int slot, float upper) {
            if (count == candidates.length) {
                candidates = Arrays.copyOf(candidates, 2 * count);
                uppers = Arrays.copyOf(uppers, 2 * count);
            }
            candidates[count] = slot;
            uppers[count++] = upper;
        }
    }

    /**
     * The best {@code want} of the candidates whose upper bound reaches {@code threshold}, by the
     * reference similarity. Their float rows are mostly not in cache: one read per cache line of
     * all of them first, loads the CPU can overlap, then the dot products run from cache.
     */
    private Ranked[] rescore(
            int[] candidates, float[] uppers, int count, float threshold, float[] query, int want) {
        int selected = 0;
        int[] offsets = new int[count];
        float touched = 0;
        for (int c = 0; c < count; c++) {
            if (uppers[c] >= threshold) {
                int at = candidates[c] * dimension;
                candidates[selected] = candidates[c];
                offsets[selected++] = at;
                for (int end = at + dimension; at < end; at += 16) {
                    touched += rows[at];
                }
            }
        }
        sink = touched;
        rescored = selected;
        float[] similarities = new float[selected];
        scan.dots(rows, offsets, selected, query, dimension, similarities);
        RankedQueue queue = new RankedQueue(want);
        for (int c = 0; c < selected; c++) {
            int slot = candidates[c];
            queue.offer(similarities[c], seqs[slot], slot);
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

    private static double norm(float[] v) {
        double squares = 0;
        for (float x : v) {
            squares += (double) x * x;
        }
        return Math.sqrt(squares);
    }

    private void grow() {
        int capacity = seqs.length * 2;
        rows = Arrays.copyOf(rows, capacity * dimension);
        codes = Arrays.copyOf(codes, capacity * dimension + BlockScan.PADDING);
        scales = Arrays.copyOf(scales, capacity);
        errors = Arrays.copyOf(errors, capacity);
        seqs = Arrays.copyOf(seqs, capacity);
    }
}

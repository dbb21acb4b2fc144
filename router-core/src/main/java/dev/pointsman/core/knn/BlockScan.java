package dev.pointsman.core.knn;

/**
 * Computes the approximate dot products of queries with the {@value SupportIndex#BLOCK} rows of one
 * block of {@link SupportIndex}'s scan copy ({@link Int8}: per dimension, {@value
 * SupportIndex#BLOCK} signed bytes, byte {@code r} the code of row {@code r}), each row's sum of
 * code × query component times the row's scale. Any summation order is allowed: {@link
 * SupportIndex} bounds the error of every order and re-scores the rows that could rank with the
 * reference dot product.
 */
interface BlockScan {
    /**
     * Bytes past the last block's codes that a kernel may read (and ignore): the scan copy is
     * allocated this much longer.
     */
    int PADDING = 8;

    /**
     * The most queries {@link #similarities(byte[], int, int, float[], int, float[][], float[][],
     * int, int)} takes in one pass.
     */
    int QUERIES_PER_PASS = 4;

    /**
     * Writes the approximate similarities of {@code query} with the rows of the block whose codes
     * start at {@code base} and whose scales start at {@code scales[first]} into {@code
     * out[0..BLOCK)}.
     */
    void similarities(
            byte[] codes,
            int base,
            int dimension,
            float[] scales,
            int first,
            float[] query,
            float[] out);

    /**
     * {@link #similarities(byte[], int, int, float[], int, float[], float[])} for the {@code count}
     * (1 to {@value #QUERIES_PER_PASS}) queries {@code queries[from..from + count)} into the
     * matching {@code outs}, bit for bit the same values: a kernel may load and widen each part of
     * the block once for all of them.
     */
    default void similarities(
            byte[] codes,
            int base,
            int dimension,
            float[] scales,
            int first,
            float[][] queries,
            float[][] outs,
            int from,
            int count) {
        for (int i = from; i < from + count; i++) {
            similarities(codes, base, dimension, scales, first, queries[i], outs[i]);
        }
    }

    /**
     * Which rows of a block could still rank: bit {@code i} is set when {@code sims[i] + (queryNorm
     * * errors[first + i] + underflow) >= threshold}, each upper bound computed exactly as {@link
     * SupportIndex} computes it row by row (a multiply, then two adds, in float), so that only the
     * set bits need to be visited, and a block with none can be skipped, without changing a result.
     */
    default long reaching(
            float[] sims,
            float[] errors,
            int first,
            float queryNorm,
            float underflow,
            float threshold) {
        return reaching(
                sims, errors, first, queryNorm, underflow, threshold, 0, SupportIndex.BLOCK);
    }

    /** {@link #reaching} of the rows [from, to) of a block, row by row: the reference. */
    static long reaching(
            float[] sims,
            float[] errors,
            int first,
            float queryNorm,
            float underflow,
            float threshold,
            int from,
            int to) {
        long mask = 0;
        for (int i = from; i < to; i++) {
            if (sims[i] + (queryNorm * errors[first + i] + underflow) >= threshold) {
                mask |= 1L << i;
            }
        }
        return mask;
    }

    /**
     * {@link dev.pointsman.core.vector.Vectors#dot(float[], int, float[], int, int)}, bit for bit:
     * the reference similarity of a row the scan found.
     */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int dimension);

    /**
     * {@link #dot} of {@code b} with each of the rows of {@code a} starting at {@code
     * offsets[0..count)}, into {@code out}, bit for bit: a kernel may run several rows' chains at
     * once.
     */
    default void dots(float[] a, int[] offsets, int count, float[] b, int dimension, float[] out) {
        for (int c = 0; c < count; c++) {
            out[c] = dot(a, offsets[c], b, 0, dimension);
        }
    }

    /** A short name for logs and benchmark reports. */
    String describe();

    /**
     * The fastest kernel this JVM can run: the Vector API one when the {@code jdk.incubator.vector}
     * module is resolved (start the JVM with {@code --add-modules jdk.incubator.vector}) and the
     * CPU has vectors of 4 to 16 floats, otherwise the scalar one. {@code -Dpointsman.simd=false}
     * forces the scalar kernel.
     */
    static BlockScan fastest() {
        return vectorApi() ? new VectorBlockScan() : new ScalarBlockScan();
    }

    /** Whether this JVM runs the Vector API kernels (and {@link VectorBlockScan} may be loaded). */
    static boolean vectorApi() {
        return Boolean.parseBoolean(System.getProperty("pointsman.simd", "true"))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && VectorBlockScan.usable();
    }
}

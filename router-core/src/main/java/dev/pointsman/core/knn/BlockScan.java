package dev.pointsman.core.knn;

/**
 * Computes the approximate dot products of one query with the {@value SupportIndex#BLOCK} rows of
 * one block of {@link SupportIndex}'s bfloat16 scan copy ({@link Bf16}: per dimension, {@value
 * #PACKED} ints, int {@code r} holding row {@code r} in its high half and row {@code r + 32} in its
 * low half). Any summation order is allowed: {@link SupportIndex} bounds the error of every order
 * and re-scores the rows that could rank with the reference dot product.
 */
interface BlockScan {
    /** Ints per dimension in a block of the scan copy. */
    int PACKED = SupportIndex.BLOCK / 2;

    /**
     * Writes the approximate similarities of {@code query} with the rows of the block starting at
     * {@code base} into {@code out[0..BLOCK)}.
     */
    void similarities(int[] packed, int base, int dimension, float[] query, float[] out);

    /**
     * {@link #similarities} for two queries at once, bit for bit the same values: a kernel may load
     * and widen each part of the block once for both.
     */
    default void similarities(
            int[] packed,
            int base,
            int dimension,
            float[] query,
            float[] out,
            float[] query2,
            float[] out2) {
        similarities(packed, base, dimension, query, out);
        similarities(packed, base, dimension, query2, out2);
    }

    /**
     * The largest upper bound {@code sims[i] + (queryNorm * errors[first + i] + underflow)} over
     * the {@value SupportIndex#BLOCK} rows of a block, each computed exactly as {@link
     * SupportIndex} computes it row by row (a multiply, then two adds, in float), so that a block
     * whose largest bound is below the current threshold can be skipped without changing a result.
     */
    default float maxUpper(
            float[] sims, float[] errors, int first, float queryNorm, float underflow) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < SupportIndex.BLOCK; i++) {
            max = Math.max(max, sims[i] + (queryNorm * errors[first + i] + underflow));
        }
        return max;
    }

    /**
     * {@link dev.pointsman.core.vector.Vectors#dot(float[], int, float[], int, int)}, bit for bit:
     * the reference similarity of a row the scan found.
     */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int dimension);

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

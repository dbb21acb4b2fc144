package dev.pointsman.core.knn;

/**
 * Computes the dot products of one query with the {@value SupportIndex#BLOCK} rows of one block of
 * {@link SupportIndex}'s dimension-major storage. Every implementation keeps four partial sums per
 * row (dimensions {@code j mod 4}, in increasing {@code j}, any remainder into the first) and adds
 * them as {@code (p0 + p1) + (p2 + p3)}: exactly {@link
 * dev.pointsman.core.vector.Vectors#dot(float[], int, float[], int, int)}'s order, so every kernel
 * gives bit-identical similarities.
 */
interface BlockScan {
    /**
     * Writes the similarities of {@code query} with the rows of the block starting at {@code base}
     * into {@code out[0..BLOCK)}.
     */
    void similarities(float[] data, int base, int dimension, float[] query, float[] out);

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

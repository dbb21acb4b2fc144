package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;

/**
 * The dot product of two rows for graph navigation, where speed matters more than matching {@link
 * Vectors#dot(float[], int, float[], int, int)}'s rounding: a graph index re-scores the neighbours
 * it returns with the reference dot product.
 */
interface RowDot {
    float dot(float[] a, int aOffset, float[] b, int bOffset, int dimension);

    /** The Vector API version when the JVM has it (as {@link BlockScan#fastest()} decides). */
    static RowDot fastest() {
        return BlockScan.vectorApi() ? VectorBlockScan::rowDot : Vectors::dot;
    }
}

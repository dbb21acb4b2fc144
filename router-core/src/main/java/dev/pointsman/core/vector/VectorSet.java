package dev.pointsman.core.vector;

import java.util.List;

/**
 * An immutable set of unit-length float32 vectors of one dimension, stored row-major in a single
 * array so that a scan over all rows walks memory in order.
 */
public final class VectorSet {
    private final int dimension;
    private final int size;
    private final float[] data;

    private VectorSet(int dimension, int size, float[] data) {
        this.dimension = dimension;
        this.size = size;
        this.data = data;
    }

    /** Copies and L2-normalises {@code rows}; all must have the same dimension. */
    public static VectorSet ofNormalized(List<float[]> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a vector set needs at least one vector");
        }
        int dim = rows.get(0).length;
        if (dim == 0) {
            throw new IllegalArgumentException("vectors must have at least one dimension");
        }
        float[] data = new float[rows.size() * dim];
        for (int r = 0; r < rows.size(); r++) {
            float[] row = rows.get(r);
            Vectors.checkSameDimension(dim, row.length);
            Vectors.checkFinite(row);
            float[] unit = Vectors.l2Normalized(row);
            System.arraycopy(unit, 0, data, r * dim, dim);
        }
        return new VectorSet(dim, rows.size(), data);
    }

    /** The rows of this set at {@code indices}, in that order. */
    public VectorSet select(int[] indices) {
        float[] out = new float[indices.length * dimension];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data, indices[i] * dimension, out, i * dimension, dimension);
        }
        return new VectorSet(dimension, indices.length, out);
    }

    public int dimension() {
        return dimension;
    }

    public int size() {
        return size;
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        float[] out = new float[dimension];
        System.arraycopy(data, i * dimension, out, 0, dimension);
        return out;
    }

    /** Copies row {@code i} into {@code out} (length {@code dimension}) without allocating. */
    public void copyRow(int i, double[] out) {
        int off = i * dimension;
        for (int j = 0; j < dimension; j++) {
            out[j] = data[off + j];
        }
    }

    /** Every row widened to double, for the trainers' dense algebra. */
    public double[][] toDoubleRows() {
        double[][] out = new double[size][dimension];
        for (int i = 0; i < size; i++) {
            copyRow(i, out[i]);
        }
        return out;
    }

    /** Dot product of row {@code i} with {@code query}. */
    public float dot(int i, float[] query) {
        return Vectors.dot(data, i * dimension, query, 0, dimension);
    }
}

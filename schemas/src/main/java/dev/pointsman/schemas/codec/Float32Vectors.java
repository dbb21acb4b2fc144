package dev.pointsman.schemas.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Embedding vectors on the wire: little-endian float32, dimension × 4 bytes. */
public final class Float32Vectors {
    private Float32Vectors() {}

    public static ByteBuffer toBytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * vector.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer;
    }

    /** Reads {@code dimension} floats; the byte count must match exactly. */
    public static float[] fromBytes(ByteBuffer bytes, int dimension) {
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
        }
        ByteBuffer view = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (view.remaining() != 4 * dimension) {
            throw new IllegalArgumentException(
                    "vector has "
                            + view.remaining()
                            + " bytes, expected "
                            + 4 * dimension
                            + " for dimension "
                            + dimension);
        }
        float[] out = new float[dimension];
        view.asFloatBuffer().get(out);
        return out;
    }
}

package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;
import java.util.Arrays;

/**
 * The portable kernel. HotSpot 17 does not turn these loops into SIMD instructions, so it runs at
 * about one multiply-add per cycle. Stateless.
 */
final class ScalarBlockScan implements BlockScan {
    @Override
    public void similarities(
            byte[] d, int base, int dimension, float[] scales, int first, float[] q, float[] out) {
        Arrays.fill(out, 0, SupportIndex.BLOCK, 0f);
        for (int j = 0, o = base; j < dimension; j++, o += SupportIndex.BLOCK) {
            float qj = q[j];
            for (int r = 0; r < SupportIndex.BLOCK; r++) {
                out[r] += d[o + r] * qj;
            }
        }
        for (int r = 0; r < SupportIndex.BLOCK; r++) {
            out[r] *= scales[first + r];
        }
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
        return Vectors.dot(a, aOffset, b, bOffset, dimension);
    }

    @Override
    public String describe() {
        return "int8-scalar";
    }
}

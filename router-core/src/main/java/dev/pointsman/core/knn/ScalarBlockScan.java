package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;
import java.util.Arrays;

/**
 * The portable kernel. HotSpot 17 does not turn these loops into SIMD instructions, so it runs at
 * about one multiply-add per cycle. Stateless.
 */
final class ScalarBlockScan implements BlockScan {
    @Override
    public void similarities(int[] d, int base, int dimension, float[] q, float[] out) {
        Arrays.fill(out, 0, SupportIndex.BLOCK, 0f);
        for (int j = 0, o = base; j < dimension; j++, o += PACKED) {
            float qj = q[j];
            for (int r = 0; r < PACKED; r++) {
                int pair = d[o + r];
                out[r] += Bf16.high(pair) * qj;
                out[r + PACKED] += Bf16.low(pair) * qj;
            }
        }
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
        return Vectors.dot(a, aOffset, b, bOffset, dimension);
    }

    @Override
    public String describe() {
        return "bf16-scalar";
    }
}

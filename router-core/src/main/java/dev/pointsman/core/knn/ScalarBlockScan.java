package dev.pointsman.core.knn;

import java.util.Arrays;

/**
 * The portable kernel. HotSpot 17 does not turn these loops into SIMD instructions, so it runs at
 * about one multiply-add per cycle. Holds scratch arrays: one instance per thread.
 */
final class ScalarBlockScan implements BlockScan {
    private static final int BLOCK = SupportIndex.BLOCK;
    private final float[] a0 = new float[BLOCK];
    private final float[] a1 = new float[BLOCK];
    private final float[] a2 = new float[BLOCK];
    private final float[] a3 = new float[BLOCK];

    @Override
    public void similarities(float[] d, int base, int dimension, float[] q, float[] out) {
        Arrays.fill(a0, 0f);
        Arrays.fill(a1, 0f);
        Arrays.fill(a2, 0f);
        Arrays.fill(a3, 0f);
        int j = 0;
        for (; j + 3 < dimension; j += 4) {
            float q0 = q[j];
            float q1 = q[j + 1];
            float q2 = q[j + 2];
            float q3 = q[j + 3];
            int o0 = base + j * BLOCK;
            int o1 = o0 + BLOCK;
            int o2 = o1 + BLOCK;
            int o3 = o2 + BLOCK;
            for (int r = 0; r < BLOCK; r++) {
                a0[r] += d[o0 + r] * q0;
                a1[r] += d[o1 + r] * q1;
                a2[r] += d[o2 + r] * q2;
                a3[r] += d[o3 + r] * q3;
            }
        }
        for (; j < dimension; j++) {
            float qj = q[j];
            int o = base + j * BLOCK;
            for (int r = 0; r < BLOCK; r++) {
                a0[r] += d[o + r] * qj;
            }
        }
        for (int r = 0; r < BLOCK; r++) {
            out[r] = (a0[r] + a1[r]) + (a2[r] + a3[r]);
        }
    }

    @Override
    public String describe() {
        return "scalar";
    }
}

package dev.pointsman.core.knn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel: 4 × L rows at a time (L floats per vector), each with its four partial
 * sums in its own register, so 16 independent multiply-add chains are in flight. Multiplies and
 * adds stay separate (no fused multiply-add) to round exactly as the scalar kernel does. Stateless.
 */
final class VectorBlockScan implements BlockScan {
    private static final int BLOCK = SupportIndex.BLOCK;
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    /** Whether the CPU's vectors are long enough to pay and tile a block. */
    static boolean usable() {
        return L >= 4 && BLOCK % (4 * L) == 0;
    }

    @Override
    public void similarities(float[] d, int base, int dimension, float[] q, float[] out) {
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int r = 0; r < BLOCK; r += 4 * L) {
            // sVP: rows r + V*L .. r + V*L + L-1, dimensions j with j mod 4 == P.
            FloatVector s00 = zero, s01 = zero, s02 = zero, s03 = zero;
            FloatVector s10 = zero, s11 = zero, s12 = zero, s13 = zero;
            FloatVector s20 = zero, s21 = zero, s22 = zero, s23 = zero;
            FloatVector s30 = zero, s31 = zero, s32 = zero, s33 = zero;
            // One induction variable with a constant stride lets C2 hoist the loads' bounds
            // checks out of the loop (indexing by j * BLOCK measured about 30% slower).
            int o0 = base + r;
            int groupsEnd = base + r + (dimension / 4) * 4 * BLOCK;
            for (int j = 0; o0 < groupsEnd; j += 4, o0 += 4 * BLOCK) {
                int o1 = o0 + BLOCK;
                int o2 = o1 + BLOCK;
                int o3 = o2 + BLOCK;
                float q0 = q[j];
                float q1 = q[j + 1];
                float q2 = q[j + 2];
                float q3 = q[j + 3];
                s00 = s00.add(FloatVector.fromArray(SPECIES, d, o0).mul(q0));
                s10 = s10.add(FloatVector.fromArray(SPECIES, d, o0 + L).mul(q0));
                s20 = s20.add(FloatVector.fromArray(SPECIES, d, o0 + 2 * L).mul(q0));
                s30 = s30.add(FloatVector.fromArray(SPECIES, d, o0 + 3 * L).mul(q0));
                s01 = s01.add(FloatVector.fromArray(SPECIES, d, o1).mul(q1));
                s11 = s11.add(FloatVector.fromArray(SPECIES, d, o1 + L).mul(q1));
                s21 = s21.add(FloatVector.fromArray(SPECIES, d, o1 + 2 * L).mul(q1));
                s31 = s31.add(FloatVector.fromArray(SPECIES, d, o1 + 3 * L).mul(q1));
                s02 = s02.add(FloatVector.fromArray(SPECIES, d, o2).mul(q2));
                s12 = s12.add(FloatVector.fromArray(SPECIES, d, o2 + L).mul(q2));
                s22 = s22.add(FloatVector.fromArray(SPECIES, d, o2 + 2 * L).mul(q2));
                s32 = s32.add(FloatVector.fromArray(SPECIES, d, o2 + 3 * L).mul(q2));
                s03 = s03.add(FloatVector.fromArray(SPECIES, d, o3).mul(q3));
                s13 = s13.add(FloatVector.fromArray(SPECIES, d, o3 + L).mul(q3));
                s23 = s23.add(FloatVector.fromArray(SPECIES, d, o3 + 2 * L).mul(q3));
                s33 = s33.add(FloatVector.fromArray(SPECIES, d, o3 + 3 * L).mul(q3));
            }
            for (int j = dimension / 4 * 4; j < dimension; j++) {
                int o = base + j * BLOCK + r;
                float qj = q[j];
                s00 = s00.add(FloatVector.fromArray(SPECIES, d, o).mul(qj));
                s10 = s10.add(FloatVector.fromArray(SPECIES, d, o + L).mul(qj));
                s20 = s20.add(FloatVector.fromArray(SPECIES, d, o + 2 * L).mul(qj));
                s30 = s30.add(FloatVector.fromArray(SPECIES, d, o + 3 * L).mul(qj));
            }
            s00.add(s01).add(s02.add(s03)).intoArray(out, r);
            s10.add(s11).add(s12.add(s13)).intoArray(out, r + L);
            s20.add(s21).add(s22.add(s23)).intoArray(out, r + 2 * L);
            s30.add(s31).add(s32.add(s33)).intoArray(out, r + 3 * L);
        }
    }

    /**
     * One dot product with fused multiply-adds in two chains: rounds differently from the scalar
     * order, so only for navigation ({@link RowDot}).
     */
    static float rowDot(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = s0;
        int i = 0;
        for (; i + 2 * L <= dimension; i += 2 * L) {
            s0 =
                    FloatVector.fromArray(SPECIES, a, aOffset + i)
                            .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), s0);
            s1 =
                    FloatVector.fromArray(SPECIES, a, aOffset + i + L)
                            .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + L), s1);
        }
        for (; i + L <= dimension; i += L) {
            s0 =
                    FloatVector.fromArray(SPECIES, a, aOffset + i)
                            .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), s0);
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < dimension; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    @Override
    public String describe() {
        return "vector-api-" + L * Float.SIZE + "bit";
    }
}

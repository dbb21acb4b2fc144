package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel over the bfloat16 scan copy: per pass 2 × L packed ints (L lanes per
 * vector) give 4 × L rows, widened to floats with one mask (high halves) or one shift (low halves)
 * and accumulated with fused multiply-adds, two dimensions at a time in eight independent chains.
 * At 384 dimensions it reads half the bytes of a float scan and runs about twice as fast (the float
 * scan was limited by cache bandwidth). Stateless.
 */
final class VectorBlockScan implements BlockScan {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final int HIGH = 0xFFFF0000;

    /** Whether the CPU's vectors are long enough to pay and tile a block's packed ints. */
    static boolean usable() {
        return L >= 4 && INTS.length() == L && PACKED % (2 * L) == 0;
    }

    @Override
    public void similarities(int[] d, int base, int dimension, float[] q, float[] out) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int pairsEnd = base + (dimension / 2) * 2 * PACKED;
        for (int r = 0; r < PACKED; r += 2 * L) {
            // aN: dimension j, bN: dimension j + 1; N = 0, 1 rows r.. and r+L.. (high halves),
            // N = 2, 3 rows r+32.. and r+32+L.. (low halves).
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            FloatVector b0 = zero, b1 = zero, b2 = zero, b3 = zero;
            // One induction variable with a constant stride lets C2 hoist the loads' bounds
            // checks out of the loop.
            int o = base + r;
            for (int j = 0, end = pairsEnd + r; o < end; j += 2, o += 2 * PACKED) {
                FloatVector q0 = FloatVector.broadcast(SPECIES, q[j]);
                FloatVector q1 = FloatVector.broadcast(SPECIES, q[j + 1]);
                IntVector v0 = IntVector.fromArray(INTS, d, o);
                IntVector v1 = IntVector.fromArray(INTS, d, o + L);
                IntVector w0 = IntVector.fromArray(INTS, d, o + PACKED);
                IntVector w1 = IntVector.fromArray(INTS, d, o + PACKED + L);
                a0 = high(v0).fma(q0, a0);
                a1 = high(v1).fma(q0, a1);
                a2 = low(v0).fma(q0, a2);
                a3 = low(v1).fma(q0, a3);
                b0 = high(w0).fma(q1, b0);
                b1 = high(w1).fma(q1, b1);
                b2 = low(w0).fma(q1, b2);
                b3 = low(w1).fma(q1, b3);
            }
            if (dimension % 2 == 1) {
                FloatVector qj = FloatVector.broadcast(SPECIES, q[dimension - 1]);
                IntVector v0 = IntVector.fromArray(INTS, d, o);
                IntVector v1 = IntVector.fromArray(INTS, d, o + L);
                a0 = high(v0).fma(qj, a0);
                a1 = high(v1).fma(qj, a1);
                a2 = low(v0).fma(qj, a2);
                a3 = low(v1).fma(qj, a3);
            }
            a0.add(b0).intoArray(out, r);
            a1.add(b1).intoArray(out, r + L);
            a2.add(b2).intoArray(out, r + PACKED);
            a3.add(b3).intoArray(out, r + PACKED + L);
        }
    }

    /**
     * Two queries per pass: each packed vector is loaded and widened once and feeds both queries'
     * chains, which are the single-query kernel's chains in the same order, so each query's
     * similarities are bit for bit those of {@link #similarities(int[], int, int, float[],
     * float[])}. Sixteen accumulators, two widened rows and four broadcasts fit the 32 vector
     * registers of AVX-512 (and spill a little on 16-register CPUs, where it is still correct).
     * Written out in full on purpose: moving the stores into a helper that takes the vectors as
     * arguments made batches 6× slower in JMH (the vectors were boxed across the call).
     */
    @Override
    public void similarities(
            int[] d, int base, int dimension, float[] q, float[] out, float[] p, float[] out2) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int pairsEnd = base + (dimension / 2) * 2 * PACKED;
        for (int r = 0; r < PACKED; r += 2 * L) {
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            FloatVector b0 = zero, b1 = zero, b2 = zero, b3 = zero;
            FloatVector c0 = zero, c1 = zero, c2 = zero, c3 = zero;
            FloatVector e0 = zero, e1 = zero, e2 = zero, e3 = zero;
            int o = base + r;
            for (int j = 0, end = pairsEnd + r; o < end; j += 2, o += 2 * PACKED) {
                FloatVector q0 = FloatVector.broadcast(SPECIES, q[j]);
                FloatVector q1 = FloatVector.broadcast(SPECIES, q[j + 1]);
                FloatVector p0 = FloatVector.broadcast(SPECIES, p[j]);
                FloatVector p1 = FloatVector.broadcast(SPECIES, p[j + 1]);
                IntVector v0 = IntVector.fromArray(INTS, d, o);
                IntVector v1 = IntVector.fromArray(INTS, d, o + L);
                IntVector w0 = IntVector.fromArray(INTS, d, o + PACKED);
                IntVector w1 = IntVector.fromArray(INTS, d, o + PACKED + L);
                FloatVector x = high(v0);
                a0 = x.fma(q0, a0);
                c0 = x.fma(p0, c0);
                x = high(v1);
                a1 = x.fma(q0, a1);
                c1 = x.fma(p0, c1);
                x = low(v0);
                a2 = x.fma(q0, a2);
                c2 = x.fma(p0, c2);
                x = low(v1);
                a3 = x.fma(q0, a3);
                c3 = x.fma(p0, c3);
                x = high(w0);
                b0 = x.fma(q1, b0);
                e0 = x.fma(p1, e0);
                x = high(w1);
                b1 = x.fma(q1, b1);
                e1 = x.fma(p1, e1);
                x = low(w0);
                b2 = x.fma(q1, b2);
                e2 = x.fma(p1, e2);
                x = low(w1);
                b3 = x.fma(q1, b3);
                e3 = x.fma(p1, e3);
            }
            if (dimension % 2 == 1) {
                FloatVector qj = FloatVector.broadcast(SPECIES, q[dimension - 1]);
                FloatVector pj = FloatVector.broadcast(SPECIES, p[dimension - 1]);
                IntVector v0 = IntVector.fromArray(INTS, d, o);
                IntVector v1 = IntVector.fromArray(INTS, d, o + L);
                a0 = high(v0).fma(qj, a0);
                a1 = high(v1).fma(qj, a1);
                a2 = low(v0).fma(qj, a2);
                a3 = low(v1).fma(qj, a3);
                c0 = high(v0).fma(pj, c0);
                c1 = high(v1).fma(pj, c1);
                c2 = low(v0).fma(pj, c2);
                c3 = low(v1).fma(pj, c3);
            }
            a0.add(b0).intoArray(out, r);
            a1.add(b1).intoArray(out, r + L);
            a2.add(b2).intoArray(out, r + PACKED);
            a3.add(b3).intoArray(out, r + PACKED + L);
            c0.add(e0).intoArray(out2, r);
            c1.add(e1).intoArray(out2, r + L);
            c2.add(e2).intoArray(out2, r + PACKED);
            c3.add(e3).intoArray(out2, r + PACKED + L);
        }
    }

    @Override
    public float maxUpper(
            float[] sims, float[] errors, int first, float queryNorm, float underflow) {
        FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < SupportIndex.BLOCK; i += L) {
            // mul, then add, then add: no fused multiply-add, so each lane rounds as the scalar
            // expression does.
            FloatVector error =
                    FloatVector.fromArray(SPECIES, errors, first + i).mul(queryNorm).add(underflow);
            max = max.max(FloatVector.fromArray(SPECIES, sims, i).add(error));
        }
        return max.reduceLanes(VectorOperators.MAX);
    }

    private static FloatVector high(IntVector packed) {
        return packed.and(HIGH).reinterpretAsFloats();
    }

    private static FloatVector low(IntVector packed) {
        return packed.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static final VectorSpecies<Float> QUAD = FloatVector.SPECIES_128;

    /**
     * {@link Vectors#dot(float[], int, float[], int, int)} bit for bit: its four partial sums are
     * the four lanes of one 128-bit vector, multiplied and added separately in the same order, and
     * combined the same way. Short dependency chains of few instructions let the CPU fetch much
     * more of a row ahead than the scalar loop does, which matters for rows not in cache.
     */
    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
        FloatVector s = FloatVector.zero(QUAD);
        int i = 0;
        for (; i + 3 < dimension; i += 4) {
            s =
                    s.add(
                            FloatVector.fromArray(QUAD, a, aOffset + i)
                                    .mul(FloatVector.fromArray(QUAD, b, bOffset + i)));
        }
        float s0 = s.lane(0);
        for (; i < dimension; i++) {
            s0 += a[aOffset + i] * b[bOffset + i];
        }
        return (s0 + s.lane(1)) + (s.lane(2) + s.lane(3));
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
        return "bf16-vector-api-" + L * Float.SIZE + "bit";
    }
}

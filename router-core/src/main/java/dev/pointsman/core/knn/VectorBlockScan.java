package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel over the int8 scan copy: per dimension, 4 × L codes (L lanes per vector)
 * are loaded as bytes and widened to floats with one conversion each, and accumulated with fused
 * multiply-adds in four chains per query, one per group of L rows, dimension after dimension. Up to
 * {@value BlockScan#QUERIES_PER_PASS} queries share each widened vector. At 384 dimensions it reads
 * a quarter of the bytes of a float scan and half of the bfloat16 scan it replaced, and runs about
 * twice as fast as that one on a single query (the scan is limited by how fast its bytes arrive).
 * Each query's chains are the same whatever else shares the pass, so its similarities are bit for
 * bit the same. Stateless.
 *
 * <p>The kernels are written out in full on purpose: the widening moved into a helper method made a
 * scan four times slower once C2 stopped inlining it (the vectors were boxed across the call).
 */
final class VectorBlockScan implements BlockScan {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    /**
     * The bytes loaded for one group of L rows: L of them, or 8 (the shortest byte vector) with
     * 4-float vectors, of which the conversion takes the first 4.
     */
    private static final VectorShape BYTE_SHAPE = VectorShape.forBitSize(Math.max(64, L * 8));

    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, BYTE_SHAPE);
    private static final VectorOperators.Conversion<Byte, Float> B2F = VectorOperators.B2F;

    /** Rows per pass of the inner loop: four chains of L rows. */
    private static final int ROWS = 4 * L;

    /** Whether the CPU's vectors are long enough to pay and tile a block. */
    static boolean usable() {
        return L >= 4
                && BYTES.length() >= L
                && BYTES.length() - L <= PADDING
                && SupportIndex.BLOCK % ROWS == 0;
    }

    @Override
    public void similarities(
            byte[] d, int base, int dimension, float[] scales, int first, float[] q, float[] out) {
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int r = 0; r < SupportIndex.BLOCK; r += ROWS) {
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            // One induction variable with a constant stride lets C2 hoist the loads' bounds
            // checks out of the loop.
            int o = base + r;
            for (int j = 0, end = o + dimension * SupportIndex.BLOCK;
                    o < end;
                    j++, o += SupportIndex.BLOCK) {
                FloatVector q0 = FloatVector.broadcast(SPECIES, q[j]);
                a0 =
                        ((FloatVector)
                                        ByteVector.fromArray(BYTES, d, o)
                                                .convertShape(B2F, SPECIES, 0))
                                .fma(q0, a0);
                a1 =
                        ((FloatVector)
                                        ByteVector.fromArray(BYTES, d, o + L)
                                                .convertShape(B2F, SPECIES, 0))
                                .fma(q0, a1);
                a2 =
                        ((FloatVector)
                                        ByteVector.fromArray(BYTES, d, o + 2 * L)
                                                .convertShape(B2F, SPECIES, 0))
                                .fma(q0, a2);
                a3 =
                        ((FloatVector)
                                        ByteVector.fromArray(BYTES, d, o + 3 * L)
                                                .convertShape(B2F, SPECIES, 0))
                                .fma(q0, a3);
            }
            int at = first + r;
            a0.mul(FloatVector.fromArray(SPECIES, scales, at)).intoArray(out, r);
            a1.mul(FloatVector.fromArray(SPECIES, scales, at + L)).intoArray(out, r + L);
            a2.mul(FloatVector.fromArray(SPECIES, scales, at + 2 * L)).intoArray(out, r + 2 * L);
            a3.mul(FloatVector.fromArray(SPECIES, scales, at + 3 * L)).intoArray(out, r + 3 * L);
        }
    }

    @Override
    public void similarities(
            byte[] codes,
            int base,
            int dimension,
            float[] scales,
            int first,
            float[][] queries,
            float[][] outs,
            int from,
            int count) {
        int i = from;
        int end = from + count;
        for (; i + 4 <= end; i += 4) {
            four(codes, base, dimension, scales, first, queries, outs, i);
        }
        for (; i + 2 <= end; i += 2) {
            two(
                    codes,
                    base,
                    dimension,
                    scales,
                    first,
                    queries[i],
                    outs[i],
                    queries[i + 1],
                    outs[i + 1]);
        }
        if (i < end) {
            similarities(codes, base, dimension, scales, first, queries[i], outs[i]);
        }
    }

    /** Two queries' chains, each widened vector feeding both. */
    private static void two(
            byte[] d,
            int base,
            int dimension,
            float[] scales,
            int first,
            float[] q,
            float[] out,
            float[] p,
            float[] out2) {
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int r = 0; r < SupportIndex.BLOCK; r += ROWS) {
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            FloatVector b0 = zero, b1 = zero, b2 = zero, b3 = zero;
            int o = base + r;
            for (int j = 0, end = o + dimension * SupportIndex.BLOCK;
                    o < end;
                    j++, o += SupportIndex.BLOCK) {
                FloatVector q0 = FloatVector.broadcast(SPECIES, q[j]);
                FloatVector p0 = FloatVector.broadcast(SPECIES, p[j]);
                FloatVector x =
                        ((FloatVector)
                                ByteVector.fromArray(BYTES, d, o).convertShape(B2F, SPECIES, 0));
                a0 = x.fma(q0, a0);
                b0 = x.fma(p0, b0);
                x =
                        ((FloatVector)
                                ByteVector.fromArray(BYTES, d, o + L)
                                        .convertShape(B2F, SPECIES, 0));
                a1 = x.fma(q0, a1);
                b1 = x.fma(p0, b1);
                x =
                        ((FloatVector)
                                ByteVector.fromArray(BYTES, d, o + 2 * L)
                                        .convertShape(B2F, SPECIES, 0));
                a2 = x.fma(q0, a2);
                b2 = x.fma(p0, b2);
                x =
                        ((FloatVector)
                                ByteVector.fromArray(BYTES, d, o + 3 * L)
                                        .convertShape(B2F, SPECIES, 0));
                a3 = x.fma(q0, a3);
                b3 = x.fma(p0, b3);
            }
            int at = first + r;
            FloatVector s0 = FloatVector.fromArray(SPECIES, scales, at);
            FloatVector s1 = FloatVector.fromArray(SPECIES, scales, at + L);
            FloatVector s2 = FloatVector.fromArray(SPECIES, scales, at + 2 * L);
            FloatVector s3 = FloatVector.fromArray(SPECIES, scales, at + 3 * L);
            a0.mul(s0).intoArray(out, r);
            a1.mul(s1).intoArray(out, r + L);
            a2.mul(s2).intoArray(out, r + 2 * L);
            a3.mul(s3).intoArray(out, r + 3 * L);
            b0.mul(s0).intoArray(out2, r);
            b1.mul(s1).intoArray(out2, r + L);
            b2.mul(s2).intoArray(out2, r + 2 * L);
            b3.mul(s3).intoArray(out2, r + 3 * L);
        }
    }

    /**
     * Four queries' chains: sixteen accumulators, four broadcasts and one widened vector fit the 32
     * vector registers of AVX-512 (and spill a little on 16-register CPUs, where it is still
     * correct).
     */
    private static void four(
            byte[] d,
            int base,
            int dimension,
            float[] scales,
            int first,
            float[][] queries,
            float[][] outs,
            int from) {
        float[] q = queries[from];
        float[] p = queries[from + 1];
        float[] t = queries[from + 2];
        float[] u = queries[from + 3];
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int r = 0; r < SupportIndex.BLOCK; r += ROWS) {
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            FloatVector b0 = zero, b1 = zero, b2 = zero, b3 = zero;
            FloatVector c0 = zero, c1 = zero, c2 = zero, c3 = zero;
            FloatVector e0 = zero, e1 = zero, e2 = zero, e3 = zero;
            int o = base + r;
            for (int j = 0, end = o + dimension * SupportIndex.BLOCK;
                    o < end;
                    j++, o += SupportIndex.BLOCK) {
                FloatVector q0 = FloatVector.broadcast(SPECIES, q[j]);
                FloatVector p0 = FloatVector.broadcast(SPECIES, p[j]);
                FloatVector t0 = FloatVector.broadcast(SPECIES, t[j]);
                FloatVector u0 = FloatVector.broadcast(SPECIES, u[j]);
                FloatVector x =
                        ((FloatVector)
                                ByteVector.fromArray(BYTES, d, o).convertShape(B2F, SPECIES, 0));
                a0 = x.fma(q0, a0);
                b0 = x.fma(p0, b0);
                c0 = x.fma(t0, c0);
                e0 = x.fma(u0, e0);
                x =
                        ((FloatVector)
                                ByteVector.fromArray(BYTES, d, o + L)
                                        .convertShape(B2F, SPECIES, 0));
                a1 = x.fma(q0, a1);
                b1 = x.fma(p0, b1);
                c1 = x.fma(t0, c1);
                e1 = x.fma(u0, e1);
                x =
                        ((FloatVector)
                                ByteVector.fromArray(BYTES, d, o + 2 * L)
                                        .convertShape(B2F, SPECIES, 0));
                a2 = x.fma(q0, a2);
                b2 = x.fma(p0, b2);
                c2 = x.fma(t0, c2);
                e2 = x.fma(u0, e2);
                x =
                        ((FloatVector)
                                ByteVector.fromArray(BYTES, d, o + 3 * L)
                                        .convertShape(B2F, SPECIES, 0));
                a3 = x.fma(q0, a3);
                b3 = x.fma(p0, b3);
                c3 = x.fma(t0, c3);
                e3 = x.fma(u0, e3);
            }
            int at = first + r;
            FloatVector s0 = FloatVector.fromArray(SPECIES, scales, at);
            FloatVector s1 = FloatVector.fromArray(SPECIES, scales, at + L);
            FloatVector s2 = FloatVector.fromArray(SPECIES, scales, at + 2 * L);
            FloatVector s3 = FloatVector.fromArray(SPECIES, scales, at + 3 * L);
            float[] out = outs[from];
            a0.mul(s0).intoArray(out, r);
            a1.mul(s1).intoArray(out, r + L);
            a2.mul(s2).intoArray(out, r + 2 * L);
            a3.mul(s3).intoArray(out, r + 3 * L);
            out = outs[from + 1];
            b0.mul(s0).intoArray(out, r);
            b1.mul(s1).intoArray(out, r + L);
            b2.mul(s2).intoArray(out, r + 2 * L);
            b3.mul(s3).intoArray(out, r + 3 * L);
            out = outs[from + 2];
            c0.mul(s0).intoArray(out, r);
            c1.mul(s1).intoArray(out, r + L);
            c2.mul(s2).intoArray(out, r + 2 * L);
            c3.mul(s3).intoArray(out, r + 3 * L);
            out = outs[from + 3];
            e0.mul(s0).intoArray(out, r);
            e1.mul(s1).intoArray(out, r + L);
            e2.mul(s2).intoArray(out, r + 2 * L);
            e3.mul(s3).intoArray(out, r + 3 * L);
        }
    }

    @Override
    public long reaching(
            float[] sims,
            float[] errors,
            int first,
            float queryNorm,
            float underflow,
            float threshold) {
        long mask = 0;
        for (int i = 0; i < SupportIndex.BLOCK; i += L) {
            // mul, then add, then add: no fused multiply-add, so each lane rounds as the scalar
            // expression does.
            FloatVector error =
                    FloatVector.fromArray(SPECIES, errors, first + i).mul(queryNorm).add(underflow);
            VectorMask<Float> reach =
                    FloatVector.fromArray(SPECIES, sims, i)
                            .add(error)
                            .compare(VectorOperators.GE, threshold);
            // Most groups have no row that reaches; the others' lanes are found row by row, with
            // the same float operations (VectorMask.toLong is not compiled to one instruction in
            // Java 17).
            if (reach.anyTrue()) {
                mask |=
                        BlockScan.reaching(
                                sims, errors, first, queryNorm, underflow, threshold, i, i + L);
            }
        }
        return mask;
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
        return finish(s, a, aOffset, b, bOffset, i, dimension);
    }

    /**
     * {@link #dot} for four rows at a time, each in its own 128-bit chain with the query's part
     * loaded once: the same operations per row in the same order, so bit for bit, but four chains
     * in flight instead of one (one chain is bound by the latency of its adds).
     */
    @Override
    public void dots(float[] a, int[] offsets, int count, float[] b, int dimension, float[] out) {
        int c = 0;
        for (; c + 4 <= count; c += 4) {
            int o0 = offsets[c];
            int o1 = offsets[c + 1];
            int o2 = offsets[c + 2];
            int o3 = offsets[c + 3];
            FloatVector s0 = FloatVector.zero(QUAD);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            int i = 0;
            for (; i + 3 < dimension; i += 4) {
                FloatVector q = FloatVector.fromArray(QUAD, b, i);
                s0 = s0.add(FloatVector.fromArray(QUAD, a, o0 + i).mul(q));
                s1 = s1.add(FloatVector.fromArray(QUAD, a, o1 + i).mul(q));
                s2 = s2.add(FloatVector.fromArray(QUAD, a, o2 + i).mul(q));
                s3 = s3.add(FloatVector.fromArray(QUAD, a, o3 + i).mul(q));
            }
            out[c] = finish(s0, a, o0, b, 0, i, dimension);
            out[c + 1] = finish(s1, a, o1, b, 0, i, dimension);
            out[c + 2] = finish(s2, a, o2, b, 0, i, dimension);
            out[c + 3] = finish(s3, a, o3, b, 0, i, dimension);
        }
        for (; c < count; c++) {
            out[c] = dot(a, offsets[c], b, 0, dimension);
        }
    }

    /**
     * The end of {@link #dot} from its four partial sums after {@code i} components: the rest added
     * to the first, then the sums combined in {@link Vectors#dot}'s order.
     */
    private static float finish(
            FloatVector s, float[] a, int aOffset, float[] b, int bOffset, int i, int n) {
        float s0 = s.lane(0);
        for (; i < n; i++) {
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
        return "int8-vector-api-" + L * Float.SIZE + "bit";
    }
}

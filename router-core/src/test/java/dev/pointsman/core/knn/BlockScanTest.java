package dev.pointsman.core.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.core.vector.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlockScanTest {
    @Test
    void theVectorKernelRunsWhenTheModuleIsResolvedUnlessSwitchedOff() {
        // The build starts test JVMs with --add-modules jdk.incubator.vector.
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
        assertThat(BlockScan.fastest()).isInstanceOf(VectorBlockScan.class);
        assertThat(SupportIndex.scanKernel()).startsWith("bf16-vector-api-");
        System.setProperty("pointsman.simd", "false");
        try {
            assertThat(BlockScan.fastest()).isInstanceOf(ScalarBlockScan.class);
            assertThat(SupportIndex.scanKernel()).isEqualTo("bf16-scalar");
        } finally {
            System.clearProperty("pointsman.simd");
        }
    }

    /** Odd and even dimensions, small and large. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 384, 387})
    void bothKernelsMatchTheBfloat16RowsDotProduct(int dimension) {
        Random random = new Random(dimension);
        int[] packed = new int[BlockScan.PACKED * dimension];
        float[][] copies = new float[SupportIndex.BLOCK][dimension];
        for (int r = 0; r < SupportIndex.BLOCK; r++) {
            float[] row = gaussianUnit(random, dimension);
            for (int j = 0; j < dimension; j++) {
                int bf16 = Bf16.round(row[j]);
                int at = j * BlockScan.PACKED + r % BlockScan.PACKED;
                packed[at] = Bf16.with(packed[at], r < BlockScan.PACKED, bf16);
                copies[r][j] = Bf16.widen(bf16);
            }
        }
        float[] query = gaussianUnit(random, dimension);
        for (BlockScan kernel : List.of(new ScalarBlockScan(), new VectorBlockScan())) {
            float[] out = new float[SupportIndex.BLOCK];
            kernel.similarities(packed, 0, dimension, query, out);
            for (int r = 0; r < SupportIndex.BLOCK; r++) {
                double want = 0;
                for (int j = 0; j < dimension; j++) {
                    want += (double) copies[r][j] * query[j];
                }
                // Any float summation order: within γ·‖q‖‖b‖ of the true dot product.
                assertThat((double) out[r]).isCloseTo(want, within(dimension * 0x1p-23));
            }
        }
    }

    /** The two-query pass gives each query exactly what its own pass gives, in both kernels. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 384, 387})
    void twoQueriesInOnePassGiveEachItsOwnSimilaritiesBitForBit(int dimension) {
        Random random = new Random(100 + dimension);
        int[] packed = new int[2 * BlockScan.PACKED * dimension];
        for (int i = 0; i < packed.length; i++) {
            packed[i] =
                    Bf16.with(
                            Bf16.with(0, true, Bf16.round((float) random.nextGaussian())),
                            false,
                            Bf16.round((float) random.nextGaussian()));
        }
        float[] q = gaussianUnit(random, dimension);
        float[] p = gaussianUnit(random, dimension);
        for (BlockScan kernel : List.of(new ScalarBlockScan(), new VectorBlockScan())) {
            // The second block, so a base other than 0 is read.
            int base = BlockScan.PACKED * dimension;
            float[] alone = new float[SupportIndex.BLOCK];
            float[] alone2 = new float[SupportIndex.BLOCK];
            kernel.similarities(packed, base, dimension, q, alone);
            kernel.similarities(packed, base, dimension, p, alone2);
            float[] out = new float[SupportIndex.BLOCK];
            float[] out2 = new float[SupportIndex.BLOCK];
            kernel.similarities(packed, base, dimension, q, out, p, out2);
            assertThat(out).as(kernel.describe()).containsExactly(alone);
            assertThat(out2).as(kernel.describe()).containsExactly(alone2);
            if (dimension > 1) { // two unit vectors in one dimension may be the same
                assertThat(out).isNotEqualTo(out2);
            }
        }
    }

    @Test
    void theLargestUpperBoundOfABlockIsTheRowByRowOneExactly() {
        Random random = new Random(21);
        for (int trial = 0; trial < 200; trial++) {
            float[] sims = new float[SupportIndex.BLOCK];
            float[] errors = new float[3 * SupportIndex.BLOCK];
            for (int i = 0; i < sims.length; i++) {
                sims[i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < errors.length; i++) {
                errors[i] = (float) (random.nextDouble() * 1e-2);
            }
            int first = SupportIndex.BLOCK * random.nextInt(3);
            float norm = (float) (1 + random.nextDouble());
            float underflow = 1e-30f;
            float want = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < sims.length; i++) {
                want = Math.max(want, sims[i] + (norm * errors[first + i] + underflow));
            }
            for (BlockScan kernel : List.of(new ScalarBlockScan(), new VectorBlockScan())) {
                assertThat(kernel.maxUpper(sims, errors, first, norm, underflow))
                        .as(kernel.describe())
                        .isEqualTo(want);
            }
        }
    }

    @Test
    void bfloat16RoundsToNearestEvenAndPacksTwoRowsPerInt() {
        assertThat(Bf16.widen(Bf16.round(1f))).isEqualTo(1f);
        assertThat(Bf16.widen(Bf16.round(-0.75f))).isEqualTo(-0.75f);
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: to even, that is 1.
        assertThat(Bf16.widen(Bf16.round(1f + 0x1p-8f))).isEqualTo(1f);
        assertThat(Bf16.widen(Bf16.round(1f + 0x1p-8f + 0x1p-20f))).isEqualTo(1f + 0x1p-7f);
        assertThat(Bf16.widen(Bf16.round(1f + 3 * 0x1p-8f))).isEqualTo(1f + 0x1p-6f);
        int both = Bf16.with(Bf16.with(0, true, Bf16.round(0.5f)), false, Bf16.round(-2f));
        assertThat(Bf16.high(both)).isEqualTo(0.5f);
        assertThat(Bf16.low(both)).isEqualTo(-2f);
        assertThat(Bf16.high(Bf16.with(both, true, Bf16.round(3f)))).isEqualTo(3f);
        assertThat(Bf16.low(Bf16.with(both, true, Bf16.round(3f)))).isEqualTo(-2f);
    }

    /** Dimensions with and without a remainder after groups of four. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 384, 387})
    void searchesWithEitherKernelGiveExactKnnsRowsAndSimilaritiesBitForBit(int dimension) {
        Random random = new Random(dimension);
        List<float[]> rows = new ArrayList<>();
        // Enough rows for several blocks and a ragged last one.
        for (int i = 0; i < 3 * SupportIndex.BLOCK + 17; i++) {
            rows.add(gaussianUnit(random, dimension));
        }
        assertSearchesMatchExactKnn(rows, random, rows.size());
        assertSearchesMatchExactKnn(rows, random, 10);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 384, 387})
    void bothKernelsReScoreWithTheReferenceDotProductBitForBit(int dimension) {
        Random random = new Random(dimension);
        for (int trial = 0; trial < 50; trial++) {
            float[] a = gaussianUnit(random, dimension + 5);
            float[] b = gaussianUnit(random, dimension);
            float want = Vectors.dot(a, 5, b, 0, dimension);
            for (BlockScan kernel : List.of(new ScalarBlockScan(), new VectorBlockScan())) {
                assertThat(Float.floatToRawIntBits(kernel.dot(a, 5, b, 0, dimension)))
                        .isEqualTo(Float.floatToRawIntBits(want));
            }
        }
    }

    /** The bound must be tight enough to leave little to re-score, or the scan saves nothing. */
    @Test
    void aSearchReScoresFewRowsBeyondTheKItReturns() {
        int dimension = 384;
        Random random = new Random(5);
        SupportIndex index = new SupportIndex(dimension, 4096);
        for (int i = 0; i < 4096; i++) {
            index.add(gaussianUnit(random, dimension), i);
        }
        int rescored = 0;
        for (int q = 0; q < 20; q++) {
            index.search(gaussianUnit(random, dimension), 10);
            assertThat(index.rescored).isGreaterThanOrEqualTo(10);
            rescored += index.rescored;
        }
        // About 13 per query here (16 with the looser 2^-8 bound); a search that re-scored
        // every row would still return the right rows.
        assertThat(rescored / 20.0).isLessThan(20);
    }

    /**
     * Hundreds of rows within bfloat16 rounding of each other, where the scan cannot tell them
     * apart: the re-scoring alone ranks them, and must still rank them exactly.
     */
    @Test
    void nearDuplicatesBeyondBfloat16PrecisionStillRankExactly() {
        int dimension = 384;
        Random random = new Random(77);
        float[] centre = gaussianUnit(random, dimension);
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            float[] row = centre.clone();
            for (int j = 0; j < dimension; j++) {
                row[j] += (float) (random.nextGaussian() * 1e-4);
            }
            rows.add(i % 5 == 0 ? gaussianUnit(random, dimension) : Vectors.l2Normalized(row));
        }
        assertSearchesMatchExactKnn(rows, random, 10);
        assertSearchesMatchExactKnn(rows, random, 100);
    }

    private static void assertSearchesMatchExactKnn(List<float[]> rows, Random random, int k) {
        int dimension = rows.get(0).length;
        SupportIndex scalar = new SupportIndex(dimension, 8, new ScalarBlockScan());
        SupportIndex vector = new SupportIndex(dimension, 8, new VectorBlockScan());
        for (int i = 0; i < rows.size(); i++) {
            scalar.add(rows.get(i), i);
            vector.add(rows.get(i), i);
        }
        ExactKnn exact = new ExactKnn(VectorSet.ofNormalized(rows));
        for (int q = 0; q < 20; q++) {
            // Half the queries are perturbed support rows: close neighbours, many near-ties.
            float[] query =
                    q % 2 == 0
                            ? gaussianUnit(random, dimension)
                            : nudged(rows.get(random.nextInt(rows.size())), random);
            Neighbour[] want = exact.search(query, k);
            for (SupportIndex index : List.of(scalar, vector)) {
                Ranked[] got = index.search(query, k);
                assertThat(got).hasSameSizeAs(want);
                for (int j = 0; j < want.length; j++) {
                    assertThat(got[j].seq()).isEqualTo(want[j].index());
                    assertThat(Float.floatToRawIntBits(got[j].similarity()))
                            .isEqualTo(Float.floatToRawIntBits(want[j].similarity()));
                }
            }
        }
    }

    private static float[] nudged(float[] row, Random random) {
        float[] v = row.clone();
        for (int j = 0; j < v.length; j++) {
            v[j] += (float) (random.nextGaussian() * 1e-3);
        }
        return Vectors.l2Normalized(v);
    }

    private static float[] gaussianUnit(Random random, int dimension) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.l2Normalized(v);
    }
}

package dev.pointsman.core.knn;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(SupportIndex.scanKernel()).startsWith("vector-api-");
        System.setProperty("pointsman.simd", "false");
        try {
            assertThat(BlockScan.fastest()).isInstanceOf(ScalarBlockScan.class);
            assertThat(SupportIndex.scanKernel()).isEqualTo("scalar");
        } finally {
            System.clearProperty("pointsman.simd");
        }
    }

    /** Dimensions with and without a remainder after groups of four. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 384, 387})
    void bothKernelsGiveExactKnnsSimilaritiesBitForBit(int dimension) {
        Random random = new Random(dimension);
        List<float[]> rows = new ArrayList<>();
        // Enough rows for several blocks and a ragged last one.
        for (int i = 0; i < 3 * SupportIndex.BLOCK + 17; i++) {
            rows.add(gaussianUnit(random, dimension));
        }
        SupportIndex scalar = new SupportIndex(dimension, 8, new ScalarBlockScan());
        SupportIndex vector = new SupportIndex(dimension, 8, new VectorBlockScan());
        for (int i = 0; i < rows.size(); i++) {
            scalar.add(rows.get(i), i);
            vector.add(rows.get(i), i);
        }
        ExactKnn exact = new ExactKnn(VectorSet.ofNormalized(rows));
        for (int q = 0; q < 20; q++) {
            float[] query = gaussianUnit(random, dimension);
            Neighbour[] want = exact.search(query, rows.size());
            for (SupportIndex index : List.of(scalar, vector)) {
                Ranked[] got = index.search(query, rows.size());
                assertThat(got).hasSameSizeAs(want);
                for (int j = 0; j < want.length; j++) {
                    assertThat(got[j].seq()).isEqualTo(want[j].index());
                    assertThat(Float.floatToRawIntBits(got[j].similarity()))
                            .isEqualTo(Float.floatToRawIntBits(want[j].similarity()));
                }
            }
        }
    }

    private static float[] gaussianUnit(Random random, int dimension) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.l2Normalized(v);
    }
}

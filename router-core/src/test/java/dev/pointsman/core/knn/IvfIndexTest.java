package dev.pointsman.core.knn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.core.vector.Vectors;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IvfIndexTest {
    private static final int DIM = 32;

    /** Rows drawn around {@code clusters} random centres: the shape real embeddings have. */
    static float[] clustered(int n, int clusters, double spread, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] centres = new float[clusters * DIM];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) gaussian(random);
        }
        float[] rows = new float[n * DIM];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(clusters);
            float[] row = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                row[j] = centres[c * DIM + j] + (float) (spread * gaussian(random));
            }
            System.arraycopy(Vectors.l2Normalized(row), 0, rows, i * DIM, DIM);
        }
        return rows;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    @Test
    void probingEveryCellIsExactAndFewCellsRecallMostOnClusteredData() {
        int n = 5000;
        float[] rows = clustered(n, 50, 0.4, 3);
        IvfIndex ivf = IvfIndex.train(rows, DIM, 40, 8, 1);
        SupportIndex exact = new SupportIndex(DIM, n);
        for (int i = 0; i < n; i++) {
            float[] row = java.util.Arrays.copyOfRange(rows, i * DIM, (i + 1) * DIM);
            ivf.add(row, i);
            exact.add(row, i);
        }
        assertThat(ivf.size()).isEqualTo(n);
        float[] queries = clustered(100, 50, 0.4, 3); // same centres: in-distribution queries
        Ranked[][] truth = new Ranked[100][];
        Ranked[][] all = new Ranked[100][];
        Ranked[][] few = new Ranked[100][];
        for (int q = 0; q < 100; q++) {
            float[] query = java.util.Arrays.copyOfRange(queries, q * DIM, (q + 1) * DIM);
            truth[q] = exact.search(query, 10);
            all[q] = ivf.search(query, 10, 40);
            few[q] = ivf.search(query, 10, 4);
        }
        for (int q = 0; q < 100; q++) {
            assertThat(all[q])
                    .extracting(Ranked::seq)
                    .containsExactly(
                            java.util.Arrays.stream(truth[q])
                                    .map(Ranked::seq)
                                    .toArray(Long[]::new));
        }
        assertThat(IvfIndex.recall(truth, all)).isEqualTo(1.0);
        assertThat(IvfIndex.recall(truth, few)).isGreaterThan(0.9).isLessThanOrEqualTo(1.0);
    }

    @Test
    void theTwoLevelIndexIsExactWhenItProbesEverythingAndRecallsMostWithFewProbes() {
        int n = 6000;
        float[] rows = clustered(n, 60, 0.4, 5);
        TwoLevelIvf ivf = TwoLevelIvf.train(rows, DIM, 8, 8, 6, 2);
        SupportIndex exact = new SupportIndex(DIM, n);
        for (int i = 0; i < n; i++) {
            float[] row = java.util.Arrays.copyOfRange(rows, i * DIM, (i + 1) * DIM);
            ivf.add(row, i);
            exact.add(row, i);
        }
        assertThat(ivf.size()).isEqualTo(n);
        assertThat(ivf.cells()).isEqualTo(64);
        float[] queries = clustered(100, 60, 0.4, 5);
        Ranked[][] truth = new Ranked[100][];
        Ranked[][] all = new Ranked[100][];
        Ranked[][] few = new Ranked[100][];
        for (int q = 0; q < 100; q++) {
            float[] query = java.util.Arrays.copyOfRange(queries, q * DIM, (q + 1) * DIM);
            truth[q] = exact.search(query, 10);
            all[q] = ivf.search(query, 10, 8, 64);
            few[q] = ivf.search(query, 10, 3, 6);
        }
        assertThat(IvfIndex.recall(truth, all)).isEqualTo(1.0);
        for (int q = 0; q < 100; q++) {
            assertThat(all[q])
                    .extracting(Ranked::similarity)
                    .containsExactly(
                            java.util.Arrays.stream(truth[q])
                                    .map(Ranked::similarity)
                                    .toArray(Float[]::new));
        }
        assertThat(IvfIndex.recall(truth, few)).isGreaterThan(0.85);
    }

    @Test
    void theGraphIndexRecallsNearlyEverythingAndMoreWithAWiderBeam() {
        int n = 5000;
        float[] rows = clustered(n, 50, 0.8, 9);
        HnswIndex hnsw = new HnswIndex(DIM, 8, 64, 4, 16);
        SupportIndex exact = new SupportIndex(DIM, n);
        for (int i = 0; i < n; i++) {
            float[] row = java.util.Arrays.copyOfRange(rows, i * DIM, (i + 1) * DIM);
            hnsw.add(row, i);
            exact.add(row, i);
        }
        assertThat(hnsw.size()).isEqualTo(n);
        float[] queries = clustered(100, 50, 0.8, 9);
        Ranked[][] truth = new Ranked[100][];
        Ranked[][] narrow = new Ranked[100][];
        Ranked[][] wide = new Ranked[100][];
        for (int q = 0; q < 100; q++) {
            float[] query =
                    Vectors.l2Normalized(
                            java.util.Arrays.copyOfRange(queries, q * DIM, (q + 1) * DIM));
            truth[q] = exact.search(query, 10);
            narrow[q] = hnsw.search(query, 10, 10);
            wide[q] = hnsw.search(query, 10, 200);
        }
        double narrowRecall = IvfIndex.recall(truth, narrow);
        double wideRecall = IvfIndex.recall(truth, wide);
        assertThat(wideRecall).isGreaterThan(0.98).isGreaterThanOrEqualTo(narrowRecall);
        // What the graph returns is scored exactly: the same similarity as brute force gives.
        for (int q = 0; q < 100; q++) {
            for (Ranked r : wide[q]) {
                float[] row =
                        java.util.Arrays.copyOfRange(
                                rows, (int) r.seq() * DIM, ((int) r.seq() + 1) * DIM);
                SupportIndex one = new SupportIndex(DIM, 1);
                one.add(row, 0);
                float[] query =
                        Vectors.l2Normalized(
                                java.util.Arrays.copyOfRange(queries, q * DIM, (q + 1) * DIM));
                assertThat(r.similarity()).isEqualTo(one.search(query, 1)[0].similarity());
            }
        }
    }
}

package dev.pointsman.core.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.core.vector.Vectors;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraphSupportIndexTest {
    private static final int DIM = 32;

    /** Rows around 40 random centres with noise as large as a centre: clusters that overlap. */
    private static float[] clustered(Random random, float[][] centres) {
        float[] c = centres[random.nextInt(centres.length)];
        float[] v = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            v[j] = c[j] + (float) random.nextGaussian();
        }
        return v;
    }

    private static float[][] centres(Random random) {
        float[][] centres = new float[40][DIM];
        for (float[] c : centres) {
            for (int j = 0; j < DIM; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
        return centres;
    }

    /** Recall@k of the graph against the exact index, checking every found similarity. */
    private static double recall(
            GraphSupportIndex graph, SupportIndex exact, Random random, float[][] centres, int k) {
        int hit = 0;
        int total = 0;
        for (int q = 0; q < 100; q++) {
            float[] query = Vectors.l2Normalized(clustered(random, centres));
            Map<Long, Float> truth = new HashMap<>();
            for (Ranked r : exact.search(query, k)) {
                truth.put(r.seq(), r.similarity());
            }
            Ranked[] got = graph.search(query, k);
            assertThat(got).hasSameSizeAs(truth.keySet());
            for (Ranked r : got) {
                if (truth.containsKey(r.seq())) {
                    hit++;
                    // Re-scored: exactly the similarity the exact index gives the same row.
                    assertThat(r.similarity()).isEqualTo(truth.get(r.seq()));
                }
            }
            total += truth.size();
        }
        return (double) hit / total;
    }

    @Test
    void findsAlmostAllExactNeighboursWithTheirExactSimilarities() {
        Random random = new Random(21);
        float[][] centres = centres(random);
        GraphSupportIndex graph = new GraphSupportIndex(DIM, 16, 80, 64, 5);
        SupportIndex exact = new SupportIndex(DIM, 16);
        for (int i = 0; i < 3000; i++) {
            float[] row = clustered(random, centres);
            assertThat(graph.add(row, i)).isEqualTo(exact.add(row, i));
        }
        assertThat(graph.size()).isEqualTo(3000);
        assertThat(recall(graph, exact, random, centres, 10)).isGreaterThanOrEqualTo(0.95);
        // The cheap nearest-neighbour similarity: never better than the truth, mostly equal.
        int equal = 0;
        for (int q = 0; q < 100; q++) {
            float[] query = Vectors.l2Normalized(clustered(random, centres));
            float truth = exact.search(query, 1)[0].similarity();
            float cheap = graph.nearestSimilarity(query);
            assertThat(cheap).isLessThanOrEqualTo(truth);
            equal += cheap == truth ? 1 : 0;
        }
        assertThat(equal).isGreaterThanOrEqualTo(90);
        float[] any = Vectors.l2Normalized(clustered(random, centres));
        assertThat(new GraphSupportIndex(DIM, 16, 80, 64, 5).nearestSimilarity(any)).isNaN();
        assertThat(new SupportIndex(DIM, 16).nearestSimilarity(any)).isNaN();
    }

    @Test
    void aBeamAsWideAsTheSetFindsExactlyWhatTheExactIndexFinds() {
        Random random = new Random(22);
        float[][] centres = centres(random);
        GraphSupportIndex graph = new GraphSupportIndex(DIM, 4, 8, 200, 5);
        SupportIndex exact = new SupportIndex(DIM, 16);
        for (int i = 0; i < 150; i++) {
            float[] row = clustered(random, centres);
            graph.add(row, i);
            exact.add(row, i);
        }
        for (int q = 0; q < 20; q++) {
            float[] query = Vectors.l2Normalized(clustered(random, centres));
            assertThat(graph.search(query, 25)).containsExactly(exact.search(query, 25));
        }
    }

    @Test
    void removedRowsAreNeverFoundAndRebuildsKeepSlotsAndRecall() {
        Random random = new Random(23);
        float[][] centres = centres(random);
        GraphSupportIndex graph = new GraphSupportIndex(DIM, 16, 80, 64, 5);
        SupportIndex exact = new SupportIndex(DIM, 16);
        ArrayDeque<Integer> oldestFirst = new ArrayDeque<>();
        Map<Integer, Long> seqOfSlot = new HashMap<>();
        int lastEvicted = -1;
        // A capacity of 1,000 with oldest-first eviction, as a full shard runs.
        for (int i = 0; i < 5000; i++) {
            float[] row = clustered(random, centres);
            int slot = graph.add(row, i);
            assertThat(exact.add(row, i)).isEqualTo(slot);
            oldestFirst.add(slot);
            seqOfSlot.put(slot, (long) i);
            if (oldestFirst.size() > 1000) {
                lastEvicted = oldestFirst.poll();
                graph.remove(lastEvicted);
                exact.remove(lastEvicted);
            }
        }
        assertThat(graph.rebuilds()).isGreaterThan(0);
        assertThat(graph.size()).isEqualTo(1000);
        Set<Long> live = new HashSet<>();
        for (int slot : oldestFirst) {
            live.add(seqOfSlot.get(slot));
        }
        for (int q = 0; q < 50; q++) {
            float[] query = Vectors.l2Normalized(clustered(random, centres));
            for (Ranked r : graph.search(query, 50)) {
                assertThat(live).contains(r.seq());
                assertThat(seqOfSlot.get(r.slot())).isEqualTo(r.seq());
            }
        }
        assertThat(recall(graph, exact, random, centres, 10)).isGreaterThanOrEqualTo(0.95);
        int freed = lastEvicted;
        assertThatThrownBy(() -> graph.remove(freed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not live");
    }
}

package dev.pointsman.core.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.core.vector.Vectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExactKnnTest {

    @Test
    void matchesASortOfAllSimilarities() {
        Random random = new Random(7);
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(randomVector(random, 24));
        }
        VectorSet set = VectorSet.ofNormalized(rows);
        ExactKnn knn = new ExactKnn(set);
        for (int q = 0; q < 20; q++) {
            float[] query = Vectors.l2Normalized(randomVector(random, 24));
            Neighbour[] got = knn.search(query, 10);
            int[] expected =
                    IntStream.range(0, set.size())
                            .boxed()
                            .sorted(Comparator.comparingDouble((Integer i) -> -set.dot(i, query)))
                            .limit(10)
                            .mapToInt(Integer::intValue)
                            .toArray();
            assertThat(got).extracting(Neighbour::index).containsExactly(box(expected));
            for (int j = 1; j < got.length; j++) {
                assertThat(got[j].similarity()).isLessThanOrEqualTo(got[j - 1].similarity());
            }
        }
    }

    @Test
    void equalSimilaritiesPreferTheLowerIndexAndKIsCappedAtTheSetSize() {
        VectorSet set =
                VectorSet.ofNormalized(
                        List.of(
                                new float[] {0, 1},
                                new float[] {1, 0},
                                new float[] {1, 0},
                                new float[] {-1, 0}));
        Neighbour[] got = new ExactKnn(set).search(new float[] {1, 0}, 10);
        assertThat(got).extracting(Neighbour::index).containsExactly(1, 2, 0, 3);
        assertThat(got).extracting(Neighbour::similarity).containsExactly(1f, 1f, 0f, -1f);
    }

    @Test
    void packingKeepsOrderForNegativeAndPositiveSimilarities() {
        float[] sims = {-1f, -0.5f, -0f, 0f, 0.25f, 1f};
        for (int i = 0; i + 1 < sims.length; i++) {
            assertThat(NeighbourQueue.pack(3, sims[i]))
                    .isLessThanOrEqualTo(NeighbourQueue.pack(3, sims[i + 1]));
        }
        long packed = NeighbourQueue.pack(123456, -0.75f);
        assertThat(NeighbourQueue.unpackIndex(packed)).isEqualTo(123456);
        assertThat(NeighbourQueue.unpackSimilarity(packed)).isEqualTo(-0.75f);
        assertThat(NeighbourQueue.pack(1, 0.5f)).isGreaterThan(NeighbourQueue.pack(2, 0.5f));
    }

    @Test
    void aQueryOfTheWrongDimensionIsRejected() {
        ExactKnn knn = new ExactKnn(VectorSet.ofNormalized(List.of(new float[] {1, 0, 0})));
        assertThatThrownBy(() -> knn.search(new float[] {1, 0}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vector dimensions differ: 3 != 2");
    }

    private static float[] randomVector(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static Integer[] box(int[] a) {
        return IntStream.of(a).boxed().toArray(Integer[]::new);
    }
}

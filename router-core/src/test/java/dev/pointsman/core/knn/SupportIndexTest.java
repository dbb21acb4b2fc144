package dev.pointsman.core.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.core.vector.Vectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SupportIndexTest {
    private static final int DIM = 16;

    private static float[] unit(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.l2Normalized(v);
    }

    /** Rows with exact duplicates, so ties in similarity occur and must break by seq. */
    private static List<float[]> rowsWithDuplicates(Random random, int n) {
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(i % 7 == 3 ? rows.get(random.nextInt(i)).clone() : unit(random));
        }
        return rows;
    }

    @Test
    void equalsExactKnnNeighbourForNeighbourIncludingTies() {
        Random random = new Random(11);
        List<float[]> rows = rowsWithDuplicates(random, 400);
        SupportIndex index = new SupportIndex(DIM, 4);
        for (int i = 0; i < rows.size(); i++) {
            index.add(rows.get(i), i);
        }
        ExactKnn exact = new ExactKnn(VectorSet.ofNormalized(rows));
        for (int q = 0; q < 30; q++) {
            // Half the queries are support rows, so duplicate rows tie at the top.
            float[] query = q % 2 == 0 ? rows.get(random.nextInt(rows.size())) : unit(random);
            Neighbour[] want = exact.search(query, 25);
            Ranked[] got = index.search(query, 25);
            assertThat(got).hasSameSizeAs(want);
            for (int j = 0; j < want.length; j++) {
                assertThat(got[j].seq()).isEqualTo(want[j].index());
                assertThat(got[j].similarity()).isEqualTo(want[j].similarity());
            }
        }
    }

    @Test
    void aBatchFindsForEachQueryExactlyWhatItsOwnSearchFinds() {
        Random random = new Random(14);
        List<float[]> rows = rowsWithDuplicates(random, 700);
        SupportIndex index = new SupportIndex(DIM, 4);
        for (int i = 0; i < rows.size(); i++) {
            index.add(rows.get(i), i);
        }
        // Holes in the slots, so the batch takes the sparse path too.
        for (int slot = 5; slot < 700; slot += 11) {
            index.remove(slot);
        }
        float[][] queries = new float[23][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = q % 3 == 0 ? rows.get(random.nextInt(rows.size())) : unit(random);
        }
        for (int k : new int[] {1, 10, 100}) {
            Ranked[][] batch = index.searchAll(queries, k);
            assertThat(batch.length).isEqualTo(queries.length);
            for (int q = 0; q < queries.length; q++) {
                Ranked[] alone = index.search(queries[q], k);
                assertThat(batch[q]).as("query %d, k %d", q, k).hasSameSizeAs(alone);
                for (int j = 0; j < alone.length; j++) {
                    assertThat(batch[q][j].slot()).isEqualTo(alone[j].slot());
                    assertThat(batch[q][j].seq()).isEqualTo(alone[j].seq());
                    assertThat(batch[q][j].similarity()).isEqualTo(alone[j].similarity());
                }
            }
        }
        assertThat(new SupportIndex(DIM, 1).searchAll(queries, 5)[7]).isEmpty();
    }

    @Test
    void removedRowsAreNotFoundAndTheirSlotsAreReused() {
        Random random = new Random(12);
        SupportIndex index = new SupportIndex(DIM, 2);
        Map<Integer, float[]> bySlot = new HashMap<>();
        Map<Integer, Long> seqBySlot = new HashMap<>();
        long seq = 0;
        for (int i = 0; i < 200; i++) {
            float[] v = unit(random);
            int slot = index.add(v, seq);
            bySlot.put(slot, v);
            seqBySlot.put(slot, seq++);
        }
        for (int slot = 0; slot < 200; slot += 3) {
            index.remove(slot);
            bySlot.remove(slot);
        }
        int reused = index.add(unit(random), seq);
        assertThat(reused).isLessThan(200).isEqualTo(198); // the last freed slot goes first
        index.remove(reused);
        assertThat(index.size()).isEqualTo(bySlot.size());

        List<float[]> liveRows = new ArrayList<>();
        List<Integer> liveSlots = new ArrayList<>(bySlot.keySet());
        liveSlots.sort((a, b) -> Long.compare(seqBySlot.get(a), seqBySlot.get(b)));
        liveSlots.forEach(s -> liveRows.add(bySlot.get(s)));
        ExactKnn exact = new ExactKnn(VectorSet.ofNormalized(liveRows));
        float[] query = unit(random);
        Neighbour[] want = exact.search(query, 10);
        Ranked[] got = index.search(query, 10);
        for (int j = 0; j < want.length; j++) {
            assertThat(got[j].slot()).isEqualTo(liveSlots.get(want[j].index()));
        }
        assertThatThrownBy(() -> index.remove(0)).hasMessageContaining("not live");
    }

    @Test
    void mergingShardResultsEqualsOneSearchOverTheUnion() {
        Random random = new Random(13);
        List<float[]> rows = rowsWithDuplicates(random, 600);
        int shards = 4;
        SupportIndex whole = new SupportIndex(DIM, 16);
        List<SupportIndex> parts = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            parts.add(new SupportIndex(DIM, 16));
        }
        for (int i = 0; i < rows.size(); i++) {
            whole.add(rows.get(i), i);
            parts.get(Math.floorMod(Integer.hashCode(i * 31 + 7), shards)).add(rows.get(i), i);
        }
        for (int q = 0; q < 20; q++) {
            float[] query = q % 2 == 0 ? rows.get(random.nextInt(rows.size())) : unit(random);
            List<Ranked[]> partial = new ArrayList<>();
            for (SupportIndex part : parts) {
                partial.add(part.search(query, 30));
            }
            Ranked[] merged = SupportIndex.merge(partial, 30);
            Ranked[] single = whole.search(query, 30);
            assertThat(merged).extracting(Ranked::seq).containsExactly(seqs(single));
            assertThat(merged).extracting(Ranked::similarity).containsExactly(sims(single));
        }
    }

    @Test
    void anEmptyIndexFindsNothingAndAWrongDimensionIsRefused() {
        SupportIndex index = new SupportIndex(DIM, 1);
        assertThat(index.search(new float[DIM], 5)).isEmpty();
        assertThatThrownBy(() -> index.add(new float[DIM + 1], 0))
                .hasMessageContaining("dimensions differ");
    }

    private static Long[] seqs(Ranked[] r) {
        Long[] out = new Long[r.length];
        for (int i = 0; i < r.length; i++) {
            out[i] = r[i].seq();
        }
        return out;
    }

    private static Float[] sims(Ranked[] r) {
        Float[] out = new Float[r.length];
        for (int i = 0; i < r.length; i++) {
            out[i] = r[i].similarity();
        }
        return out;
    }
}

package dev.pointsman.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.monitor.ShadowRow;
import dev.pointsman.core.monitor.WindowQuality;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairedQualityTest {
    /**
     * Query {@code index}: on even ones a (cost 2) is right and b (cost 1) wrong, on odd ones the
     * reverse; a router that {@code knows} predicts that, one that does not predicts a always.
     */
    private static Judged judged(int index, boolean knows, boolean afterShift) {
        boolean aRight = index % 2 == 0;
        double predictedA = knows ? (aRight ? 0.9 : 0.1) : 0.9;
        double predictedB = knows ? (aRight ? 0.1 : 0.9) : 0.1;
        return new Judged(
                index * 1000L,
                new ShadowRow(
                        Map.of(
                                "a",
                                new double[] {predictedA, 2},
                                "b",
                                new double[] {predictedB, 1}),
                        Map.of(
                                "a", new double[] {aRight ? 1 : 0, 2},
                                "b", new double[] {aRight ? 0 : 1, 1})),
                index,
                afterShift);
    }

    private static List<Judged> replay(int from, int to, boolean knows, int shiftAt) {
        List<Judged> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(judged(i, knows, i >= shiftAt));
        }
        return out;
    }

    @Test
    void comparesTwoReplaysOnlyOnTheQueriesBothDecided() {
        // The first replay decided 0..19, the second 4..23: 16 queries in common.
        List<Judged> first = replay(0, 20, false, 100);
        List<Judged> second = replay(4, 24, true, 100);
        PairedQuality q = PairedQuality.of(first, second, j -> true, 1);
        assertThat(q).isNotNull();
        assertThat(q.queries()).isEqualTo(16);
        List<ShadowRow> a = first.subList(4, 20).stream().map(Judged::row).toList();
        List<ShadowRow> b = second.subList(0, 16).stream().map(Judged::row).toList();
        assertThat(q.first()).isEqualTo(WindowQuality.of(a, Map.of()).auc());
        assertThat(q.second()).isEqualTo(WindowQuality.of(b, Map.of()).auc());
        assertThat(q.difference()).isGreaterThan(0).as("knowing the answers routes better");
        assertThat(q.differenceStd()).isGreaterThan(0);
        // The same replay against itself: no difference in any resample.
        PairedQuality self = PairedQuality.of(first, first, j -> true, 1);
        assertThat(self.difference()).isZero();
        assertThat(self.differenceStd()).isCloseTo(0, within(1e-12));
    }

    @Test
    void aPassComparesAfterTheShiftWithoutTheQueriesThatSettleIt() {
        // Shift at query 10; the first 4 after it settle.
        AdaptExperiment.Pass still =
                new AdaptExperiment.Pass(
                        "static", List.of(), List.of(), 0, Map.of(), replay(0, 30, false, 10));
        AdaptExperiment.Pass online =
                new AdaptExperiment.Pass(
                        "online", List.of(), List.of(), 0, Map.of(), replay(0, 30, true, 10));
        assertThat(still.paired(online, false, 4).queries()).isEqualTo(10);
        assertThat(still.paired(online, true, 4).queries()).isEqualTo(16);
        assertThat(still.paired(online, true, 30)).isNull();
    }
}

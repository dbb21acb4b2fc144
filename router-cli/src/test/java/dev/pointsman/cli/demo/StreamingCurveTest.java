package dev.pointsman.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamingCurveTest {
    private static Benchmark data() {
        List<BenchmarkRow> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String split = i % 3 == 0 ? "ood" : i % 3 == 1 ? "train" : "test";
            rows.add(new BenchmarkRow("r" + i, "d", "prompt " + i, split, new double[] {1}, null));
        }
        return new Benchmark(List.of("m"), rows, false);
    }

    @Test
    void seedsFromTheFirstShuffledInDistributionRowsAndReplaysTheNextWithoutAShift() {
        TrafficSplit t = StreamingCurve.traffic(data(), 5, 8, 42);
        assertThat(t.seed()).hasSize(5);
        assertThat(t.before()).hasSize(8);
        assertThat(t.after()).isEmpty();
        Set<String> ids = new HashSet<>();
        for (BenchmarkRow r : concat(t.seed(), t.before())) {
            assertThat(r.split()).isNotEqualTo("ood");
            assertThat(ids.add(r.id())).isTrue();
        }
        // The same seed, the same order; all 20 in-distribution rows at most.
        TrafficSplit again = StreamingCurve.traffic(data(), 5, 8, 42);
        assertThat(ids(again.seed())).isEqualTo(ids(t.seed()));
        assertThat(ids(again.before())).isEqualTo(ids(t.before()));
        assertThat(StreamingCurve.traffic(data(), 5, 1000, 42).before()).hasSize(15);
        assertThatThrownBy(() -> StreamingCurve.traffic(data(), 20, 10, 42))
                .hasMessageContaining("leaves no traffic");
    }

    private static List<String> ids(List<BenchmarkRow> rows) {
        return rows.stream().map(BenchmarkRow::id).toList();
    }

    private static List<BenchmarkRow> concat(List<BenchmarkRow> a, List<BenchmarkRow> b) {
        List<BenchmarkRow> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}

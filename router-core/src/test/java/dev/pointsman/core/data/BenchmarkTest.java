package dev.pointsman.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkTest {
    private static final Benchmark DATA =
            new Benchmark(
                    List.of("a", "b", "c"),
                    List.of(
                            new BenchmarkRow(
                                    "1",
                                    "d",
                                    "p",
                                    null,
                                    new double[] {0.1, 0.2, 0.3},
                                    new double[] {1, 2, 3}),
                            new BenchmarkRow(
                                    "2",
                                    "d",
                                    "q",
                                    null,
                                    new double[] {0.4, 0.5, 0.6},
                                    new double[] {4, 5, 6})),
                    true);

    @Test
    void aModelLeftOutLosesItsColumnInEveryRow() {
        Benchmark without = DATA.withoutModel("b");
        assertThat(without.models()).containsExactly("a", "c");
        assertThat(without.rows().get(0).scores()).containsExactly(0.1, 0.3);
        assertThat(without.rows().get(1).costs()).containsExactly(4.0, 6.0);
        assertThat(without.rows().get(1).prompt()).isEqualTo("q");
        assertThat(DATA.rows().get(0).scores()).hasSize(3);
    }

    @Test
    void anUnknownModelIsAnError() {
        assertThatThrownBy(() -> DATA.withoutModel("z")).hasMessageContaining("unknown model 'z'");
    }
}

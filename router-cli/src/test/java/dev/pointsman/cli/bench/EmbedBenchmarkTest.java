package dev.pointsman.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbedBenchmarkTest {
    @Test
    void percentileIsNearestRank() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(EmbedBenchmark.percentile(sorted, 0.50)).isEqualTo(5);
        assertThat(EmbedBenchmark.percentile(sorted, 0.99)).isEqualTo(10);
        assertThat(EmbedBenchmark.percentile(sorted, 0.10)).isEqualTo(1);
        assertThat(EmbedBenchmark.percentile(new double[] {42}, 0.99)).isEqualTo(42);
    }

    @Test
    void settingsRejectWhatCannotBeMeasured() {
        EmbedderConfig config = EmbedderConfig.defaults(EmbeddingModel.ALL_MINILM_L6_V2_Q);
        assertThatThrownBy(
                        () ->
                                new EmbedBenchmark.Settings(
                                        "x:1", config, List.of(0), 20, 10, 10, 0.5, 1))
                .hasMessageContaining("--batch-sizes");
        assertThatThrownBy(
                        () ->
                                new EmbedBenchmark.Settings(
                                        "x:1", config, List.of(8), 20, 10, 10, 1.5, 1))
                .hasMessageContaining("--load");
        assertThatThrownBy(
                        () ->
                                new EmbedBenchmark.Settings(
                                        "x:1", config, List.of(8), 20, 0, 10, 0.5, 1))
                .hasMessageContaining("--queries");
    }
}

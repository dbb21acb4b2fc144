package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pointsman bench embed} end to end on its embedded broker, kept small. */
class BenchEmbedIT {
    @TempDir Path dir;

    @Test
    void measuresEveryBatchSizeThroughKafka() throws Exception {
        Path report = dir.resolve("bench.json");
        CliRun run =
                CliRun.execute(
                        "bench",
                        "embed",
                        "--embedder",
                        "all-minilm-l6-v2-q",
                        "--batch-sizes",
                        "1,4",
                        "--queries",
                        "24",
                        "--latency-queries",
                        "12",
                        "--report",
                        report.toString());
        assertThat(run.exit()).as(run.err()).isZero();

        JsonNode root = new ObjectMapper().readTree(report.toFile());
        assertThat(root.get("device").asText()).isEqualTo("cpu");
        assertThat(root.get("dimension").asInt()).isEqualTo(384);
        JsonNode rows = root.get("rows");
        assertThat(rows).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode row = rows.get(i);
            int batch = row.get("batchSize").asInt();
            assertThat(batch).isEqualTo(i == 0 ? 1 : 4);
            assertThat(row.get("throughputPerSecond").asDouble()).isPositive();
            assertThat(row.get("offeredPerSecond").asDouble())
                    .isCloseTo(
                            0.5 * row.get("throughputPerSecond").asDouble(),
                            org.assertj.core.data.Offset.offset(1e-9));
            double p50 = row.get("p50Ms").asDouble();
            double p99 = row.get("p99Ms").asDouble();
            assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
            assertThat(p99).isLessThanOrEqualTo(row.get("maxMs").asDouble());
            assertThat(row.get("latencySamples").asInt()).isEqualTo(12);
            // A transaction never holds more than the batch size, even when a poll returns more.
            assertThat(row.get("maxBatch").asLong()).isBetween(1L, (long) batch);
        }
    }

    @Test
    void refusesTheSingleBatchSizeOption() {
        CliRun bad = CliRun.execute("bench", "embed", "--batch-size", "8");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--batch-sizes");
    }
}

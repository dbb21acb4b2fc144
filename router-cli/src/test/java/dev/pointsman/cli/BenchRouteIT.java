package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pointsman bench route} end to end, kept small. */
class BenchRouteIT {
    @TempDir Path dir;

    @Test
    void measuresDecisionsThroughTheJob() throws Exception {
        Path report = dir.resolve("route.json");
        CliRun run =
                CliRun.execute(
                        "bench",
                        "route",
                        "--support",
                        "300",
                        "--k",
                        "20",
                        "--queries",
                        "60",
                        "--latency-queries",
                        "40",
                        "--report",
                        report.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(report.toFile());
        assertThat(root.get("support").asInt()).isEqualTo(300);
        JsonNode r = root.get("result");
        assertThat(r.get("decisionsPerSecond").asDouble()).isPositive();
        assertThat(r.get("latencySamples").asInt()).isEqualTo(40);
        double p50 = r.get("p50Ms").asDouble();
        assertThat(p50).isPositive().isLessThanOrEqualTo(r.get("p99Ms").asDouble());
        // The job's part ends when its sink sends the decision, before a reader sees it (both to
        // the millisecond of the decision record's timestamp).
        double inJob = r.get("inJobP50Ms").asDouble();
        assertThat(inJob).isBetween(-1.0, p50 + 1);
        assertThat(r.get("inJobP99Ms").asDouble())
                .isLessThanOrEqualTo(r.get("p99Ms").asDouble() + 1);
        // A decision is committed no earlier than it is written.
        assertThat(r.get("committedP50Ms").asDouble()).isGreaterThanOrEqualTo(p50);
    }
}

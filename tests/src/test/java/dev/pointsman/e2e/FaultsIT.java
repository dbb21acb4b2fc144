package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pointsman bench faults}, short: under steady load a TaskManager, a Kafka node, a streams
 * app and an embed worker are killed with SIGKILL one after another, and nothing accepted is lost
 * or doubled: every query has exactly one committed decision, every outcome its feedback example,
 * the support set holds exactly those examples, no metric window is missing, and no process it
 * started outlives it.
 */
class FaultsIT {
    @TempDir Path dir;

    @Test
    void processesKilledUnderLoadLoseAndDoubleNothing() throws Exception {
        CliRun run =
                CliRun.execute(
                        "bench",
                        "faults",
                        "--dir",
                        dir.resolve("cluster").toString(),
                        "--rate",
                        "8",
                        "--warmup",
                        "12s",
                        "--gap",
                        "15s",
                        "--window",
                        "5s");
        assertThat(run.exit()).as(run.err()).isZero();
        String[] lines = run.out().strip().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(summary.path("queries").asLong()).as(run.out()).isGreaterThan(300);
        assertThat(summary.path("decisions").asLong()).isEqualTo(summary.path("queries").asLong());
        assertThat(summary.path("duplicates").asLong()).isZero();
        assertThat(summary.path("lost").asLong()).isZero();
        assertThat(summary.path("feedback_lost").asLong()).isZero();
        assertThat(summary.path("support_matches").asBoolean()).as(run.out()).isTrue();
        assertThat(summary.path("window_gaps").asLong()).as(run.out()).isZero();
        assertThat(summary.path("recoveries_s").size()).isEqualTo(4);
        // every process it started, the replacements included, is stopped at the end
        String cluster = dir.resolve("cluster").toString();
        assertThat(
                        ProcessHandle.allProcesses()
                                .filter(ProcessHandle::isAlive)
                                .filter(
                                        h ->
                                                h.info()
                                                        .commandLine()
                                                        .map(c -> c.contains(cluster))
                                                        .orElse(false))
                                .map(h -> h.info().commandLine().orElse("?")))
                .isEmpty();
    }
}

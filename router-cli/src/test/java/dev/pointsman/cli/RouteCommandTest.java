package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteCommandTest {
    @TempDir Path dir;

    @Test
    void resumesFromTheNewestCompletedCheckpoint() throws Exception {
        assertThat(dev.pointsman.flink.job.LocalJob.latestCheckpoint(dir.resolve("missing")))
                .isEmpty();
        Path older = Files.createDirectories(dir.resolve("job-a/chk-7"));
        Path newer = Files.createDirectories(dir.resolve("job-b/chk-3"));
        Files.createDirectories(dir.resolve("job-b/chk-4")); // in progress: no _metadata
        Files.writeString(older.resolve("_metadata"), "x");
        Files.writeString(newer.resolve("_metadata"), "x");
        Files.setLastModifiedTime(older.resolve("_metadata"), FileTime.fromMillis(1_000));
        Files.setLastModifiedTime(newer.resolve("_metadata"), FileTime.fromMillis(2_000));
        assertThat(dev.pointsman.flink.job.LocalJob.latestCheckpoint(dir)).contains(newer);
    }

    @Test
    void badSettingsFailWithTheOptionNamed() {
        CliRun run =
                CliRun.execute(
                        "route",
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--shards",
                        "0",
                        "--checkpoints",
                        dir.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--shards must be > 0");
    }
}

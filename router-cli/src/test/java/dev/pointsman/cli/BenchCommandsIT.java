package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pointsman bench embed} and {@code bench route} end to end on their embedded brokers, kept
 * small.
 */
class BenchCommandsIT {
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
    void drawsTheLearningCurveOfTheSample() throws Exception {
        Path out = dir.resolve("curve");
        CliRun run =
                CliRun.execute(
                        "bench",
                        "learning-curve",
                        "--data",
                        BenchmarkFiles.SAMPLE,
                        "--routers",
                        "knn-shrunk,knn-10",
                        "--sizes",
                        "50,150,5000",
                        "--seeds",
                        "2",
                        "--cache-dir",
                        dir.resolve("cache").toString(),
                        "--out",
                        out.toString(),
                        "--name",
                        "sample");
        assertThat(run.exit()).as(run.err()).isZero();
        // 70% of the 300 sample rows train: 5000 means all 210.
        java.util.List<String> csv = java.nio.file.Files.readAllLines(out.resolve("sample.csv"));
        assertThat(csv).hasSize(1 + 2 * 3 * 2);
        assertThat(csv.get(1)).startsWith("knn-shrunk,50,0,");
        String md = java.nio.file.Files.readString(out.resolve("sample.md"));
        assertThat(md)
                .contains("| support | knn-shrunk | knn-10 |")
                .contains("| 150 |")
                .contains("| 210 |");
        assertThat(java.nio.file.Files.size(out.resolve("sample.png"))).isPositive();

        CliRun bad =
                CliRun.execute(
                        "bench",
                        "learning-curve",
                        "--data",
                        BenchmarkFiles.SAMPLE,
                        "--routers",
                        "nope");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--routers");
    }

    @Test
    void ablatesEncodersAndRoutersOnTheSample() throws Exception {
        Path out = dir.resolve("ablation");
        CliRun run =
                CliRun.execute(
                        "bench",
                        "ablation",
                        "--data",
                        BenchmarkFiles.SAMPLE,
                        "--embedders",
                        "all-minilm-l6-v2,all-minilm-l6-v2+features",
                        "--routers",
                        "knn-shrunk,linear",
                        "--seeds",
                        "2",
                        "--mixed",
                        "--cache-dir",
                        dir.resolve("cache").toString(),
                        "--out",
                        out.toString(),
                        "--name",
                        "sample");
        assertThat(run.exit()).as(run.err()).isZero();
        String md = java.nio.file.Files.readString(out.resolve("sample.md"));
        assertThat(md)
                .contains("every row as one mixed pool, 2 seeds")
                .contains("| all-minilm-l6-v2/tail/128 | knn-shrunk |")
                .contains("| all-minilm-l6-v2/tail/128+features | linear |");
        JsonNode root = new ObjectMapper().readTree(out.resolve("sample.json").toFile());
        JsonNode plain = root.get("encoders").get("all-minilm-l6-v2/tail/128");
        JsonNode stacked = root.get("encoders").get("all-minilm-l6-v2/tail/128+features");
        // One mixed test set; the trend ignores the query, so both encoders give it the same AUC,
        // while the features move the query-aware routers.
        assertThat(plain.get("global-trend").get("mixed").get("quality"))
                .isEqualTo(stacked.get("global-trend").get("mixed").get("quality"));
        assertThat(plain.get("linear").get("mixed").get("lift"))
                .isNotEqualTo(stacked.get("linear").get("mixed").get("lift"));
        assertThat(plain.get("linear").get("mixed").get("lift")).hasSize(2);

        CliRun single =
                CliRun.execute(
                        "bench",
                        "ablation",
                        "--data",
                        "sample",
                        "--name",
                        "x",
                        "--embedder",
                        "e5-small-v2-q");
        assertThat(single.exit()).isEqualTo(2);
        assertThat(single.err()).contains("--embedders");

        CliRun live = CliRun.execute("bench", "embed", "--embedder", "all-minilm-l6-v2+features");
        assertThat(live.exit()).isEqualTo(2);
        assertThat(live.err()).contains("--embedder").contains("eval and bench");
    }

    @Test
    void drawsTheStreamingLearningCurveThroughTheJob() throws Exception {
        Path out = dir.resolve("streaming");
        CliRun run =
                CliRun.execute(
                        "bench",
                        "learning-curve",
                        "--streaming",
                        "--data",
                        BenchmarkFiles.SAMPLE,
                        "--embedder",
                        "all-minilm-l6-v2-q",
                        "--sizes",
                        "100,300",
                        "--rate",
                        "20",
                        "--window",
                        "1s",
                        "--http-port",
                        Integer.toString(freePort()),
                        "--out",
                        out.toString(),
                        "--name",
                        "sample");
        assertThat(run.exit()).as(run.err()).isZero();
        List<String> csv = java.nio.file.Files.readAllLines(out.resolve("sample-streaming.csv"));
        assertThat(csv.get(0)).isEqualTo("support,queries,quality,trend,lift,explored");
        // 200 queries in 1 s windows: the windows after the first have a trend to judge against.
        // A window closes 3 s after its end once a later query arrives, and the run ends with
        // its last decision: the last windows never close, and a streams app that lags (the
        // trainer's fits share the two cores) closes fewer. With 2 s windows one lagging run
        // closed only the first, which has no trend; 1 s windows leave room for a few seconds.
        assertThat(csv.size()).as(run.out()).isGreaterThanOrEqualTo(2);
        // Windows in order: the first starts from the seed, each later one from more support.
        long previous = 0;
        long queries = 0;
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            long support = Long.parseLong(f[0]);
            assertThat(support).isGreaterThanOrEqualTo(previous == 0 ? 100 : previous + 1);
            assertThat(Double.parseDouble(f[4]))
                    .isCloseTo(
                            Double.parseDouble(f[2]) - Double.parseDouble(f[3]),
                            org.assertj.core.data.Offset.offset(1e-3));
            previous = support;
            queries += Long.parseLong(f[1]);
        }
        assertThat(queries).isLessThanOrEqualTo(200);
        assertThat(java.nio.file.Files.size(out.resolve("sample-streaming.png"))).isPositive();
    }

    @Test
    void refusesTheSingleBatchSizeOption() {
        CliRun bad = CliRun.execute("bench", "embed", "--batch-size", "8");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--batch-sizes");
    }

    @Test
    void measuresDecisionsThroughTheJobAcrossASweep() throws Exception {
        Path out = dir.resolve("sweep");
        CliRun run =
                CliRun.execute(
                        "bench",
                        "route",
                        "--support",
                        "300",
                        "--k",
                        "20",
                        "--deciders",
                        "2",
                        "--warmup",
                        "50",
                        "--queries",
                        "60",
                        "--latency-queries",
                        "40",
                        "--sweep",
                        "pools=1,3",
                        "--no-warmup-run",
                        "--out",
                        out.toString(),
                        "--name",
                        "pools");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(out.resolve("pools.json").toFile());
        assertThat(root.get("axis").asText()).isEqualTo("pools");
        JsonNode runs = root.get("runs");
        assertThat(runs).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode row = runs.get(i);
            assertThat(row.get("pools").asInt()).isEqualTo(i == 0 ? 1 : 3);
            assertThat(row.get("support").asInt()).isEqualTo(300);
            assertThat(row.get("deciders").asInt()).isEqualTo(2);
            JsonNode r = row.get("result");
            assertThat(r.get("decisionsPerSecond").asDouble()).isPositive();
            assertThat(r.get("latencySamples").asInt()).isEqualTo(40);
            double p50 = r.get("p50Ms").asDouble();
            assertThat(p50).isPositive().isLessThanOrEqualTo(r.get("p99Ms").asDouble());
            assertThat(r.get("p99Ms").asDouble()).isLessThanOrEqualTo(r.get("p999Ms").asDouble());
            // The job's part ends when its sink sends the decision, before a reader sees it
            // (both to the millisecond of the decision record's timestamp).
            double inJob = r.get("inJobP50Ms").asDouble();
            assertThat(inJob).isBetween(-1.0, p50 + 1);
            assertThat(r.get("inJobP99Ms").asDouble())
                    .isLessThanOrEqualTo(r.get("p99Ms").asDouble() + 1);
            // A decision is committed no earlier than the job's sink sends it (written at once,
            // as by default, a read_committed reader sees it about when any reader does).
            assertThat(r.get("committedP50Ms").asDouble()).isGreaterThanOrEqualTo(inJob - 1);
        }
        String md = java.nio.file.Files.readString(out.resolve("pools.md"));
        assertThat(md).contains("| pools | decisions/s |").contains("| 1 | ").contains("| 3 | ");
        assertThat(java.nio.file.Files.size(out.resolve("pools.png"))).isPositive();
        assertThat(java.nio.file.Files.size(out.resolve("pools-latency.png"))).isPositive();

        CliRun bad = CliRun.execute("bench", "route", "--sweep", "colour=1,2");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--sweep").contains("colour");
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

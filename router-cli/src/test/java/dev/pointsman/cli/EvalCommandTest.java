package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkLoader;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.core.eval.ParetoAuc;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code pointsman eval} end to end on the bundled sample with the real ONNX model. */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ROUTERS = List.of("knn-10", "knn-shrunk", "linear", "mlp-mf");

    @TempDir static Path dir;
    private static CliRun run;

    @BeforeAll
    static void evaluateTheSample() {
        run =
                CliRun.execute(
                        "eval",
                        "--embedder",
                        "all-minilm-l6-v2-q",
                        "--routers",
                        String.join(",", ROUTERS),
                        "--seeds",
                        "2",
                        "--cache-dir",
                        dir.resolve("cache").toString(),
                        "--report",
                        dir.resolve("report.json").toString(),
                        "--predictions",
                        dir.resolve("predictions.jsonl").toString(),
                        "--plot",
                        dir.resolve("plots").toString());
    }

    @Test
    void printsATableWithEveryRouterAndReferenceRow() {
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Pareto-AUC", "arc-challenge", "mbpp", "winogrande", "mean");
        for (String row :
                List.of(
                        "oracle",
                        "random",
                        "global-trend",
                        "knn-10",
                        "knn-shrunk",
                        "linear",
                        "mlp-mf")) {
            assertThat(run.out())
                    .containsPattern("(?m)^" + row + " +\\d+\\.\\d\\d ± \\d+\\.\\d\\d");
        }
    }

    @Test
    void theReportHasThePromisedShapeAndSaneValues() throws IOException {
        JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(report.get("embedder").asText()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(report.get("truncation").asText()).isEqualTo("tail");
        assertThat(report.get("seeds").asInt()).isEqualTo(2);
        JsonNode arc = report.get("datasets").get("arc-challenge");
        assertThat(arc.get("n_test").asInt()).isEqualTo(24);
        JsonNode rows = arc.get("rows");
        for (String router : ROUTERS) {
            JsonNode row = rows.get(router);
            assertThat(row.get("auc")).hasSize(2);
            assertThat(row.get("headroom")).hasSize(2);
            assertThat(row.get("lift")).hasSize(2);
            for (int seed = 0; seed < 2; seed++) {
                double auc = row.get("auc").get(seed).asDouble();
                assertThat(auc)
                        .isBetween(0.0, rows.get("oracle").get("auc").get(seed).asDouble() + 1e-9);
                assertThat(row.get("lift").get(seed).asDouble())
                        .isCloseTo(
                                auc - rows.get("global-trend").get("auc").get(seed).asDouble(),
                                within(1e-9));
            }
        }
    }

    /** Anyone can recompute the AUC from the exported predictions: do it here for every row. */
    @Test
    void exportedPredictionsReproduceTheReportedAuc() throws IOException {
        Benchmark sample;
        try (InputStream in =
                getClass().getClassLoader().getResourceAsStream(BenchmarkFiles.SAMPLE_RESOURCE)) {
            sample = BenchmarkLoader.load(in, "sample");
        }
        Map<String, BenchmarkRow> truth = new HashMap<>();
        sample.rows().forEach(r -> truth.put(r.id(), r));
        Map<String, List<JsonNode>> groups = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("predictions.jsonl"))) {
            JsonNode p = JSON.readTree(line);
            String key =
                    p.get("dataset").asText()
                            + "|"
                            + p.get("router").asText()
                            + "|"
                            + p.get("seed").asInt();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        // 3 datasets × 2 seeds × (4 routers + global-trend)
        assertThat(groups).hasSize(3 * 2 * 5);
        JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
        List<String> models = sample.models();
        for (var e : groups.entrySet()) {
            String[] key = e.getKey().split("\\|");
            List<JsonNode> preds = e.getValue();
            double[][] s = new double[preds.size()][models.size()];
            double[][] c = new double[preds.size()][models.size()];
            double[][] ts = new double[preds.size()][];
            double[][] tc = new double[preds.size()][];
            for (int i = 0; i < preds.size(); i++) {
                for (int m = 0; m < models.size(); m++) {
                    s[i][m] = preds.get(i).get("scores").get(models.get(m)).asDouble();
                    c[i][m] = preds.get(i).get("costs").get(models.get(m)).asDouble();
                }
                BenchmarkRow row = truth.get(preds.get(i).get("id").asText());
                ts[i] = row.scores();
                tc[i] = row.costs();
            }
            double recomputed = ParetoAuc.auc(new Outcomes(models, ts, tc), new Predictions(s, c));
            double reported =
                    report.get("datasets")
                            .get(key[0])
                            .get("rows")
                            .get(key[1])
                            .get("auc")
                            .get(Integer.parseInt(key[2]))
                            .asDouble();
            assertThat(recomputed).as(e.getKey()).isCloseTo(reported, within(1e-9));
        }
    }

    @Test
    void drawsOnePngPerDataset() throws IOException {
        for (String dataset : List.of("arc-challenge", "mbpp", "winogrande")) {
            BufferedImage image =
                    ImageIO.read(dir.resolve("plots").resolve(dataset + ".png").toFile());
            assertThat(image.getWidth()).isEqualTo(960);
            assertThat(image.getHeight()).isEqualTo(640);
        }
    }

    @Test
    void aSecondRunReadsEveryEmbeddingFromTheCache() {
        CliRun again =
                CliRun.execute(
                        "eval",
                        "--embedder",
                        "all-minilm-l6-v2-q",
                        "--routers",
                        "global-trend",
                        "--seeds",
                        "1",
                        "--datasets",
                        "mbpp",
                        "--cache-dir",
                        dir.resolve("cache").toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("mbpp").doesNotContain("arc-challenge");
    }

    @Test
    void badInputFailsWithAReasonAndExitCode2() throws IOException {
        CliRun missing = CliRun.execute("eval", "--data", dir.resolve("nope.jsonl").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--data: no such file");

        Path broken = dir.resolve("broken.jsonl");
        Files.writeString(
                broken,
                "{\"id\":\"a\",\"dataset\":\"d\",\"prompt\":\"p\",\"scores\":{\"m\":1}}\n{not json\n");
        CliRun malformed = CliRun.execute("eval", "--data", broken.toString(), "--no-cache");
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).contains("broken.jsonl:2: malformed JSON");

        CliRun router = CliRun.execute("eval", "--routers", "knn-100,forest");
        assertThat(router.exit()).isEqualTo(2);
        assertThat(router.err()).contains("unknown router 'forest'");

        CliRun embedder = CliRun.execute("eval", "--embedder", "gpt-embed");
        assertThat(embedder.exit()).isEqualTo(2);
        assertThat(embedder.err())
                .contains("unknown embedder 'gpt-embed'; known: all-minilm-l6-v2");

        CliRun tokens = CliRun.execute("eval", "--max-tokens", "2");
        assertThat(tokens.exit()).isEqualTo(2);
        assertThat(tokens.err()).contains("max tokens must be in [3, 512], got 2");
    }

    @Test
    void helpListsTheOptions() {
        CliRun help = CliRun.execute("eval", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out())
                .contains(
                        "--data",
                        "--routers",
                        "--embedder",
                        "--truncation",
                        "--max-tokens",
                        "--seeds",
                        "--predictions",
                        "--report",
                        "--plot");
    }
}

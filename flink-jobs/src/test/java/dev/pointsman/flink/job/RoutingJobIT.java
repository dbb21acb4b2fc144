package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkLoader;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.core.eval.Splits;
import dev.pointsman.core.route.KnnPredictor;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.TrainingSet;
import dev.pointsman.core.route.UtilityPredictor;
import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import dev.pointsman.embed.OnnxEmbedder;
import dev.pointsman.embed.Truncation;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.topics.Topics;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The routing job on a MiniCluster at parallelism 2 with 3 shards per pool of 2 copies each (and
 * with 1 shard of 2 copies, the layout without a merge step) and 2 decider lanes, on the embedded
 * broker: a pool seeded with one dataset's training rows of the bundled RouterBench sample routes
 * its test rows with exactly the predictions of knn-10 on the same split, computed the way {@code
 * pointsman eval} computes them (the same embedder, normalisation, split and router-core code); and
 * bad records, a reused query id among them, reach the DLQ while routing goes on.
 */
class RoutingJobIT {
    private static final int K = 10;
    private static final int REPLICAS = 2;
    private static final int DECIDERS = 2;
    private static final String EMBEDDER = "all-minilm-l6-v2-q/tail/128";

    @RegisterExtension static final MiniClusterExtension FLINK = RouterTestKit.miniCluster();

    @TempDir Path dir;

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {3, 1})
    void decisionsEqualTheOfflineKnnPredictionsOnTheSameSplit(int shards) throws Exception {
        Benchmark sample;
        try (InputStream in =
                getClass()
                        .getClassLoader()
                        .getResourceAsStream("samples/routerbench-sample.jsonl")) {
            sample = BenchmarkLoader.load(in, "routerbench-sample.jsonl");
        }
        String dataset = sample.datasets().get(0);
        List<BenchmarkRow> rows =
                sample.rows().stream().filter(r -> r.dataset().equals(dataset)).toList();
        List<float[]> raw;
        try (OnnxEmbedder embedder =
                new OnnxEmbedder(
                        new EmbedderConfig(
                                EmbeddingModel.ALL_MINILM_L6_V2_Q,
                                128,
                                Truncation.TAIL,
                                1,
                                0,
                                false))) {
            assertThat(embedder.id()).isEqualTo(EMBEDDER);
            raw = List.of(embedder.embed(rows.stream().map(BenchmarkRow::prompt).toList()));
        }

        // The offline side, exactly as Evaluation does it for seed 0.
        int[] members = new int[rows.size()];
        for (int i = 0; i < members.length; i++) {
            members[i] = i;
        }
        Splits.Split split = Splits.random(members, 0);
        VectorSet vectors = VectorSet.ofNormalized(raw);
        List<String> models = sample.models();
        double[][] scores = new double[rows.size()][];
        double[][] costs = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            scores[i] = rows.get(i).scores();
            costs[i] = rows.get(i).costs();
        }
        TrainingSet all = new TrainingSet(vectors, new Outcomes(models, scores, costs));
        UtilityPredictor knn =
                KnnPredictor.trainer(K, false)
                        .fit(all.select(split.train()), all.select(split.validation()), 0);

        // The online side.
        String pool = "sample-" + dataset.toLowerCase();
        try (RouterTestKit kit = new RouterTestKit(dir, EMBEDDER)) {
            JobClient job =
                    kit.start(
                            dir.resolve("checkpoints"),
                            null,
                            "routing-job-it",
                            s ->
                                    s.shards(shards)
                                            .replicas(REPLICAS)
                                            .deciders(DECIDERS)
                                            .k(K)
                                            .capacity(100_000)
                                            .router("knn-" + K));
            try {
                List<CatalogModel> catalog = new ArrayList<>();
                models.forEach(m -> catalog.add(RouterTestKit.model(m, null)));
                kit.catalog(
                        pool, Map.of("embedder", EMBEDDER), catalog.toArray(new CatalogModel[0]));
                long base = 1_700_000_000_000L;
                for (int t = 0; t < split.train().length; t++) {
                    int row = split.train()[t];
                    kit.example(
                            pool,
                            rows.get(row).id(),
                            raw.get(row),
                            base + t,
                            outcomes(rows.get(row), models));
                }
                // Poison: not Avro, and an outcome for a model outside the catalog.
                kit.send(Topics.FEEDBACK, "junk", "junk".getBytes());
                kit.example(
                        pool,
                        "stranger",
                        raw.get(0),
                        base,
                        Map.of("no-such-model", new ObservedOutcome(0.5, 0.1, 1.0, null)));
                kit.producer.flush();
                kit.awaitSupport(pool, split.train().length, raw.get(split.test()[0]));

                List<float[]> queries = new ArrayList<>();
                for (int row : split.test()) {
                    queries.add(raw.get(row));
                }
                List<String> ids = kit.queries(pool, "test-", queries);
                kit.send(Topics.QUERIES_EMBEDDED, "bad", "not avro".getBytes());
                kit.producer.flush();

                Map<String, Integer> seen = new HashMap<>();
                Map<String, RoutingDecision> decisions =
                        kit.read(ids, Duration.ofSeconds(120), seen);
                double[] s = new double[models.size()];
                double[] c = new double[models.size()];
                for (int t = 0; t < split.test().length; t++) {
                    knn.predict(vectors.row(split.test()[t]), s, c);
                    RoutingDecision d = decisions.get(ids.get(t));
                    assertThat(seen.get(ids.get(t))).as("one decision per query").isEqualTo(1);
                    assertThat(d.getShardsMissing()).isZero();
                    assertThat(d.getNeighbours()).hasSize(K);
                    Map<String, ModelPrediction> byModel = new HashMap<>();
                    d.getPredictions().forEach(p -> byModel.put(p.getModel(), p));
                    for (int m = 0; m < models.size(); m++) {
                        ModelPrediction p = byModel.get(models.get(m));
                        assertThat(p.getScore())
                                .as("score of %s for %s", models.get(m), ids.get(t))
                                .isEqualTo(s[m]);
                        assertThat(p.getCost())
                                .as("cost of %s for %s", models.get(m), ids.get(t))
                                .isEqualTo(c[m]);
                    }
                    assertThat(d.getModel()).isEqualTo(argmax(models, s)); // λ = 0
                }
                // A later query reusing a decided id is refused, not decided again.
                kit.queries(pool, "test-", queries.subList(0, 1));
                List<DeadLetter> dead = kit.deadLetters(4, Duration.ofSeconds(60));
                assertThat(dead)
                        .filteredOn(d -> d.getKind().equals("duplicate"))
                        .singleElement()
                        .satisfies(d -> assertThat(d.getReason()).contains("query id test-0"));
                Map<String, Integer> again = new HashMap<>();
                kit.read(ids.subList(0, 1), Duration.ofSeconds(30), again);
                assertThat(again.get(ids.get(0))).as("test-0 decided once").isEqualTo(1);
                assertThat(dead)
                        .extracting(DeadLetter::getReason)
                        .anySatisfy(
                                r ->
                                        assertThat(r)
                                                .contains(
                                                        "not Avro single-object encoded FeedbackExample"))
                        .anySatisfy(r -> assertThat(r).contains("no-such-model"))
                        .anySatisfy(r -> assertThat(r).contains("EmbeddedQuery"));
            } finally {
                job.cancel().get();
            }
        }
    }

    private static Map<String, ObservedOutcome> outcomes(BenchmarkRow row, List<String> models) {
        Map<String, ObservedOutcome> out = new LinkedHashMap<>();
        for (int m = 0; m < models.size(); m++) {
            if (!Double.isNaN(row.scores()[m])) {
                out.put(
                        models.get(m),
                        new ObservedOutcome(row.scores()[m], row.costs()[m], 1.0, null));
            }
        }
        return out;
    }

    private static String argmax(List<String> models, double[] s) {
        int best = 0;
        for (int m = 1; m < s.length; m++) {
            if (s[m] > s[best]) {
                best = m;
            }
        }
        return models.get(best);
    }
}

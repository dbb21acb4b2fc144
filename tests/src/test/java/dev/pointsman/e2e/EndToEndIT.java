package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.cli.demo.LocalStack;
import dev.pointsman.cli.demo.PoolSeeder;
import dev.pointsman.cli.demo.Replayer;
import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.cli.demo.TrafficSplit;
import dev.pointsman.cli.kafka.TestBroker;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole loop on the embedded stack, with real parts: queries in → embedded (ONNX) → decided
 * (Flink, RocksDB) → answered with the dataset's true outcomes → joined into feedback (Kafka
 * Streams, its own JVM) → the support set grows → windowed metrics and, after a shift to a dataset
 * the support set has never seen, drift alerts. Once on the embedded broker, and once on Apache
 * Kafka's image through Testcontainers where Docker exists (skipped without it).
 */
class EndToEndIT {
    private static final String POOL = "e2e";
    private static final String SHIFT_TO = "winogrande";

    @TempDir Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = TestBroker.class,
            names = {"EMBEDDED", "TESTCONTAINERS"})
    void theLoopClosesAndAShiftRaisesADriftAlert(TestBroker broker) throws Exception {
        Benchmark bench = E2e.sample();
        assertThat(bench.datasets()).contains(SHIFT_TO);
        TrafficSplit split =
                TrafficSplit.byDataset(bench, SHIFT_TO, 0.5, 7)
                        .capped(Integer.MAX_VALUE, Integer.MAX_VALUE, 60, 7);
        List<BenchmarkRow> seed = split.seed();
        List<BenchmarkRow> before = split.before();
        List<BenchmarkRow> after = split.after();
        int port = E2e.freePort();
        LocalStack.Settings settings =
                new LocalStack.Settings(
                        dir,
                        port,
                        10,
                        EmbedderConfig.defaults(EmbeddingModel.ALL_MINILM_L6_V2_Q),
                        StreamsChild.locateJar(),
                        List.of(
                                "--window", "6s",
                                "--window-grace", "2s",
                                "--alert-min-queries", "10"),
                        null);
        try (TestBroker.Running kafka = broker.start(dir.resolve("kafka"));
                LocalStack stack = LocalStack.start(withBroker(settings, kafka))) {
            PoolSeeder.seed(
                    stack.producer(),
                    stack.wire(),
                    POOL,
                    "knn-10",
                    0.5,
                    bench,
                    seed,
                    stack.embedder(),
                    (done, total) -> {});
            stack.startWorker();
            int queries = before.size() + after.size();
            Replayer.Summary summary =
                    new Replayer(
                                    new Replayer.Settings(
                                            stack.bootstrap(),
                                            POOL,
                                            queries,
                                            8,
                                            null,
                                            before.size(),
                                            Duration.ofSeconds(5)),
                                    bench,
                                    before,
                                    after,
                                    stack.wire(),
                                    System.out,
                                    new AtomicBoolean())
                            .run(stack.producer());

            assertThat(summary.decided()).as("every query decided").isEqualTo(queries);
            assertThat(summary.exploredQueries()).isPositive();

            // The router picked the explored queries and named the models to ask: every other one.
            List<RoutingDecision> decisions =
                    E2e.committed(stack, Topics.DECISIONS, RoutingDecision.class);
            assertThat(decisions)
                    .filteredOn(RoutingDecision::getExplore)
                    .hasSize((int) summary.exploredQueries())
                    .allSatisfy(
                            d -> {
                                assertThat(d.getExploreModels())
                                        .hasSize(bench.models().size() - 1)
                                        .doesNotContain(d.getModel());
                                // share 0.5 · uncertainty / the pool's mean uncertainty
                                assertThat(d.getExploreProbability()).isBetween(0.25, 1.0);
                            });

            // Outcomes became feedback with the query's vector and every explored outcome.
            List<FeedbackExample> feedback =
                    E2e.committed(stack, Topics.FEEDBACK, FeedbackExample.class);
            List<FeedbackExample> live =
                    feedback.stream().filter(e -> e.getExampleId().startsWith(POOL + "-")).toList();
            assertThat(live).isNotEmpty();
            assertThat(live)
                    .anySatisfy(e -> assertThat(e.getOutcomes()).hasSize(bench.models().size()));
            assertThat(live).allSatisfy(e -> assertThat(e.getDimension()).isEqualTo(384));

            // The support set grew with that feedback.
            long largest =
                    decisions.stream().mapToLong(RoutingDecision::getSupportSize).max().orElse(0);
            assertThat(largest).isGreaterThan(seed.size());

            // Windows with AUC against oracle and trend, and a drift alert after the shift.
            List<WindowMetrics> windows = E2e.committed(stack, Topics.METRICS, WindowMetrics.class);
            assertThat(windows).anySatisfy(w -> assertThat(w.getAuc()).isNotNull());
            assertThat(windows).anySatisfy(w -> assertThat(w.getGlobalTrendAuc()).isNotNull());
            List<Alert> alerts = E2e.committed(stack, Topics.ALERTS, Alert.class);
            assertThat(alerts)
                    .extracting(Alert::getKind)
                    .containsAnyOf("drift-psi", "embedding-shift");

            // And the HTTP API serves the same windows and every alert on the topic, the job's
            // among them, once per window and kind, once the streams app has read them (it reads
            // the topics on its own; the committed read above may be ahead of it).
            long deadline = System.nanoTime() + 60_000_000_000L;
            JsonNode body;
            long distinct;
            while (true) {
                body = apiMetrics(stack.apiPort());
                windows = E2e.committed(stack, Topics.METRICS, WindowMetrics.class);
                distinct =
                        E2e.committed(stack, Topics.ALERTS, Alert.class).stream()
                                .filter(a -> a.getPool().equals(POOL))
                                .map(a -> a.getWindowStart() + "/" + a.getKind())
                                .distinct()
                                .count();
                if (body.get("windows").size() == windows.size()
                                && body.get("alerts").size() == distinct
                        || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(1_000);
            }
            assertThat(body.get("windows").size()).isEqualTo(windows.size());
            assertThat((long) body.get("alerts").size()).isEqualTo(distinct);
        }
    }

    private static JsonNode apiMetrics(int port) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + port
                                                                + "/v1/metrics?pool="
                                                                + POOL))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    private static LocalStack.Settings withBroker(LocalStack.Settings s, TestBroker.Running kafka) {
        return new LocalStack.Settings(
                s.dir(),
                s.httpPort(),
                s.k(),
                s.embedder(),
                s.streamsJar(),
                s.streamsArgs(),
                kafka.bootstrapServers());
    }
}

package dev.pointsman.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.streams.api.ApiSettings;
import dev.pointsman.streams.gateway.GatewaySettings;
import dev.pointsman.topics.KafkaAcls;
import dev.pointsman.topics.KafkaConfig;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app on the embedded broker, driven through its HTTP API. A test thread stands in for the
 * embed worker and the routing job (it answers each query on {@code router.queries} with an
 * embedded query and a decision); the whole loop with the real job is the end-to-end test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamsAppIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN_P = "token-for-p";
    private static final String TOKEN_Q = "token-for-q";

    /** The operator's token, which /metrics (every pool's figures) requires. */
    private static final String OPERATOR = "token-for-the-operator";

    /** Route requests that may wait at once. */
    private static final int MAX_WAITING = 3;

    /** The consumer group that /readyz takes for the routing job's (it reads no lag above 0). */
    private static final String JOB_GROUP = "streams-it-job";

    /** The token of a pool that has a token but no catalog. */
    private static final String TOKEN_GONE = "token-for-gone";

    /**
     * Declares {@code pools} with models a and b on {@code router.catalog} (creating the topics as
     * the components do), before the app starts: the API answers only for pools with a catalog.
     */
    static void declare(String bootstrap, String... pools) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Topics.ensure(admin, Topics.all(2, Replication.SINGLE, Duration.ofDays(7)));
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        RecordCodec<PoolCatalog> codec =
                WireFormat.singleObject().codec(PoolCatalog.class, Topics.CATALOG);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (String pool : pools) {
                List<CatalogModel> models =
                        List.of(
                                CatalogModel.newBuilder()
                                        .setName("a")
                                        .setInputPrice(2e-6)
                                        .setOutputPrice(2e-6)
                                        .build(),
                                CatalogModel.newBuilder()
                                        .setName("b")
                                        .setInputPrice(1e-7)
                                        .setOutputPrice(1e-7)
                                        .build());
                PoolCatalog catalog =
                        PoolCatalog.newBuilder().setPool(pool).setModels(models).build();
                producer.send(new ProducerRecord<>(Topics.CATALOG, pool, codec.encode(catalog)))
                        .get();
            }
        }
    }

    private Path dir;
    private EmbeddedKafka kafka;
    private StreamsApp app;
    private StreamsApp peer;
    private Upstream upstream;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<JsonNode> decisions = new ArrayList<>();
    private final StringBuilder examples = new StringBuilder();

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        kafka = EmbeddedKafka.startSecured(dir.resolve("kafka"), Map.of("router", "s3cret"));
        kafka.grant(KafkaAcls.streams("User:router", "streams-it", JOB_GROUP));
        declare(kafka.bootstrapServers(), "p", "q");
        TopologySettings topology =
                TopologySettings.defaults()
                        .withWindow(Duration.ofSeconds(2), Duration.ofMillis(500))
                        .withFeedback(Duration.ofSeconds(30), Duration.ofMinutes(2))
                        .withAlerts(
                                new TopologySettings.AlertThresholds(1, 1.0, 0.25, 0.25, 0.05, 3));
        app =
                StreamsApp.start(
                        settings(topology, "state", kafka.bootstrapServers(), KafkaConfig.NONE));
        // A second instance of the app: the pools' windows are split between the two, and
        // each answers for every pool. It reaches the broker only through the SASL_SSL listener
        // (SCRAM, TLS, ACLs enforced: exactly KafkaAcls.streams), with the credentials and the
        // truststore in its --kafka-config file, so each of its clients must read the file.
        Path clientConfig =
                kafka.secured().writeClientProperties("router", dir.resolve("client.properties"));
        peer =
                StreamsApp.start(
                        settings(
                                topology,
                                "state-peer",
                                kafka.secureBootstrapServers(),
                                KafkaConfig.load(clientConfig.toString())));
        upstream = new Upstream(kafka.bootstrapServers());
        upstream.start();

        // Route and report full (shadow) outcomes until two windows of pool p have closed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int i = 0;
        while (windowsWithAuc() < 2) {
            assertThat(System.nanoTime())
                    .as("two closed windows within 120 s")
                    .isLessThan(deadline);
            HttpResponse<String> r =
                    post("/v1/route", TOKEN_P, "{\"pool\":\"p\",\"text\":\"question " + i + "\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode decision = JSON.readTree(r.body());
            decisions.add(decision);
            String id = decision.get("queryId").asText();
            HttpResponse<String> o =
                    post(
                            "/v1/outcomes",
                            TOKEN_P,
                            "[{\"queryId\":\""
                                    + id
                                    + "\",\"pool\":\"p\",\"model\":\"a\",\"score\":1,\"cost\":0.002},"
                                    + "{\"queryId\":\""
                                    + id
                                    + "\",\"pool\":\"p\",\"model\":\"b\",\"score\":"
                                    + (i % 2)
                                    + ",\"cost\":0.0001}]");
            assertThat(o.statusCode()).as(o.body()).isEqualTo(202);
            i++;
        }
    }

    private StreamsApp.Settings settings(
            TopologySettings topology, String stateDir, String bootstrap, KafkaConfig client) {
        return new StreamsApp.Settings(
                bootstrap,
                null,
                "streams-it",
                dir.resolve(stateDir),
                2,
                null,
                null,
                0,
                topology,
                new ApiSettings(
                        "127.0.0.1",
                        0,
                        Duration.ofSeconds(20),
                        Map.of("p", TOKEN_P, "q", TOKEN_Q, "gone", TOKEN_GONE),
                        0,
                        OPERATOR,
                        null,
                        MAX_WAITING,
                        ApiSettings.MAX_TEXT_CHARS.defaultValue(),
                        null,
                        JOB_GROUP,
                        0),
                GatewaySettings.DEFAULTS,
                Topics.FEEDBACK,
                client);
    }

    @AfterAll
    void stop() throws Exception {
        // Real requests and answers of this run, for the README.
        Files.writeString(Path.of("target", "api-examples.md"), examples.toString());
        if (upstream != null) {
            upstream.close();
        }
        if (app != null) {
            app.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private int windowsWithAuc() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/v1/metrics?pool=p", TOKEN_P);
        if (r.statusCode() == 503) {
            return 0; // the stores are still starting
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        int n = 0;
        for (JsonNode w : JSON.readTree(r.body()).get("windows")) {
            if (!w.get("auc").isNull()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void recordsExamplesOfEveryEndpoint() throws Exception {
        example("POST", "/v1/route", "{\"pool\":\"p\",\"text\":\"What is 2+2?\",\"lambda\":50}");
        String id = decisions.get(0).get("queryId").asText();
        example(
                "POST",
                "/v1/outcomes",
                "{\"queryId\":\""
                        + id
                        + "\",\"pool\":\"p\",\"model\":\"a\",\"score\":1,\"cost\":0.002}");
        example("POST", "/v1/route", "{\"pool\":\"p\"}");
        example("GET", "/v1/metrics?pool=p", null);
        example("GET", "/v1/pools", null);
        assertThat(examples.toString()).contains("HTTP 200", "HTTP 202", "HTTP 400");
    }

    private void example(String method, String path, String body) throws Exception {
        HttpResponse<String> r =
                method.equals("POST") ? post(path, TOKEN_P, body) : get(path, TOKEN_P);
        String pretty = r.body();
        try {
            pretty =
                    JSON.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(JSON.readTree(r.body()));
        } catch (IOException e) {
            // not JSON: keep as is
        }
        examples.append("```\n$ curl -X ")
                .append(method)
                .append(" -H 'Authorization: Bearer ")
                .append(TOKEN_P)
                .append("' http://127.0.0.1:8080")
                .append(path);
        if (body != null) {
            examples.append(" -d '").append(body).append('\'');
        }
        examples.append("\nHTTP ")
                .append(r.statusCode())
                .append('\n')
                .append(pretty)
                .append("\n```\n\n");
    }

    @Test
    void routeAnswersWithTheDecisionAndItsExplanation() {
        JsonNode first = decisions.get(0);
        assertThat(first.get("pool").asText()).isEqualTo("p");
        assertThat(first.get("model").asText()).isEqualTo("a");
        assertThat(first.get("router").asText()).isEqualTo("knn-10");
        assertThat(first.get("predictions")).hasSize(2);
        assertThat(first.get("neighbours").get(0).get("id").asText()).isEqualTo("seed-1");
        // What the caller should also ask, and the propensity it was drawn with.
        assertThat(first.get("explore").asBoolean()).isTrue();
        assertThat(first.get("exploreModels")).hasSize(1);
        assertThat(first.get("exploreModels").get(0).asText()).isEqualTo("b");
        assertThat(first.get("exploreProbability").asDouble()).isEqualTo(0.25);
    }

    @Test
    void outcomesBecomeFeedbackExamplesWithTheQueryVector() throws Exception {
        String id = decisions.get(0).get("queryId").asText();
        RecordCodec<FeedbackExample> codec =
                WireFormat.singleObject().codec(FeedbackExample.class, Topics.FEEDBACK);
        try (KafkaConsumer<String, byte[]> consumer = consumer("feedback-check")) {
            consumer.subscribe(List.of(Topics.FEEDBACK));
            FeedbackExample merged = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (merged == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    FeedbackExample e = codec.decode(r.value());
                    if (e.getExampleId().equals(id) && e.getOutcomes().size() == 2) {
                        merged = e;
                    }
                }
            }
            assertThat(merged).as("merged feedback for " + id).isNotNull();
            assertThat(merged.getPool()).isEqualTo("p");
            assertThat(Float32Vectors.fromBytes(merged.getVector(), merged.getDimension()))
                    .containsExactly(Upstream.vector(id));
            assertThat(merged.getOutcomes().get("a").getCost()).isEqualTo(0.002);
        }
    }

    @Test
    void metricsHoldTheClosedWindowsWithAucAgainstOracleAndTrend() throws Exception {
        JsonNode body = JSON.readTree(get("/v1/metrics?pool=p", TOKEN_P).body());
        List<JsonNode> closed = new ArrayList<>();
        body.get("windows")
                .forEach(
                        w -> {
                            if (!w.get("auc").isNull()) {
                                closed.add(w);
                            }
                        });
        assertThat(closed).hasSizeGreaterThanOrEqualTo(2);
        JsonNode second = closed.get(1);
        assertThat(second.get("router").asText()).isEqualTo("knn-10");
        assertThat(second.get("n").asLong()).isPositive();
        assertThat(second.get("shadowQueries").asLong()).isPositive();
        assertThat(second.get("oracleAuc").asDouble())
                .isGreaterThanOrEqualTo(second.get("auc").asDouble());
        assertThat(second.get("globalTrendAuc").isNull())
                .as("the second window has a trend from the first")
                .isFalse();
        // Always choosing a costs 0.002 per query and a scores 1.
        assertThat(second.get("meanCost").asDouble()).isCloseTo(0.002, within(1e-12));
        assertThat(second.get("meanScore").asDouble()).isEqualTo(1.0);
        // Every decision went to a; the money went to whichever models answered.
        assertThat(second.get("decisionsByModel").get("a").asLong())
                .isEqualTo(second.get("n").asLong());
        assertThat(second.get("decisionsByModel").size()).isEqualTo(1);
        assertThat(second.get("spendByModel").get("a").asDouble()).isPositive();

        assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
        assertThat(get("/metrics", TOKEN_P).statusCode()).isEqualTo(403);
        String prometheus = get("/metrics", OPERATOR).body();
        assertThat(prometheus)
                .contains("pointsman_streams_window_auc{pool=\"p\",router=\"knn-10\"}");
        assertThat(prometheus).contains("pointsman_streams_feedback_outcomes_total");
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);

        // The Grafana dashboard and the alerting rules of docker-compose.yml query only metrics
        // this exports. A record no codec reads makes the dead-letter counter's first sample;
        // the budget gauge has samples only for pools paced to a budget (none here).
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.OUTCOMES, "junk", new byte[] {1, 2, 3}))
                    .get();
        }
        String scraped = prometheus;
        for (int i = 0; i < 60 && !scraped.contains("pointsman_streams_dlq_total{"); i++) {
            Thread.sleep(500);
            // the instance whose partition the record is on counts it
            scraped =
                    get("/metrics", OPERATOR).body()
                            + getFrom(peer.apiPort(), "/metrics", OPERATOR).body();
        }
        String served = scraped;
        Path deploy = Path.of("..", "deploy");
        Matcher used =
                Pattern.compile("\\bpointsman_streams_[a-z_]+")
                        .matcher(
                                Files.readString(
                                                deploy.resolve("grafana/dashboards/pointsman.json"))
                                        + Files.readString(deploy.resolve("alerts.yml")));
        List<String> queried = new ArrayList<>();
        while (used.find()) {
            queried.add(used.group());
        }
        assertThat(queried).isNotEmpty();
        assertThat(queried)
                .filteredOn(name -> !name.equals("pointsman_streams_window_budget"))
                .allSatisfy(
                        name ->
                                assertThat(served)
                                        .as("declared by /metrics (samples may be none yet)")
                                        .containsPattern("(?m)^# TYPE " + name + " "));
    }

    @Test
    void eitherInstanceAnswersForEveryPoolWhicheverHoldsItsWindows() throws Exception {
        HttpResponse<String> here = get("/v1/metrics?pool=p", TOKEN_P);
        HttpResponse<String> there = getFrom(peer.apiPort(), "/v1/metrics?pool=p", TOKEN_P);
        assertThat(there.statusCode()).as(there.body()).isEqualTo(200);
        JsonNode mine = JSON.readTree(here.body()).get("windows");
        JsonNode theirs = JSON.readTree(there.body()).get("windows");
        // the newest window may close between the two reads
        assertThat(theirs.size()).isBetween(mine.size(), mine.size() + 1);
        assertThat(theirs.get(0)).isEqualTo(mine.get(0));
        assertThat(
                        JSON.readTree(getFrom(peer.apiPort(), "/v1/pools", OPERATOR).body())
                                .get("pools"))
                .containsExactlyElementsOf(
                        JSON.readTree(get("/v1/pools", OPERATOR).body()).get("pools"));
        // p's windows are held by one of the two instances only
        assertThat(List.of(localWindows(app.apiPort()), localWindows(peer.apiPort())))
                .containsOnlyOnce(0)
                .anySatisfy(n -> assertThat(n).isPositive());
        // the instances' own endpoint needs the operator's token like /metrics
        assertThat(getFrom(peer.apiPort(), "/internal/metrics/pools", TOKEN_P).statusCode())
                .isEqualTo(403);
    }

    @Test
    void badRequestsGetA4xxWithTheReason() throws Exception {
        HttpResponse<String> noText = post("/v1/route", TOKEN_P, "{\"pool\":\"p\"}");
        assertThat(noText.statusCode()).isEqualTo(400);
        assertThat(noText.body()).contains("'text' is required");

        HttpResponse<String> notJson = post("/v1/route", TOKEN_P, "{pool:");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("not valid JSON");

        HttpResponse<String> badScore =
                post(
                        "/v1/outcomes",
                        TOKEN_P,
                        "[{\"queryId\":\"x\",\"pool\":\"p\",\"model\":\"a\",\"score\":0.5,\"cost\":0},"
                                + "{\"queryId\":\"x\",\"pool\":\"p\",\"model\":\"b\",\"score\":3,\"cost\":0}]");
        assertThat(badScore.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badScore.body()).get("error").asText())
                .isEqualTo("outcome 1: 'score' is 3.0, outside [0.0, 1.0]");

        HttpResponse<String> noPool = get("/v1/metrics", TOKEN_P);
        assertThat(noPool.statusCode()).isEqualTo(400);

        HttpResponse<String> wrongMethod = get("/v1/route", TOKEN_P);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
    }

    @Test
    void recentDecisionsAreListedWithTheirPredictionsAndNeighbours() throws Exception {
        HttpResponse<String> r = get("/v1/decisions?pool=p", TOKEN_P);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode decisions = JSON.readTree(r.body()).get("decisions");
        assertThat(decisions).isNotEmpty();
        assertThat(decisions.size()).isLessThanOrEqualTo(20);
        JsonNode newest = decisions.get(0);
        assertThat(newest.get("model").asText()).isEqualTo("a");
        assertThat(newest.get("explore").asBoolean()).isTrue();
        assertThat(newest.at("/neighbours/0/id").asText()).isEqualTo("seed-1");
        assertThat(newest.at("/predictions/1/model").asText()).isEqualTo("b");
        assertThat(get("/v1/decisions?pool=p", TOKEN_Q).statusCode()).isEqualTo(403);
        assertThat(get("/v1/decisions", TOKEN_P).statusCode()).isEqualTo(400);
    }

    @Test
    void aPoolWithoutACatalogIsRefusedAtOnceAndHealthSaysWhatItReads() throws Exception {
        HttpResponse<String> gone =
                post("/v1/route", TOKEN_GONE, "{\"pool\":\"gone\",\"text\":\"x\"}");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).contains("pool 'gone' has no catalog on router.catalog");
        JsonNode health = JSON.readTree(get("/healthz", null).body());
        assertThat(health.get("decisionReader").asText()).isEqualTo("ok");
        assertThat(health.get("catalogReader").asText()).isEqualTo("ok");
        assertThat(health.get("streamThreads").asText()).isEqualTo("ok");
    }

    @Test
    void aTextOverTheLimitIsRefusedAtOnce() throws Exception {
        int limit = ApiSettings.MAX_TEXT_CHARS.defaultValue();
        HttpResponse<String> r =
                post(
                        "/v1/route",
                        TOKEN_P,
                        "{\"pool\":\"p\",\"text\":\"" + "x".repeat(limit + 1) + "\"}");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("--max-text-chars");
        HttpResponse<String> lone =
                post("/v1/route", TOKEN_P, "{\"pool\":\"p\",\"text\":\"a\\ud800b\"}");
        assertThat(lone.statusCode()).isEqualTo(400);
        assertThat(lone.body()).contains("unpaired surrogate at index 1");
    }

    @Test
    void requestsBeyondMaxWaitingAreRefusedUntilTheWaitingOnesAreDecided() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < MAX_WAITING; i++) {
            held.add(
                    postAsync(
                            "/v1/route", TOKEN_P, "{\"pool\":\"p\",\"text\":\"hold " + i + "\"}"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (upstream.held() < MAX_WAITING) {
            assertThat(System.nanoTime())
                    .as("the held queries reach the upstream")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
        HttpResponse<String> over =
                post("/v1/route", TOKEN_P, "{\"pool\":\"p\",\"text\":\"one more\"}");
        assertThat(over.statusCode()).isEqualTo(503);
        assertThat(over.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(over.body()).contains("3 requests are waiting for their decisions already");

        upstream.release();
        for (CompletableFuture<HttpResponse<String>> f : held) {
            HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        assertThat(post("/v1/route", TOKEN_P, "{\"pool\":\"p\",\"text\":\"after\"}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void readinessSaysWhetherTheRoutingJobKeepsUp() throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                latest.put(new TopicPartition(Topics.QUERIES_EMBEDDED, p), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get()
                    .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
            // The job has read everything: ready.
            admin.alterConsumerGroupOffsets(JOB_GROUP, ends).all().get();
            JsonNode ready = awaitReadiness(200);
            assertThat(ready.get("jobLag").asLong()).isZero();
            assertThat(ready.get("state").asText()).isEqualTo("RUNNING");

            // One embedded query unread, with --max-job-lag 0: not ready, and it says why.
            TopicPartition busy = new TopicPartition(Topics.QUERIES_EMBEDDED, 0);
            assertThat(ends.get(busy).offset()).isPositive();
            admin.alterConsumerGroupOffsets(
                            JOB_GROUP,
                            Map.of(busy, new OffsetAndMetadata(ends.get(busy).offset() - 1)))
                    .all()
                    .get();
            JsonNode behind = awaitReadiness(503);
            assertThat(behind.get("jobLag").asLong()).isEqualTo(1);
            assertThat(behind.get("jobLagProblem").asText())
                    .contains("1 embedded queries unread (at most 0, --max-job-lag)");
            // Liveness does not depend on the job.
            assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
        }
    }

    /** The /readyz answer once it has {@code status} (the lag is read every 5 s). */
    private JsonNode awaitReadiness(int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            HttpResponse<String> r = get("/readyz", null);
            if (r.statusCode() == status) {
                return JSON.readTree(r.body());
            }
            assertThat(System.nanoTime())
                    .as("/readyz answers " + status + ": " + r.body())
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void aTokenReachesOnlyItsOwnPool() throws Exception {
        assertThat(post("/v1/route", null, "{\"pool\":\"p\",\"text\":\"x\"}").statusCode())
                .isEqualTo(401);
        HttpResponse<String> foreign =
                post("/v1/route", TOKEN_Q, "{\"pool\":\"p\",\"text\":\"x\"}");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("not valid for pool 'p'");
        assertThat(
                        post(
                                        "/v1/outcomes",
                                        TOKEN_Q,
                                        "{\"queryId\":\"x\",\"pool\":\"p\",\"model\":\"a\","
                                                + "\"score\":1,\"cost\":0}")
                                .statusCode())
                .isEqualTo(403);
        assertThat(get("/v1/metrics?pool=p", TOKEN_Q).statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(get("/v1/pools", TOKEN_Q).body()).get("pools")).isEmpty();
        assertThat(JSON.readTree(get("/v1/pools", TOKEN_P).body()).get("pools").get(0).asText())
                .isEqualTo("p");
    }

    @Test
    void theDashboardDrawsTheWindowsInHeadlessChromium() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "Debian's chromium is not installed");
        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        String url = "http://127.0.0.1:" + app.apiPort() + "/#token=" + TOKEN_P;
        List<String> common =
                List.of(
                        chromium.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--hide-scrollbars",
                        "--user-data-dir=" + dir.resolve("chromium"),
                        "--window-size=1280,1100",
                        "--virtual-time-budget=8000");
        List<String> dump = new ArrayList<>(common);
        dump.add("--dump-dom");
        dump.add(url);
        String dom = run(dump);
        assertThat(dom).contains("data-series=\"knn-10\"");
        assertThat(dom).contains("data-series=\"oracle\"");
        assertThat(dom).contains("data-series=\"global trend\"");
        assertThat(dom).contains("data-series=\"spend\"");
        // The traffic-share and per-model spend charts have a line for model a.
        assertThat(dom.split("data-series=\"a\"", -1)).hasSize(3);
        assertThat(dom).containsPattern("id=\"latest-spend\">\\$[0-9]+\\.[0-9]{3}<");
        assertThat(dom).containsPattern("data-points=\"[2-9]|data-points=\"[1-9][0-9]");
        assertThat(dom).containsPattern("id=\"latest-auc\">[0-9]+\\.[0-9]{2}<");
        // Every decision explores here: the exploration share, the lift over the trend, and the
        // recent decisions with their predictions and neighbours.
        assertThat(dom).contains("data-series=\"explored\"");
        assertThat(dom).contains("id=\"latest-explored\">100.0 %<");
        assertThat(dom).contains("data-series=\"knn-10 − global trend\"");
        assertThat(dom).contains("class=\"decision-row\"");
        assertThat(dom).contains("seed-1 (0.93)");
        assertThat(dom).contains("a 0.90 / $0.00200");

        List<String> screenshot = new ArrayList<>(common);
        screenshot.add("--screenshot=" + shot);
        screenshot.add(url);
        run(screenshot);
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(20_000);
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    private HttpResponse<String> post(String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.apiPort() + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> postAsync(
            String path, String token, String body) {
        return http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.apiPort() + path))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token)
            throws IOException, InterruptedException {
        return getFrom(app.apiPort(), path, token);
    }

    /** How many of pool p's windows the instance on {@code port} holds itself. */
    private int localWindows(int port) throws IOException, InterruptedException {
        HttpResponse<byte[]> r =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + port
                                                        + "/internal/metrics/windows?pool=p"))
                                .header("Authorization", "Bearer " + OPERATOR)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return java.nio.ByteBuffer.wrap(r.body()).getInt();
    }

    private HttpResponse<String> getFrom(int port, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private KafkaConsumer<String, byte[]> consumer(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Stands in for the embed worker and the routing job: embeds each query as a fixed vector of
     * its id and decides for model a with fixed predictions. Queries whose text starts with "hold"
     * wait for {@link #release} (a slow job).
     */
    static final class Upstream extends Thread implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final KafkaProducer<String, byte[]> producer;
        private final WireFormat wire = WireFormat.singleObject();
        private volatile boolean running = true;
        private final List<Query> held = new ArrayList<>();
        private volatile boolean release;

        synchronized int held() {
            return held.size();
        }

        /** Decides the held queries, and from now on every query at once. */
        void release() {
            release = true;
        }

        Upstream(String bootstrap) {
            super("upstream");
            setDaemon(true);
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-upstream");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer =
                    new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }

        static float[] vector(String id) {
            float x = (id.hashCode() & 0xff) / 255f;
            float norm = (float) Math.sqrt(1 + x * x);
            return new float[] {1 / norm, x / norm, 0, 0};
        }

        @Override
        public void run() {
            RecordCodec<Query> queries = wire.codec(Query.class, Topics.QUERIES);
            RecordCodec<EmbeddedQuery> embedded =
                    wire.codec(EmbeddedQuery.class, Topics.QUERIES_EMBEDDED);
            RecordCodec<RoutingDecision> decided =
                    wire.codec(RoutingDecision.class, Topics.DECISIONS);
            consumer.subscribe(List.of(Topics.QUERIES));
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    Query q;
                    try {
                        q = queries.decode(r.value());
                    } catch (UndecodableRecordException e) {
                        continue;
                    }
                    if (q.getText().startsWith("hold") && !release) {
                        synchronized (this) {
                            held.add(q);
                        }
                        continue;
                    }
                    answer(q, embedded, decided);
                }
                if (release) {
                    List<Query> now;
                    synchronized (this) {
                        now = List.copyOf(held);
                        held.clear();
                    }
                    for (Query q : now) {
                        answer(q, embedded, decided);
                    }
                }
            }
        }

        private void answer(
                Query q,
                RecordCodec<EmbeddedQuery> embedded,
                RecordCodec<RoutingDecision> decided) {
            EmbeddedQuery eq =
                    EmbeddedQuery.newBuilder()
                            .setQuery(q)
                            .setVector(Float32Vectors.toBytes(vector(q.getId())))
                            .setDimension(4)
                            .setEmbedder("it/tail/128")
                            .build();
            RoutingDecision d =
                    RoutingDecision.newBuilder()
                            .setQueryId(q.getId())
                            .setPool(q.getPool())
                            .setModel("a")
                            .setLambda(q.getLambda() == null ? 0 : q.getLambda())
                            .setPredictions(
                                    List.of(
                                            new ModelPrediction("a", 0.9, 0.002),
                                            new ModelPrediction("b", 0.4, 0.0001)))
                            .setRouter("knn-10")
                            .setRouterVersion(1)
                            .setNeighbours(
                                    List.of(
                                            new dev.pointsman.schemas.NeighbourRef(
                                                    "seed-1", 0.93f)))
                            .setOodScore(0.5)
                            .setSupportSize(1)
                            .setTs(q.getTs())
                            .setExplore(true)
                            .setExploreModels(List.of("b"))
                            .setExploreProbability(0.25)
                            .setChallengers(List.of())
                            .build();
            producer.send(
                    new ProducerRecord<>(Topics.QUERIES_EMBEDDED, q.getId(), embedded.encode(eq)));
            producer.send(new ProducerRecord<>(Topics.DECISIONS, q.getId(), decided.encode(d)));
            producer.flush();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            join(5000);
            consumer.close();
            producer.close();
        }
    }
}

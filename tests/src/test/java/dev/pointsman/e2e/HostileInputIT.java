package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pointsman.cli.demo.LocalStack;
import dev.pointsman.cli.demo.PoolSeeder;
import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile-input corpus through the running pipeline (embedded broker, embed worker, the routing
 * job on Flink, the streams app in its own JVM, its HTTP API): every kind of bad record on every
 * input topic and every bad request on the endpoints, interleaved with good traffic of pool p. Each
 * bad one lands in {@code router.dlq} (with its kind and reason, and no prompt text) or gets a 4xx
 * with its reason; the good queries get one decision each, their feedback and their windows
 * exactly, and no bad one is decided, joined or counted for pool p; no component restarts.
 */
class HostileInputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String P = "p";
    private static final String Q = "q";
    private static final String TOKEN_P = "token-p";
    private static final String TOKEN_Q = "token-q";
    private static final String TOKEN_GONE = "token-gone";
    private static final int RATE_LIMIT = 20;

    @TempDir Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private int port;

    /** What each bad request got: kind → "status reason". */
    private final Map<String, String> refused = new LinkedHashMap<>();

    /** The dead letters expected, as "key kind component". */
    private final Set<String> expected = new LinkedHashSet<>();

    @Test
    void everyBadInputLandsInTheDlqOrA4xxAndTheGoodTrafficIsUntouched() throws Exception {
        Benchmark bench = E2e.sample();
        List<BenchmarkRow> rows = bench.rows();
        List<BenchmarkRow> seed = rows.subList(0, 40);
        List<BenchmarkRow> good = rows.subList(40, 56);
        port = E2e.freePort();
        LocalStack.Settings settings =
                new LocalStack.Settings(
                        dir,
                        port,
                        10,
                        EmbedderConfig.defaults(EmbeddingModel.ALL_MINILM_L6_V2_Q),
                        StreamsChild.locateJar(),
                        List.of(
                                "--window",
                                "4s",
                                "--window-grace",
                                "1s",
                                "--feedback-grace",
                                "5s",
                                "--token",
                                P + "=" + TOKEN_P,
                                "--token",
                                Q + "=" + TOKEN_Q,
                                "--token",
                                "gone=" + TOKEN_GONE,
                                "--rate-limit",
                                Integer.toString(RATE_LIMIT)),
                        null);
        try (LocalStack stack = LocalStack.start(settings)) {
            PoolSeeder.seed(
                    stack.producer(),
                    stack.wire(),
                    P,
                    "knn-10",
                    0.0,
                    bench,
                    seed,
                    stack.embedder(),
                    (done, total) -> {});
            PoolSeeder.seed(
                    stack.producer(),
                    stack.wire(),
                    Q,
                    "knn-10",
                    0.0,
                    bench,
                    seed.subList(0, 10),
                    stack.embedder(),
                    (done, total) -> {});
            stack.startWorker();
            Topical bad = new Topical(stack);

            // The unknown pool first: the job waits 30 s for a catalog before it gives up.
            bad.embedded("bad-unknown-pool", "nowhere", unit(384), 0, "unknown-pool");

            Map<String, JsonNode> decisions = new LinkedHashMap<>();
            Map<String, String> chosen = new HashMap<>();
            for (int i = 0; i < 8; i++) {
                route(bench, good.get(i), "good-" + i, decisions, chosen);
            }

            // Every input topic.
            bad.corpus(rows.get(60));
            // The sacrificial query: valid, decided, one valid outcome, then bad ones for it.
            long sacTs = System.currentTimeMillis();
            bad.query("sac-1", P, rows.get(61).prompt(), sacTs);
            RoutingDecision sac = awaitDecision(stack, "sac-1");
            String other =
                    bench.models().stream()
                            .filter(m -> !m.equals(sac.getModel()))
                            .findFirst()
                            .get();
            outcome("sac-1", sac.getModel(), 1.0, 0.001);
            bad.outcome("sac-1", P, sac.getModel(), 0.5, 0.001, sacTs + 1_000, "duplicate");
            bad.outcome("sac-1", P, other, 0.5, 0.001, sacTs + 20_000, "late");
            bad.outcome("sac-1", P, "no-such-model", 1.0, 0.001, sacTs + 1_000, "unknown-model");
            decisions.put("sac-1", null);
            chosen.put("sac-1", sac.getModel());

            // Every endpoint.
            apiCorpus(rows.get(62).prompt());

            // A colliding id from another pool: pool q's caller gets q's decision; the ledger
            // keeps p's query and dead-letters q's.
            HttpResponse<String> collision =
                    post(
                            "/v1/route",
                            TOKEN_Q,
                            "{\"pool\":\"q\",\"id\":\"good-0\",\"text\":\"another pool's question\"}");
            assertThat(collision.statusCode()).as(collision.body()).isEqualTo(200);
            assertThat(JSON.readTree(collision.body()).get("pool").asText()).isEqualTo(Q);
            expected.add("good-0 collision streams-app");

            for (int i = 8; i < good.size(); i++) {
                route(bench, good.get(i), "good-" + i, decisions, chosen);
            }
            // A last query of p, after the windows of the ones above closed.
            Thread.sleep(6_000);
            route(bench, rows.get(63), "tick", new HashMap<>(), new HashMap<>());

            // Every dead letter expected is there, from the component expected, with its
            // reason; a prompt's text is not.
            Map<String, DeadLetter> letters = awaitLetters(stack);
            for (String e : expected) {
                DeadLetter d = letters.get(e);
                assertThat(d.getReason()).as(e).isNotBlank();
                if (Topics.CARRY_TEXT.contains(d.getSourceTopic())) {
                    assertThat(d.getPayload()).as(e).isNull();
                }
            }
            assertThat(letters.get("bad-huge-prompt too-long embed-worker").getPayloadBytes())
                    .isGreaterThan(1_000_000);
            assertThat(refused).hasSizeGreaterThanOrEqualTo(12);
            assertThat(expected.size() + refused.size()).isGreaterThanOrEqualTo(30);

            // The good queries (and the sacrificial one) were each decided once, in pool p; no
            // bad query of p was.
            Set<String> goodIds = new TreeSet<>(decisions.keySet());
            List<RoutingDecision> ofP =
                    E2e.committed(stack, Topics.DECISIONS, RoutingDecision.class).stream()
                            .filter(d -> d.getPool().equals(P))
                            .toList();
            Map<String, Long> perId =
                    ofP.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            RoutingDecision::getQueryId, Collectors.counting()));
            goodIds.forEach(id -> assertThat(perId.get(id)).as(id).isEqualTo(1));
            assertThat(perId.keySet()).allMatch(id -> goodIds.contains(id) || id.equals("tick"));

            // Their feedback holds exactly the outcome each was given.
            Map<String, FeedbackExample> feedback = new HashMap<>();
            for (FeedbackExample f : E2e.committed(stack, Topics.FEEDBACK, FeedbackExample.class)) {
                if (f.getPool().equals(P)
                        && !f.getExampleId().startsWith("seed-")
                        && !f.getExampleId().equals("tick")) {
                    feedback.put(f.getExampleId(), f);
                }
            }
            assertThat(feedback.keySet()).containsExactlyInAnyOrderElementsOf(goodIds);
            feedback.forEach(
                    (id, f) ->
                            assertThat(f.getOutcomes().keySet())
                                    .as(id)
                                    .containsExactly(chosen.get(id)));

            // The closed windows of p count exactly those queries.
            long counted =
                    E2e.committed(stack, Topics.METRICS, WindowMetrics.class).stream()
                            .filter(w -> w.getPool().equals(P))
                            .filter(w -> w.getRouter().equals(ofP.get(0).getRouter()))
                            .mapToLong(WindowMetrics::getN)
                            .sum();
            assertThat(counted).isEqualTo(goodIds.size());

            // Nothing restarted.
            assertThat(stack.jobStatus()).isEqualTo("RUNNING");
            assertThat(stack.workerRunning()).isTrue();
            JsonNode health = JSON.readTree(get("/healthz").body());
            assertThat(health.get("state").asText()).isEqualTo("RUNNING");
            assertThat(health.get("streamThreads").asText()).isEqualTo("ok");
            System.out.println("hostile-input corpus: " + expected + " " + refused);
        }
    }

    private static float[] unit(int dimension) {
        float[] v = new float[dimension];
        v[0] = 1;
        return v;
    }

    /** Routes {@code row} as {@code id} in pool p and reports the chosen model's outcome. */
    private void route(
            Benchmark bench,
            BenchmarkRow row,
            String id,
            Map<String, JsonNode> decisions,
            Map<String, String> chosen)
            throws Exception {
        ObjectNode body =
                JSON.createObjectNode().put("pool", P).put("id", id).put("text", row.prompt());
        HttpResponse<String> r = post("/v1/route", TOKEN_P, body.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode decision = JSON.readTree(r.body());
        String model = decision.get("model").asText();
        int m = bench.models().indexOf(model);
        outcome(id, model, row.scores()[m], row.costs()[m]);
        decisions.put(id, decision);
        chosen.put(id, model);
    }

    private void outcome(String id, String model, double score, double cost) throws Exception {
        ObjectNode o =
                JSON.createObjectNode()
                        .put("queryId", id)
                        .put("pool", P)
                        .put("model", model)
                        .put("score", score)
                        .put("cost", cost);
        HttpResponse<String> r = post("/v1/outcomes", TOKEN_P, o.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    /** The bad requests, each answered with its 4xx and reason. */
    private void apiCorpus(String prompt) throws Exception {
        String route = "{\"pool\":\"p\",\"text\":\"hello\"}";
        refuse("no token", post("/v1/route", null, route), 401, "");
        refuse("wrong token", post("/v1/route", "not-a-token", route), 403, "not valid for pool");
        refuse(
                "another pool's token",
                post("/v1/route", TOKEN_Q, route),
                403,
                "not valid for pool");
        refuse("malformed JSON", post("/v1/route", TOKEN_P, "{\"pool\":"), 400, "not valid JSON");
        refuse(
                "2 MB body",
                post(
                        "/v1/route",
                        TOKEN_P,
                        "{\"pool\":\"p\",\"text\":\"" + "x".repeat(2 << 20) + "\"}"),
                413,
                "larger than");
        refuse(
                "empty prompt",
                post("/v1/route", TOKEN_P, "{\"pool\":\"p\",\"text\":\"\"}"),
                400,
                "non-empty string");
        refuse(
                "1 MB prompt",
                post(
                        "/v1/route",
                        TOKEN_P,
                        "{\"pool\":\"p\",\"text\":\"" + "y".repeat(1_000_000) + "\"}"),
                413,
                "--max-text-chars");
        refuse(
                "unpaired surrogate",
                post("/v1/route", TOKEN_P, "{\"pool\":\"p\",\"text\":\"a\\ud800\"}"),
                400,
                "unpaired surrogate");
        refuse(
                "unknown pool",
                post("/v1/route", TOKEN_GONE, "{\"pool\":\"gone\",\"text\":\"hi\"}"),
                404,
                "has no catalog");
        refuse(
                "score above 1",
                post(
                        "/v1/outcomes",
                        TOKEN_P,
                        "{\"queryId\":\"good-1\",\"pool\":\"p\",\"model\":\"m\",\"score\":1.5,\"cost\":0}"),
                400,
                "outside [0.0, 1.0]");
        refuse(
                "negative cost",
                post(
                        "/v1/outcomes",
                        TOKEN_P,
                        "{\"queryId\":\"good-1\",\"pool\":\"p\",\"model\":\"m\",\"score\":1,\"cost\":-1}"),
                400,
                "'cost'");
        refuse("wrong method", get("/v1/route"), 405, "use POST");
        // A flood beyond pool q's rate limit: a second's worth goes through, the rest is 429.
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < 2 * RATE_LIMIT; i++) {
            flood.add(
                    http.sendAsync(
                            request("/v1/route", TOKEN_Q)
                                    .POST(
                                            HttpRequest.BodyPublishers.ofString(
                                                    "{\"pool\":\"q\",\"text\":\""
                                                            + prompt.replace("\\", " ")
                                                                    .replace("\"", " ")
                                                                    .replaceAll("\\s+", " ")
                                                            + " "
                                                            + i
                                                            + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : flood) {
            answers.add(f.get());
        }
        HttpResponse<String> limited =
                answers.stream().filter(a -> a.statusCode() == 429).findFirst().orElseThrow();
        refuse("flood beyond the rate limit", limited, 429, "rate limit");
        assertThat(answers).allMatch(a -> a.statusCode() == 200 || a.statusCode() == 429);
    }

    private void refuse(String kind, HttpResponse<String> r, int status, String reason)
            throws Exception {
        assertThat(r.statusCode()).as(kind + ": " + r.body()).isEqualTo(status);
        String error = JSON.readTree(r.body()).path("error").asText();
        assertThat(error).as(kind).isNotBlank().contains(reason);
        refused.put(kind, status + " " + (error.length() > 80 ? error.substring(0, 80) : error));
    }

    /** Writes bad records straight to the topics, and notes the dead letter each must make. */
    private final class Topical {
        private final KafkaProducer<byte[], byte[]> producer;
        private final RecordCodec<Query> queries;
        private final RecordCodec<EmbeddedQuery> embedded;
        private final RecordCodec<Outcome> outcomes;
        private final String embedder;

        Topical(LocalStack stack) {
            producer = stack.producer();
            queries = stack.wire().codec(Query.class, Topics.QUERIES);
            embedded = stack.wire().codec(EmbeddedQuery.class, Topics.QUERIES_EMBEDDED);
            outcomes = stack.wire().codec(Outcome.class, Topics.OUTCOMES);
            embedder = stack.embedder().id();
        }

        private void send(String topic, String key, byte[] value) throws Exception {
            producer.send(new ProducerRecord<>(topic, bytes(key), value)).get();
        }

        private byte[] queryBytes(String id, String pool, String text, long ts) {
            return queries.encode(
                    Query.newBuilder()
                            .setId(id)
                            .setPool(pool)
                            .setText(text)
                            .setTs(Instant.ofEpochMilli(ts))
                            .build());
        }

        void query(String id, String pool, String text, long ts) throws Exception {
            send(Topics.QUERIES, id, queryBytes(id, pool, text, ts));
        }

        void embedded(String id, String pool, float[] vector, long shift, String kind)
                throws Exception {
            embedded(id, pool, vector, shift, vector.length, kind);
        }

        void embedded(
                String id, String pool, float[] vector, long shift, int dimension, String kind)
                throws Exception {
            Query q =
                    Query.newBuilder()
                            .setId(id)
                            .setPool(pool)
                            .setText("a prompt nobody may read")
                            .setTs(Instant.ofEpochMilli(System.currentTimeMillis() + shift))
                            .build();
            send(
                    Topics.QUERIES_EMBEDDED,
                    id,
                    embedded.encode(
                            EmbeddedQuery.newBuilder()
                                    .setQuery(q)
                                    .setVector(Float32Vectors.toBytes(vector))
                                    .setDimension(dimension)
                                    .setEmbedder(embedder)
                                    .build()));
            expected.add(id + " " + kind + " flink-router");
        }

        void outcome(
                String id,
                String pool,
                String model,
                double score,
                double cost,
                long ts,
                String kind)
                throws Exception {
            send(
                    Topics.OUTCOMES,
                    id,
                    outcomes.encode(
                            Outcome.newBuilder()
                                    .setQueryId(id)
                                    .setPool(pool)
                                    .setModel(model)
                                    .setScore(score)
                                    .setCost(cost)
                                    .setTs(Instant.ofEpochMilli(ts))
                                    .build()));
            expected.add(id + " " + kind + " streams-app");
        }

        /** The bad records of every input topic. */
        void corpus(BenchmarkRow row) throws Exception {
            long now = System.currentTimeMillis();
            // router.queries, read by the embed worker.
            byte[] whole = queryBytes("bad-truncated", P, row.prompt(), now);
            send(Topics.QUERIES, "bad-truncated", Arrays.copyOf(whole, whole.length / 2));
            expected.add("bad-truncated undecodable embed-worker");
            send(
                    Topics.QUERIES,
                    "bad-foreign",
                    outcomes.encode(
                            Outcome.newBuilder()
                                    .setQueryId("bad-foreign")
                                    .setPool(P)
                                    .setModel("m")
                                    .setScore(1.0)
                                    .setCost(0)
                                    .setTs(Instant.ofEpochMilli(now))
                                    .build()));
            expected.add("bad-foreign undecodable embed-worker");
            query("bad-empty", P, "   ", now);
            expected.add("bad-empty empty embed-worker");
            query("bad-huge-prompt", P, "z".repeat(1_000_000), now);
            expected.add("bad-huge-prompt too-long embed-worker");
            byte[] utf8 = queryBytes("bad-utf8", P, "abc", now);
            for (int i = utf8.length - 1; i > 0; i--) {
                if (utf8[i] == 'b' && utf8[i - 1] == 'a') {
                    utf8[i] = (byte) 0xC3; // a lead byte with no continuation
                    break;
                }
            }
            send(Topics.QUERIES, "bad-utf8", utf8);
            expected.add("bad-utf8 invalid-utf8 embed-worker");
            producer.send(new ProducerRecord<>(Topics.QUERIES, bytes("bad-null"), null)).get();
            expected.add("bad-null undecodable embed-worker");

            // router.queries.embedded, read by the job and the ledger.
            float[] nan = unit(384);
            nan[3] = Float.NaN;
            embedded("bad-nan", P, nan, 0, "invalid");
            float[] inf = unit(384);
            inf[5] = Float.POSITIVE_INFINITY;
            embedded("bad-inf", P, inf, 0, "invalid");
            embedded("bad-zero", P, new float[384], 0, "invalid");
            embedded("bad-dimension", P, unit(383), 0, "invalid");
            embedded("bad-future", P, unit(384), 86_400_000L, "invalid");
            expected.add("bad-future future streams-app");
            embedded("bad-past", P, unit(384), -7_200_000L, "invalid");
            expected.add("bad-past past streams-app");
            send(Topics.QUERIES_EMBEDDED, "bad-garbage", bytes("not a record"));
            expected.add("bad-garbage undecodable flink-router");
            expected.add("bad-garbage undecodable streams-app");

            // router.outcomes, read by the ledger.
            outcome("good-1", P, "m", 1.0, -1, now, "invalid");
            expected.add("good-1 invalid streams-app");
            outcome("bad-unseen", P, "m", 1.0, 0.001, now, "unknown-query");
            outcome("bad-far", P, "m", 1.0, 0.001, now + 86_400_000L, "future");
            send(Topics.OUTCOMES, "bad-outcome-garbage", bytes("{\"queryId\":1}"));
            expected.add("bad-outcome-garbage undecodable streams-app");

            // A decided id of pool p again, as another query: neither decided nor joined again.
            query("good-2", P, "the same id, another question", now);
            expected.add("good-2 duplicate flink-router");
            expected.add("good-2 duplicate streams-app");

            // router.catalog, read by the job.
            send(Topics.CATALOG, "bad-catalog", bytes("not a catalog"));
            expected.add("bad-catalog undecodable flink-router");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The committed dead letters by "key kind", once every expected one is there. */
    private Map<String, DeadLetter> awaitLetters(LocalStack stack) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            Map<String, DeadLetter> letters = new HashMap<>();
            for (DeadLetter d : E2e.committed(stack, Topics.DLQ, DeadLetter.class)) {
                String key =
                        d.getKey() == null
                                ? "?"
                                : StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString();
                letters.put(key + " " + d.getKind() + " " + d.getComponent(), d);
            }
            if (letters.keySet().containsAll(expected)) {
                return letters;
            }
            assertThat(System.nanoTime())
                    .as(
                            "dead letters still missing: "
                                    + expected.stream()
                                            .filter(k -> !letters.containsKey(k))
                                            .toList()
                                    + "; present: "
                                    + letters.keySet())
                    .isLessThan(deadline);
            Thread.sleep(2_000);
        }
    }

    private RoutingDecision awaitDecision(LocalStack stack, String id) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            for (RoutingDecision d :
                    E2e.committed(stack, Topics.DECISIONS, RoutingDecision.class)) {
                if (d.getQueryId().equals(id)) {
                    return d;
                }
            }
            assertThat(System.nanoTime()).as("a decision for " + id).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        try {
            return http.send(
                    request(path, token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError("POST " + path + " got no answer: " + e, e);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                request(path, TOKEN_P).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}

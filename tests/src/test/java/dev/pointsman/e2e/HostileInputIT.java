package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pointsman.cli.bench.HostileCorpus;
import dev.pointsman.cli.demo.LocalStack;
import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;
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
            stack.seed(P, "knn-10", 0.0, bench, seed);
            stack.seed(Q, "knn-10", 0.0, bench, seed.subList(0, 10));
            stack.startWorker();
            HostileCorpus corpus = HostileCorpus.of(stack);
            // The unknown pool first: the job waits 30 s for a catalog before it gives up.
            expected.addAll(corpus.send("unknown-pool-query", "bad-unknown-pool", P));

            Map<String, JsonNode> decisions = new LinkedHashMap<>();
            Map<String, String> chosen = new HashMap<>();
            for (int i = 0; i < 8; i++) {
                route(bench, good.get(i), "good-" + i, decisions, chosen);
            }

            // Every kind of bad record on every input topic.
            for (String kind : HostileCorpus.TOPIC_KINDS) {
                if (!kind.equals("unknown-pool-query")) {
                    expected.addAll(corpus.send(kind, "bad-" + kind, P));
                }
            }
            // An outcome for a decided query of p that fails its check.
            corpus.outcome("good-1", P, "m", 1.0, -1, System.currentTimeMillis());
            expected.add("good-1 invalid streams-app");
            // A decided id of pool p again, as another query: neither decided nor joined again.
            corpus.query("good-2", P, "the same id, another question", System.currentTimeMillis());
            expected.add("good-2 duplicate flink-router");
            expected.add("good-2 duplicate streams-app");
            // The sacrificial query: valid, decided, one valid outcome, then bad ones for it.
            long sacTs = System.currentTimeMillis();
            corpus.query("sac-1", P, rows.get(61).prompt(), sacTs);
            RoutingDecision sac = awaitDecision(stack, "sac-1");
            String other =
                    bench.models().stream()
                            .filter(m -> !m.equals(sac.getModel()))
                            .findFirst()
                            .get();
            outcome("sac-1", sac.getModel(), 1.0, 0.001);
            corpus.outcome("sac-1", P, sac.getModel(), 0.5, 0.001, sacTs + 1_000);
            corpus.outcome("sac-1", P, other, 0.5, 0.001, sacTs + 20_000);
            corpus.outcome("sac-1", P, "no-such-model", 1.0, 0.001, sacTs + 1_000);
            expected.add("sac-1 duplicate streams-app");
            expected.add("sac-1 late streams-app");
            expected.add("sac-1 unknown-model streams-app");
            decisions.put("sac-1", null);
            chosen.put("sac-1", sac.getModel());

            // Every endpoint.
            for (String kind : HostileCorpus.API_KINDS) {
                HostileCorpus.Refusal r = corpus.request(kind, P, TOKEN_P, TOKEN_Q, TOKEN_GONE);
                assertThat(r.status())
                        .as(kind + ": " + r.error())
                        .isEqualTo(HostileCorpus.expectedStatus(kind));
                assertThat(r.error()).as(kind).isNotBlank();
                refused.put(kind, r.status() + " " + r.error());
            }
            flood(rows.get(62).prompt());

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
            // A last query of p, after the windows of the ones above closed. The ledger's clock is
            // per partition (each task's largest event time), so the tick shares its partition with
            // the outcome of a query never seen, which only that clock's passing can sweep.
            Thread.sleep(6_000);
            String tick =
                    sameTask(
                            "bad-unseen-query-outcome",
                            stack.producer().partitionsFor(Topics.OUTCOMES).size());
            route(bench, rows.get(63), tick, new HashMap<>(), new HashMap<>());

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
            assertThat(perId.keySet()).allMatch(id -> goodIds.contains(id) || id.equals(tick));

            // Their feedback holds exactly the outcome each was given.
            Map<String, FeedbackExample> feedback = new HashMap<>();
            for (FeedbackExample f :
                    E2e.committed(stack, Topics.FEEDBACK, FeedbackExample.class, true)) {
                if (f.getPool().equals(P)
                        && !f.getExampleId().startsWith("seed-")
                        && !f.getExampleId().equals(tick)) {
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
                    E2e.committed(stack, Topics.METRICS, WindowMetrics.class, true).stream()
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

    /** An id whose records land on the same partition as {@code other}'s (Kafka's partitioner). */
    private static String sameTask(String other, int partitions) {
        int want = partition(other, partitions);
        for (int i = 0; ; i++) {
            if (partition("tick-" + i, partitions) == want) {
                return "tick-" + i;
            }
        }
    }

    private static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
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

    /** A flood beyond pool q's rate limit: a second's worth goes through, the rest is 429. */
    private void flood(String prompt) throws Exception {
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

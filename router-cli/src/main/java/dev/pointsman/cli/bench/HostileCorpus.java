package dev.pointsman.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.cli.demo.LocalStack;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Hostile input, one kind at a time: bad records for every input topic ({@link #TOPIC_KINDS}, each
 * saying which dead letters it must make) and bad requests for the HTTP API ({@link #API_KINDS},
 * each with the 4xx it must get). The hostile-input test sends every kind once among good traffic;
 * {@code bench soak} sends them in turn for an hour.
 */
public final class HostileCorpus {
    /** The kinds of bad record written straight to a topic. */
    public static final List<String> TOPIC_KINDS =
            List.of(
                    "truncated-avro",
                    "foreign-schema",
                    "empty-prompt",
                    "huge-prompt",
                    "invalid-utf8",
                    "null-value",
                    "nan-vector",
                    "inf-vector",
                    "zero-vector",
                    "wrong-dimension",
                    "future-query",
                    "past-query",
                    "garbage-embedded",
                    "unknown-pool-query",
                    "negative-cost",
                    "score-above-1",
                    "future-outcome",
                    "garbage-outcome",
                    "unseen-query-outcome",
                    "garbage-catalog",
                    "garbage-feedback",
                    "garbage-metrics");

    /** The kinds of bad request. */
    public static final List<String> API_KINDS =
            List.of(
                    "no-token",
                    "wrong-token",
                    "another-pools-token",
                    "malformed-json",
                    "2mb-body",
                    "empty-text",
                    "1mb-text",
                    "unpaired-surrogate",
                    "unknown-pool",
                    "score-above-1-api",
                    "negative-cost-api",
                    "wrong-method");

    /** A bad request's answer. */
    public record Refusal(String kind, int status, String error) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMBEDDED = "flink-router";
    private static final String LEDGER = "streams-app";
    private static final String WORKER = "embed-worker";

    private final KafkaProducer<byte[], byte[]> producer;
    private final RecordCodec<Query> queries;
    private final RecordCodec<EmbeddedQuery> embedded;
    private final RecordCodec<Outcome> outcomes;
    private final String embedder;
    private final int dimension;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String api;

    /**
     * @param embedder the pool's embedder id, and {@code dimension} its vectors' dimension
     * @param api the streams app's base URL ({@code http://host:port})
     */
    public HostileCorpus(
            KafkaProducer<byte[], byte[]> producer,
            WireFormat wire,
            String embedder,
            int dimension,
            String api) {
        this.producer = producer;
        this.queries = wire.codec(Query.class, Topics.QUERIES);
        this.embedded = wire.codec(EmbeddedQuery.class, Topics.QUERIES_EMBEDDED);
        this.outcomes = wire.codec(Outcome.class, Topics.OUTCOMES);
        this.embedder = embedder;
        this.dimension = dimension;
        this.api = api;
    }

    /** The corpus for {@code stack}: its producer, wire format, embedder and API. */
    public static HostileCorpus of(LocalStack stack) {
        return new HostileCorpus(
                stack.producer(),
                stack.wire(),
                stack.embedder().id(),
                stack.embedder().dimension(),
                "http://127.0.0.1:" + stack.apiPort());
    }

    /**
     * Writes the bad record of {@code kind} as query {@code id} of {@code pool}; returns the dead
     * letters it must make, each as "key kind component".
     */
    public List<String> send(String kind, String id, String pool)
            throws InterruptedException, ExecutionException {
        long now = System.currentTimeMillis();
        List<String> letters = new ArrayList<>();
        switch (kind) {
            case "truncated-avro" -> {
                byte[] whole = queryBytes(id, pool, "a question cut short", now);
                write(Topics.QUERIES, id, Arrays.copyOf(whole, whole.length / 2));
                letters.add(id + " undecodable " + WORKER);
            }
            case "foreign-schema" -> {
                write(Topics.QUERIES, id, outcomeBytes(id, pool, "m", 1.0, 0, now));
                letters.add(id + " undecodable " + WORKER);
            }
            case "empty-prompt" -> {
                write(Topics.QUERIES, id, queryBytes(id, pool, "   ", now));
                letters.add(id + " empty " + WORKER);
            }
            case "huge-prompt" -> {
                write(Topics.QUERIES, id, queryBytes(id, pool, "z".repeat(1_000_000), now));
                letters.add(id + " too-long " + WORKER);
            }
            case "invalid-utf8" -> {
                byte[] bytes = queryBytes(id, pool, "abc", now);
                for (int i = bytes.length - 1; i > 0; i--) {
                    if (bytes[i] == 'b' && bytes[i - 1] == 'a') {
                        bytes[i] = (byte) 0xC3; // a lead byte with no continuation
                        break;
                    }
                }
                write(Topics.QUERIES, id, bytes);
                letters.add(id + " invalid-utf8 " + WORKER);
            }
            case "null-value" -> {
                write(Topics.QUERIES, id, null);
                letters.add(id + " undecodable " + WORKER);
            }
            case "nan-vector", "inf-vector", "zero-vector", "wrong-dimension" -> {
                float[] v = unit(kind.equals("wrong-dimension") ? dimension - 1 : dimension);
                if (kind.equals("nan-vector")) {
                    v[1] = Float.NaN;
                } else if (kind.equals("inf-vector")) {
                    v[1] = Float.POSITIVE_INFINITY;
                } else if (kind.equals("zero-vector")) {
                    v[0] = 0;
                }
                write(Topics.QUERIES_EMBEDDED, id, embedded(id, pool, v, now));
                letters.add(id + " invalid " + EMBEDDED);
            }
            case "future-query" -> {
                write(Topics.QUERIES_EMBEDDED, id, embedded(id, pool, unit(dimension), now + DAY));
                letters.add(id + " invalid " + EMBEDDED);
                letters.add(id + " future " + LEDGER);
            }
            case "past-query" -> {
                write(
                        Topics.QUERIES_EMBEDDED,
                        id,
                        embedded(id, pool, unit(dimension), now - 2 * HOUR));
                letters.add(id + " invalid " + EMBEDDED);
                letters.add(id + " past " + LEDGER);
            }
            case "unknown-pool-query" -> {
                // Waits for a catalog (the job's --catalog-wait) before it is dead-lettered.
                write(Topics.QUERIES_EMBEDDED, id, embedded(id, "nowhere", unit(dimension), now));
                letters.add(id + " unknown-pool " + EMBEDDED);
            }
            case "garbage-embedded" -> {
                write(Topics.QUERIES_EMBEDDED, id, bytes("not a record"));
                letters.add(id + " undecodable " + EMBEDDED);
                letters.add(id + " undecodable " + LEDGER);
            }
            case "negative-cost" -> {
                write(Topics.OUTCOMES, id, outcomeBytes(id, pool, "m", 1.0, -1, now));
                letters.add(id + " invalid " + LEDGER);
            }
            case "score-above-1" -> {
                write(Topics.OUTCOMES, id, outcomeBytes(id, pool, "m", 1.5, 0.001, now));
                letters.add(id + " invalid " + LEDGER);
            }
            case "future-outcome" -> {
                write(Topics.OUTCOMES, id, outcomeBytes(id, pool, "m", 1.0, 0.001, now + DAY));
                letters.add(id + " future " + LEDGER);
            }
            case "garbage-outcome" -> {
                write(Topics.OUTCOMES, id, bytes("{\"queryId\":1}"));
                letters.add(id + " undecodable " + LEDGER);
            }
            case "unseen-query-outcome" -> {
                // Swept once the ledger's event time passes its grace.
                write(Topics.OUTCOMES, id, outcomeBytes(id, pool, "m", 1.0, 0.001, now));
                letters.add(id + " unknown-query " + LEDGER);
            }
            case "garbage-catalog" -> {
                write(Topics.CATALOG, id, bytes("not a catalog"));
                letters.add(id + " undecodable " + EMBEDDED);
            }
            case "garbage-feedback" -> {
                write(Topics.FEEDBACK, id, bytes("not an example"));
                letters.add(id + " undecodable " + EMBEDDED);
            }
            case "garbage-metrics" -> {
                write(Topics.METRICS, id, bytes("not a window"));
                letters.add(id + " undecodable " + EMBEDDED);
            }
            default -> throw new IllegalArgumentException("no topic kind " + kind);
        }
        return letters;
    }

    /**
     * Sends the bad request of {@code kind} against {@code pool} (whose token is {@code token};
     * {@code otherToken} is another pool's; {@code goneToken} is the token of pool {@code gone},
     * which has no catalog) and returns its answer.
     */
    public Refusal request(
            String kind, String pool, String token, String otherToken, String goneToken)
            throws IOException, InterruptedException {
        String route = "{\"pool\":\"" + pool + "\",\"text\":\"hello\"}";
        HttpResponse<String> r =
                switch (kind) {
                    case "no-token" -> post("/v1/route", null, route);
                    case "wrong-token" -> post("/v1/route", "not-a-token", route);
                    case "another-pools-token" -> post("/v1/route", otherToken, route);
                    case "malformed-json" -> post("/v1/route", token, "{\"pool\":");
                    case "2mb-body" -> post("/v1/route", token, text(pool, "x".repeat(2 << 20)));
                    case "empty-text" -> post("/v1/route", token, text(pool, ""));
                    case "1mb-text" -> post("/v1/route", token, text(pool, "y".repeat(1_000_000)));
                    case "unpaired-surrogate" -> post("/v1/route", token, text(pool, "a\\ud800"));
                    case "unknown-pool" -> post("/v1/route", goneToken, text("gone", "hi"));
                    case "score-above-1-api" ->
                            post("/v1/outcomes", token, outcomeJson(pool, 1.5, 0));
                    case "negative-cost-api" ->
                            post("/v1/outcomes", token, outcomeJson(pool, 1, -1));
                    case "wrong-method" ->
                            http.send(
                                    request("/v1/route", token).GET().build(),
                                    HttpResponse.BodyHandlers.ofString());
                    default -> throw new IllegalArgumentException("no API kind " + kind);
                };
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        return new Refusal(kind, r.statusCode(), body.path("error").asText());
    }

    /** The status each API kind must get. */
    public static int expectedStatus(String kind) {
        return switch (kind) {
            case "no-token" -> 401;
            case "wrong-token", "another-pools-token" -> 403;
            case "2mb-body", "1mb-text" -> 413;
            case "unknown-pool" -> 404;
            case "wrong-method" -> 405;
            default -> 400;
        };
    }

    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;

    private static String text(String pool, String text) {
        return "{\"pool\":\"" + pool + "\",\"text\":\"" + text + "\"}";
    }

    private static String outcomeJson(String pool, double score, double cost) {
        return "{\"queryId\":\"any\",\"pool\":\""
                + pool
                + "\",\"model\":\"m\",\"score\":"
                + score
                + ",\"cost\":"
                + cost
                + "}";
    }

    private HttpRequest.Builder request(String path, @Nullable String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<String> post(String path, @Nullable String token, String body)
            throws IOException, InterruptedException {
        return http.send(
                request(path, token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Writes a well-formed query to {@code router.queries}, for the embed worker. */
    public void query(String id, String pool, String text, long ts)
            throws InterruptedException, ExecutionException {
        write(Topics.QUERIES, id, queryBytes(id, pool, text, ts));
    }

    /** Writes an outcome to {@code router.outcomes}, keyed by its query id. */
    public void outcome(String id, String pool, String model, double score, double cost, long ts)
            throws InterruptedException, ExecutionException {
        write(Topics.OUTCOMES, id, outcomeBytes(id, pool, model, score, cost, ts));
    }

    private void write(String topic, String key, byte @Nullable [] value)
            throws InterruptedException, ExecutionException {
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

    private byte[] embedded(String id, String pool, float[] vector, long ts) {
        Query q =
                Query.newBuilder()
                        .setId(id)
                        .setPool(pool)
                        .setText("a prompt nobody may read")
                        .setTs(Instant.ofEpochMilli(ts))
                        .build();
        return embedded.encode(
                EmbeddedQuery.newBuilder()
                        .setQuery(q)
                        .setVector(Float32Vectors.toBytes(vector))
                        .setDimension(vector.length)
                        .setEmbedder(embedder)
                        .build());
    }

    private byte[] outcomeBytes(
            String id, String pool, String model, double score, double cost, long ts) {
        return outcomes.encode(
                Outcome.newBuilder()
                        .setQueryId(id)
                        .setPool(pool)
                        .setModel(model)
                        .setScore(score)
                        .setCost(cost)
                        .setTs(Instant.ofEpochMilli(ts))
                        .build());
    }

    private static float[] unit(int dimension) {
        float[] v = new float[dimension];
        v[0] = 1;
        return v;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package dev.pointsman.streams.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.NeighbourRef;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.streams.AppCounters;
import dev.pointsman.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API and dashboard: {@code POST /v1/route}, {@code POST /v1/outcomes}, {@code GET
 * /v1/metrics?pool=}, {@code GET /v1/pools}, {@code GET /metrics} (Prometheus), {@code GET
 * /healthz} and {@code GET /} (the dashboard). Invalid requests get a 4xx with {@code {"error":
 * reason}}. When tokens are configured, every {@code /v1} call needs {@code Authorization: Bearer
 * <token>} and a token only reaches its own pool.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1 << 20;
    private static final long MAX_TIMEOUT_MS = 60_000;

    private final ApiSettings settings;
    private final Producer<String, byte[]> producer;
    private final RecordCodec<Query> queryCodec;
    private final RecordCodec<Outcome> outcomeCodec;
    private final DecisionWaiter decisions;
    private final MetricsView metrics;
    private final AppCounters counters;
    private final Supplier<String> state;
    private final HttpServer server;

    /**
     * @param state the Streams state name; {@code /healthz} is healthy when RUNNING or REBALANCING
     */
    public ApiServer(
            ApiSettings settings,
            Producer<String, byte[]> producer,
            RecordCodec<Query> queryCodec,
            RecordCodec<Outcome> outcomeCodec,
            DecisionWaiter decisions,
            MetricsView metrics,
            AppCounters counters,
            Supplier<String> state)
            throws IOException {
        this.settings = settings;
        this.producer = producer;
        this.queryCodec = queryCodec;
        this.outcomeCodec = outcomeCodec;
        this.decisions = decisions;
        this.metrics = metrics;
        this.counters = counters;
        this.state = state;
        server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
        server.setExecutor(Executors.newFixedThreadPool(16, daemon()));
        server.createContext("/v1/route", ex -> handle(ex, "POST", this::route));
        server.createContext("/v1/outcomes", ex -> handle(ex, "POST", this::outcomes));
        server.createContext("/v1/metrics", ex -> handle(ex, "GET", this::poolMetrics));
        server.createContext("/v1/pools", ex -> handle(ex, "GET", this::pools));
        server.createContext("/metrics", ex -> handle(ex, "GET", this::prometheus));
        server.createContext("/healthz", ex -> handle(ex, "GET", this::health));
        server.createContext("/", ex -> handle(ex, "GET", this::dashboard));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** A response: status, content type and body. */
    record Response(int status, String contentType, byte[] body) {
        static Response json(int status, JsonNode node) {
            try {
                return new Response(status, "application/json", JSON.writeValueAsBytes(node));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        static Response error(int status, String reason) {
            return json(status, JSON.createObjectNode().put("error", reason));
        }
    }

    /** A request the caller got wrong: answered with its status and reason. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        BadRequest(int status, String reason) {
            super(reason);
            this.status = status;
        }
    }

    @FunctionalInterface
    interface Handler {
        Response handle(HttpExchange exchange) throws BadRequest, IOException;
    }

    private void handle(HttpExchange exchange, String method, Handler handler) throws IOException {
        Response response;
        try {
            if (!exchange.getRequestMethod().equals(method)) {
                response =
                        Response.error(
                                405,
                                "use " + method + " for " + exchange.getRequestURI().getPath());
            } else {
                response = handler.handle(exchange);
            }
        } catch (BadRequest e) {
            response = Response.error(e.status, e.getMessage());
        } catch (MetricsView.Unavailable e) {
            response = Response.error(503, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("request {} failed", exchange.getRequestURI(), e);
            response = Response.error(500, "internal error: " + e);
        }
        counters.increment("http_requests_total{status=\"" + response.status() + "\"}");
        exchange.getResponseHeaders().add("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.status(), response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body());
        }
    }

    private Response route(HttpExchange exchange) throws BadRequest, IOException {
        JsonNode body = body(exchange);
        String pool = requiredText(body, "pool");
        authorize(exchange, pool);
        String text = requiredText(body, "text");
        String id = body.hasNonNull("id") ? requiredText(body, "id") : UUID.randomUUID().toString();
        if (id.length() > 256) {
            throw new BadRequest(400, "'id' is longer than 256 characters");
        }
        Double lambda = optionalNumber(body, "lambda", 0, Double.MAX_VALUE);
        Double budget = optionalNumber(body, "budget", 0, Double.MAX_VALUE);
        Map<String, String> attributes = new HashMap<>();
        if (body.hasNonNull("attributes")) {
            if (!body.get("attributes").isObject()) {
                throw new BadRequest(400, "'attributes' must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = body.get("attributes").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new BadRequest(400, "attribute '" + e.getKey() + "' must be a string");
                }
                attributes.put(e.getKey(), e.getValue().asText());
            }
        }
        long timeoutMs = settings.routeTimeout().toMillis();
        String param = queryParam(exchange, "timeoutMs");
        if (param != null) {
            try {
                timeoutMs = Long.parseLong(param);
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "timeoutMs must be an integer, got '" + param + "'");
            }
            if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
                throw new BadRequest(400, "timeoutMs must be in [1, " + MAX_TIMEOUT_MS + "]");
            }
        }
        Query query =
                Query.newBuilder()
                        .setId(id)
                        .setPool(pool)
                        .setText(text)
                        .setLambda(lambda)
                        .setBudget(budget)
                        .setTs(Instant.now())
                        .setAttributes(attributes)
                        .build();
        CompletableFuture<RoutingDecision> decision = decisions.expect(id);
        try {
            producer.send(new ProducerRecord<>(Topics.QUERIES, id, queryCodec.encode(query)))
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            RoutingDecision d = decision.get(timeoutMs, TimeUnit.MILLISECONDS);
            counters.increment("route_decided_total");
            return Response.json(200, decisionJson(d));
        } catch (TimeoutException e) {
            counters.increment("route_timeouts_total");
            ObjectNode error =
                    JSON.createObjectNode()
                            .put(
                                    "error",
                                    "no decision for query " + id + " within " + timeoutMs + " ms")
                            .put("queryId", id);
            return Response.json(504, error);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.error(503, "interrupted while waiting for the decision");
        } catch (ExecutionException e) {
            return Response.error(503, "could not write the query: " + e.getCause());
        } finally {
            decisions.forget(id);
        }
    }

    private Response outcomes(HttpExchange exchange) throws BadRequest, IOException {
        JsonNode body = body(exchange);
        List<JsonNode> items = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(items::add);
        } else {
            items.add(body);
        }
        if (items.isEmpty()) {
            throw new BadRequest(400, "no outcomes in the request");
        }
        List<Outcome> accepted = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            try {
                if (!item.isObject()) {
                    throw new BadRequest(400, "an outcome must be a JSON object");
                }
                String pool = requiredText(item, "pool");
                authorize(exchange, pool);
                Long latency =
                        item.hasNonNull("latencyMs")
                                ? (long) requiredNumber(item, "latencyMs", 0, Long.MAX_VALUE)
                                : null;
                Instant ts =
                        item.hasNonNull("ts")
                                ? Instant.ofEpochMilli(
                                        (long) requiredNumber(item, "ts", 0, Long.MAX_VALUE))
                                : Instant.now();
                accepted.add(
                        Outcome.newBuilder()
                                .setQueryId(requiredText(item, "queryId"))
                                .setPool(pool)
                                .setModel(requiredText(item, "model"))
                                .setScore(requiredNumber(item, "score", 0, 1))
                                .setCost(requiredNumber(item, "cost", 0, Double.MAX_VALUE))
                                .setLatencyMs(latency)
                                .setTs(ts)
                                .build());
            } catch (BadRequest e) {
                String where = body.isArray() ? "outcome " + i + ": " : "";
                throw new BadRequest(e.status, where + e.getMessage());
            }
        }
        try {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (Outcome o : accepted) {
                sent.add(
                        producer.send(
                                new ProducerRecord<>(
                                        Topics.OUTCOMES, o.getQueryId(), outcomeCodec.encode(o))));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(settings.routeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.error(503, "interrupted while writing outcomes");
        } catch (ExecutionException | TimeoutException e) {
            return Response.error(503, "could not write the outcomes: " + e);
        }
        counters.increment("outcomes_accepted_total");
        return Response.json(202, JSON.createObjectNode().put("accepted", accepted.size()));
    }

    private Response poolMetrics(HttpExchange exchange) throws BadRequest {
        String pool = queryParam(exchange, "pool");
        if (pool == null || pool.isBlank()) {
            throw new BadRequest(400, "the 'pool' query parameter is required");
        }
        authorize(exchange, pool);
        ObjectNode out = JSON.createObjectNode().put("pool", pool);
        ArrayNode windows = out.putArray("windows");
        for (WindowMetrics w : metrics.windows(pool)) {
            windows.add(metricsJson(w));
        }
        ArrayNode alerts = out.putArray("alerts");
        for (Alert a : metrics.alerts(pool)) {
            alerts.add(
                    JSON.createObjectNode()
                            .put("kind", a.getKind())
                            .put("value", a.getValue())
                            .put("threshold", a.getThreshold())
                            .put("windowStart", a.getWindowStart().toEpochMilli())
                            .put("windowEnd", a.getWindowEnd().toEpochMilli()));
        }
        return Response.json(200, out);
    }

    private Response pools(HttpExchange exchange) throws BadRequest {
        Set<String> visible = new TreeSet<>(metrics.pools());
        if (!settings.tokens().isEmpty()) {
            String token = bearer(exchange);
            visible.removeIf(pool -> !token.equals(settings.tokens().get(pool)));
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode pools = out.putArray("pools");
        visible.forEach(pools::add);
        return Response.json(200, out);
    }

    private Response prometheus(HttpExchange exchange) {
        StringBuilder out = new StringBuilder();
        counters.snapshot()
                .forEach(
                        (name, value) ->
                                out.append("pointsman_streams_")
                                        .append(name)
                                        .append(' ')
                                        .append(value)
                                        .append('\n'));
        out.append("pointsman_streams_route_waiting ").append(decisions.waiting()).append('\n');
        Set<String> pools;
        try {
            pools = metrics.pools();
        } catch (MetricsView.Unavailable e) {
            pools = Set.of(); // counters still help while the stores warm up
        }
        for (String pool : pools) {
            List<WindowMetrics> windows = metrics.windows(pool);
            Map<String, WindowMetrics> latest = new HashMap<>();
            for (WindowMetrics w : windows) {
                latest.put(w.getRouter(), w);
            }
            for (WindowMetrics w : latest.values()) {
                String labels = "{pool=\"" + pool + "\",router=\"" + w.getRouter() + "\"}";
                gauge(out, "window_queries", labels, (double) w.getN());
                gauge(out, "window_auc", labels, w.getAuc());
                gauge(out, "window_oracle_auc", labels, w.getOracleAuc());
                gauge(out, "window_global_trend_auc", labels, w.getGlobalTrendAuc());
                gauge(out, "window_mean_cost", labels, w.getMeanCost());
                gauge(out, "window_ood_share", labels, w.getOodShare());
                gauge(out, "window_drift_psi", labels, w.getDrift());
            }
        }
        return new Response(
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void gauge(StringBuilder out, String name, String labels, @Nullable Double v) {
        if (v != null && Double.isFinite(v)) {
            out.append("pointsman_streams_")
                    .append(name)
                    .append(labels)
                    .append(' ')
                    .append(v)
                    .append('\n');
        }
    }

    private Response health(HttpExchange exchange) {
        String s = state.get();
        boolean ok = s.equals("RUNNING") || s.equals("REBALANCING");
        return Response.json(ok ? 200 : 503, JSON.createObjectNode().put("state", s));
    }

    private Response dashboard(HttpExchange exchange) throws BadRequest, IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            throw new BadRequest(404, "no such page: " + path);
        }
        try (InputStream in = ApiServer.class.getResourceAsStream("/dashboard/index.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard/index.html is missing from the jar");
            }
            return new Response(200, "text/html; charset=utf-8", in.readAllBytes());
        }
    }

    private void authorize(HttpExchange exchange, String pool) throws BadRequest {
        if (settings.tokens().isEmpty()) {
            return;
        }
        String token = bearer(exchange);
        if (!token.equals(settings.tokens().get(pool))) {
            throw new BadRequest(403, "this token is not valid for pool '" + pool + "'");
        }
    }

    private static String bearer(HttpExchange exchange) throws BadRequest {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ") || header.length() <= 7) {
            throw new BadRequest(401, "missing 'Authorization: Bearer <token>' header");
        }
        return header.substring(7).trim();
    }

    private static JsonNode body(HttpExchange exchange) throws BadRequest, IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new BadRequest(413, "the request body is larger than " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            throw new BadRequest(400, "the request body is empty; send JSON");
        }
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new BadRequest(
                    400, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String requiredText(JsonNode node, String field) throws BadRequest {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new BadRequest(400, "'" + field + "' is required");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new BadRequest(400, "'" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    private static double requiredNumber(JsonNode node, String field, double min, double max)
            throws BadRequest {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new BadRequest(400, "'" + field + "' is required");
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new BadRequest(400, "'" + field + "' must be a number");
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            throw new BadRequest(
                    400,
                    "'"
                            + field
                            + "' is "
                            + d
                            + ", outside ["
                            + min
                            + ", "
                            + (max == Double.MAX_VALUE || max == Long.MAX_VALUE ? "∞" : max)
                            + "]");
        }
        return d;
    }

    private static @Nullable Double optionalNumber(
            JsonNode node, String field, double min, double max) throws BadRequest {
        return node.hasNonNull(field) ? requiredNumber(node, field, min, max) : null;
    }

    private static @Nullable String queryParam(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key =
                    URLDecoder.decode(
                            eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0
                        ? ""
                        : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static ObjectNode decisionJson(RoutingDecision d) {
        ObjectNode out =
                JSON.createObjectNode()
                        .put("queryId", d.getQueryId())
                        .put("pool", d.getPool())
                        .put("model", d.getModel())
                        .put("lambda", d.getLambda())
                        .put("router", d.getRouter())
                        .put("routerVersion", d.getRouterVersion());
        ArrayNode predictions = out.putArray("predictions");
        for (ModelPrediction p : d.getPredictions()) {
            predictions.add(
                    JSON.createObjectNode()
                            .put("model", p.getModel())
                            .put("score", p.getScore())
                            .put("cost", p.getCost()));
        }
        ArrayNode neighbours = out.putArray("neighbours");
        for (NeighbourRef n : d.getNeighbours()) {
            neighbours.add(
                    JSON.createObjectNode()
                            .put("id", n.getId())
                            .put("similarity", n.getSimilarity()));
        }
        if (d.getOodScore() != null) {
            out.put("oodScore", d.getOodScore());
        }
        out.put("supportSize", d.getSupportSize());
        out.put("shardsMissing", d.getShardsMissing());
        return out;
    }

    static ObjectNode metricsJson(WindowMetrics w) {
        ObjectNode out =
                JSON.createObjectNode()
                        .put("router", w.getRouter())
                        .put("windowStart", w.getWindowStart().toEpochMilli())
                        .put("windowEnd", w.getWindowEnd().toEpochMilli())
                        .put("n", w.getN())
                        .put("outcomes", w.getOutcomes())
                        .put("shadowQueries", w.getShadowQueries())
                        .put("meanScore", w.getMeanScore())
                        .put("meanCost", w.getMeanCost())
                        .put("oodShare", w.getOodShare());
        putNullable(out, "auc", w.getAuc());
        putNullable(out, "oracleAuc", w.getOracleAuc());
        putNullable(out, "randomAuc", w.getRandomAuc());
        putNullable(out, "globalTrendAuc", w.getGlobalTrendAuc());
        putNullable(out, "mae", w.getMae());
        putNullable(out, "maeCost", w.getMaeCost());
        putNullable(out, "drift", w.getDrift());
        putNullable(out, "embeddingShift", w.getEmbeddingShift());
        return out;
    }

    private static void putNullable(ObjectNode out, String field, @Nullable Double v) {
        if (v == null || !Double.isFinite(v)) {
            out.putNull(field);
        } else {
            out.put(field, v);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "http-api");
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        server.stop(1);
    }
}

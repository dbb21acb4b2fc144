package dev.pointsman.streams.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.streams.AppMetrics;
import dev.pointsman.streams.api.Auth;
import dev.pointsman.streams.api.BadRequest;
import dev.pointsman.streams.api.DecisionWaiter;
import dev.pointsman.streams.api.Fields;
import dev.pointsman.streams.api.Request;
import dev.pointsman.streams.api.Response;
import dev.pointsman.topics.Topics;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible gateway: {@code POST /v1/chat/completions} and {@code /v1/completions} with
 * {@code model: "pointsman/<pool>"} route the request like every query (through {@code
 * router.queries}, the embed worker and the routing job), send it to the chosen model's upstream,
 * and stream the answer back unchanged with the decision in {@code x-pointsman-*} headers. A model
 * that fails or is too slow to start answering is recorded as a failed outcome and the next model
 * of the decision's ranking answers instead. {@code POST /v1/feedback} turns a score or a thumb for
 * an answer into its outcome on {@code router.outcomes}; {@code GET /v1/models} lists the pools.
 */
public final class Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /** Names a pool in a request's {@code model}: {@code pointsman/<pool>} (or the bare pool). */
    public static final String MODEL_PREFIX = "pointsman/";

    /** Keeps a conversation on the model that answered its first request. */
    public static final String SESSION_HEADER = "x-pointsman-session";

    private static final int MAX_ANSWER_BYTES = 64 << 20;
    private static final int MAX_SESSION_CHARS = 256;

    /**
     * The largest completion request: long conversations and inline images outgrow the API's 1 MiB.
     * Only the routing text goes to Kafka, and it is cut to {@link RoutingText#MAX_CHARS}.
     */
    static final int MAX_REQUEST_BYTES = 32 << 20;

    /** The two completion endpoints: the upstream path and where the routing text is. */
    public enum Kind {
        CHAT("/chat/completions"),
        COMPLETIONS("/completions");

        final String path;

        Kind(String path) {
            this.path = path;
        }
    }

    /** What the gateway remembers of an answer until its feedback. */
    record Answer(String pool, String model, double cost, long latencyMs, boolean rated) {}

    private final Auth auth;
    private final Producer<String, byte[]> producer;
    private final RecordCodec<Query> queries;
    private final RecordCodec<Outcome> outcomes;
    private final DecisionWaiter decisions;
    private final CatalogView catalogs;
    private final Upstreams upstreams;
    private final Duration decisionTimeout;
    private final AppMetrics metrics;
    private final Memory<Answer> answers;
    private final Memory<String> sessions;
    private final Judge judge;

    /** Judging and explored answers, off the request threads; a full queue drops the work. */
    private final ExecutorService background;

    /** Background tasks that may wait at once before more are dropped. */
    static final int BACKGROUND_QUEUE = 1024;

    /** The catalog whose judge settings were last found unusable, per pool (warned once). */
    private final Map<String, PoolCatalog> badJudge = new ConcurrentHashMap<>();

    /**
     * @param env reads the environment variables that hold the upstreams' keys
     */
    public Gateway(
            GatewaySettings settings,
            Auth auth,
            Producer<String, byte[]> producer,
            RecordCodec<Query> queries,
            RecordCodec<Outcome> outcomes,
            DecisionWaiter decisions,
            CatalogView catalogs,
            Duration decisionTimeout,
            AppMetrics metrics,
            Function<String, @Nullable String> env) {
        this.auth = auth;
        this.producer = producer;
        this.queries = queries;
        this.outcomes = outcomes;
        this.decisions = decisions;
        this.catalogs = catalogs;
        this.upstreams = new Upstreams(settings, env);
        this.decisionTimeout = decisionTimeout;
        this.metrics = metrics;
        this.answers =
                new Memory<>(
                        settings.answerMemory(), settings.maxAnswers(), System::currentTimeMillis);
        this.sessions =
                new Memory<>(
                        settings.answerMemory(), settings.maxAnswers(), System::currentTimeMillis);
        this.judge = new Judge(upstreams);
        this.background =
                new ThreadPoolExecutor(
                        BACKGROUND_THREADS,
                        BACKGROUND_THREADS,
                        0,
                        TimeUnit.SECONDS,
                        new ArrayBlockingQueue<>(BACKGROUND_QUEUE),
                        r -> {
                            Thread t = new Thread(r, "gateway-background");
                            t.setDaemon(true);
                            return t;
                        },
                        (r, pool) -> metrics.explored("dropped"));
    }

    /** Threads that judge and ask explored models; their calls also wait on the upstreams. */
    static final int BACKGROUND_THREADS = 4;

    /** {@code POST /v1/chat/completions} or {@code /v1/completions}. */
    public Response complete(Request request, Kind kind) throws IOException {
        try {
            return route(request, kind);
        } catch (BadRequest e) {
            metrics.gatewayRequest("rejected");
            if (e.status == 429) {
                return error(429, e.getMessage(), "rate_limit_exceeded")
                        .withHeaders(Map.of("retry-after", "1"));
            }
            return error(e.status, e.getMessage(), e.status == 404 ? "model_not_found" : null);
        }
    }

    private Response route(Request request, Kind kind) throws BadRequest, IOException {
        JsonNode body = request.json(MAX_REQUEST_BYTES);
        if (!body.isObject()) {
            throw new BadRequest(400, "the request body must be a JSON object");
        }
        String model = Fields.requiredText(body, "model");
        String pool =
                model.startsWith(MODEL_PREFIX) ? model.substring(MODEL_PREFIX.length()) : model;
        // Before the lookup, so that with tokens a caller learns nothing of other pools' names.
        auth.admit(request, pool);
        PoolCatalog catalog = catalogs.get(pool);
        if (catalog == null) {
            throw new BadRequest(
                    404,
                    "model '"
                            + model
                            + "' names no Pointsman pool; use \""
                            + MODEL_PREFIX
                            + "<pool>\" with a pool declared in the catalog");
        }
        if (catalog.getModels().stream().noneMatch(m -> m.getUpstream() != null)) {
            throw new BadRequest(
                    400, "pool '" + pool + "' has no model with an upstream in its catalog");
        }
        String text = RoutingText.of(body, kind);
        String session = session(request);
        Query query =
                Query.newBuilder()
                        .setId(UUID.randomUUID().toString())
                        .setPool(pool)
                        .setText(text)
                        .setLambda(headerNumber(request, "x-pointsman-lambda"))
                        .setBudget(headerNumber(request, "x-pointsman-budget"))
                        .setTs(Instant.now())
                        .setAttributes(Map.of("source", "gateway"))
                        .build();
        long routeStart = System.nanoTime();
        RoutingDecision decision = decide(query);
        double routeMs = (System.nanoTime() - routeStart) / 1e6;
        if (decision == null) {
            metrics.gatewayRequest("failed");
            return error(
                    504,
                    "no routing decision for request "
                            + query.getId()
                            + " within "
                            + decisionTimeout.toMillis()
                            + " ms",
                    "timeout");
        }
        String sessionModel = session == null ? null : sessions.get(pool + "\u0000" + session);
        return answer(
                body,
                kind,
                catalog,
                decision,
                ranking(catalog, decision, sessionModel),
                session,
                routeMs,
                text);
    }

    private @Nullable RoutingDecision decide(Query query) throws IOException {
        try {
            return decisions.route(
                    producer,
                    query.getPool(),
                    query.getId(),
                    queries.encode(query),
                    decisionTimeout);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the decision", e);
        } catch (ExecutionException e) {
            throw new IOException("could not write the query: " + e.getCause(), e);
        }
    }

    /**
     * The models to try in order: the session's model if it has one, then the decision's choice,
     * then the others by the decision's utility ŝ − λ·ĉ; only models with an upstream.
     */
    static List<CatalogModel> ranking(
            PoolCatalog catalog, RoutingDecision decision, @Nullable String sessionModel) {
        Map<String, CatalogModel> byName = new LinkedHashMap<>();
        catalog.getModels().forEach(m -> byName.put(m.getName(), m));
        List<String> order = new ArrayList<>();
        if (sessionModel != null) {
            order.add(sessionModel);
        }
        order.add(decision.getModel());
        decision.getPredictions().stream()
                .sorted(
                        Comparator.comparingDouble(
                                (ModelPrediction p) ->
                                        -(p.getScore() - decision.getLambda() * p.getCost())))
                .forEach(p -> order.add(p.getModel()));
        List<CatalogModel> out = new ArrayList<>();
        for (String name : order) {
            CatalogModel m = byName.remove(name);
            if (m != null && m.getUpstream() != null) {
                out.add(m);
            }
        }
        return out;
    }

    private Response answer(
            JsonNode body,
            Kind kind,
            PoolCatalog catalog,
            RoutingDecision decision,
            List<CatalogModel> ranking,
            @Nullable String session,
            double routeMs,
            String question)
            throws IOException {
        boolean stream = body.path("stream").asBoolean(false);
        // A stream says its usage only when asked; the gateway asks, and hides the answer to a
        // question the client did not ask.
        boolean injectUsage =
                stream && !body.path("stream_options").path("include_usage").asBoolean();
        List<String> failed = new ArrayList<>();
        // Read once per request: the answer's grading and the explored answers both use it.
        Judge.Settings judged = judgeOf(catalog);
        for (CatalogModel m : ranking) {
            long start = System.nanoTime();
            Upstreams.Call call;
            try {
                call =
                        upstreams.send(
                                catalog.getPool(),
                                m,
                                kind.path,
                                upstreamBody(body, m, injectUsage));
            } catch (Upstreams.Unavailable e) {
                failed.add(m.getName() + " (" + e.getMessage() + ")");
                if (e.failed) {
                    fail(decision, m.getName(), start);
                }
                LOG.info(
                        "gateway: {} of pool {} {}",
                        m.getName(),
                        catalog.getPool(),
                        e.getMessage());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for an upstream", e);
            }
            double firstByteMs = (System.nanoTime() - start) / 1e6;
            Map<String, String> headers = headers(decision, m.getName(), failed);
            int status = call.response.statusCode();
            String type =
                    call.response.headers().firstValue("content-type").orElse("application/json");
            if (status >= 400) {
                // The request's own fault (4xx): no other model would take it either.
                try (call) {
                    metrics.gatewayRequest("rejected");
                    return new Response(status, type, call.response.body().readAllBytes())
                            .withHeaders(headers);
                }
            }
            String result = failed.isEmpty() ? "answered" : "fallback";
            if (!stream) {
                byte[] bytes;
                try (call) {
                    bytes = call.response.body().readNBytes(MAX_ANSWER_BYTES);
                } catch (IOException e) {
                    failed.add(m.getName() + " (its answer broke off: " + e + ")");
                    fail(decision, m.getName(), start);
                    continue;
                }
                metrics.gatewayRequest(result);
                answered(
                        judged,
                        decision,
                        m,
                        Relay.ofJson(bytes),
                        start,
                        session,
                        question,
                        Relay.textOfJson(bytes));
                explore(body, kind, catalog, judged, decision, m, question);
                return new Response(status, type, bytes)
                        .withHeaders(headers)
                        .withHeaders(timing(routeMs, (System.nanoTime() - start) / 1e6, ""));
            }
            metrics.gatewayRequest(result);
            return Response.streamed(
                            status,
                            type,
                            out -> {
                                try (call;
                                        InputStream in =
                                                new BufferedInputStream(call.response.body())) {
                                    StringBuilder said = new StringBuilder();
                                    Relay.Usage usage =
                                            Relay.copyEvents(in, out, injectUsage, said);
                                    answered(
                                            judged,
                                            decision,
                                            m,
                                            usage,
                                            start,
                                            session,
                                            question,
                                            said.toString());
                                    explore(body, kind, catalog, judged, decision, m, question);
                                } catch (Relay.ClientGone e) {
                                    // The client left; the model did nothing wrong.
                                    LOG.info(
                                            "gateway: the client of decision {} left mid-answer",
                                            decision.getQueryId());
                                    throw e;
                                } catch (IOException e) {
                                    fail(decision, m.getName(), start);
                                    throw e;
                                }
                            })
                    .withHeaders(headers)
                    .withHeaders(timing(routeMs, firstByteMs, ";desc=\"first byte\""));
        }
        metrics.gatewayRequest("failed");
        return error(
                        502,
                        "no model of pool '"
                                + catalog.getPool()
                                + "' could answer: "
                                + String.join("; ", failed),
                        "upstream_error")
                .withHeaders(Map.of("x-pointsman-decision-id", decision.getQueryId()));
    }

    /** The client's request for one upstream: its model id, and usage asked for in a stream. */
    private static byte[] upstreamBody(JsonNode body, CatalogModel m, boolean injectUsage)
            throws IOException {
        ObjectNode copy = ((ObjectNode) body).deepCopy();
        String id = m.getUpstream().getModel();
        copy.put("model", id == null ? m.getName() : id);
        if (injectUsage) {
            JsonNode options = copy.get("stream_options");
            ObjectNode o = options instanceof ObjectNode on ? on : copy.putObject("stream_options");
            o.put("include_usage", true);
        }
        return Response.JSON.writeValueAsBytes(copy);
    }

    private static Map<String, String> headers(
            RoutingDecision d, String model, List<String> failed) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-pointsman-decision-id", d.getQueryId());
        h.put("x-pointsman-pool", d.getPool());
        h.put("x-pointsman-model", model);
        h.put("x-pointsman-router", d.getRouter());
        h.put("x-pointsman-lambda", number(d.getLambda()));
        for (ModelPrediction p : d.getPredictions()) {
            if (p.getModel().equals(model)) {
                h.put("x-pointsman-predicted-score", number(p.getScore()));
                h.put("x-pointsman-predicted-cost", number(p.getCost()));
            }
        }
        if (!model.equals(d.getModel())) {
            h.put("x-pointsman-routed-model", d.getModel());
        }
        if (!failed.isEmpty()) {
            // Header values are printable ASCII: an upstream's error text may hold anything.
            h.put(
                    "x-pointsman-fallback",
                    String.join(", ", failed).replaceAll("[^\\x20-\\x7e]", "?"));
        }
        return h;
    }

    /**
     * {@code Server-Timing}: how long the routing took (embedding and the decision, until the
     * gateway saw it) and the upstream (its whole answer, or until its first byte in a stream).
     */
    private static Map<String, String> timing(double routeMs, double upstreamMs, String desc) {
        return Map.of(
                "Server-Timing",
                String.format(
                        Locale.ROOT,
                        "route;dur=%.1f, upstream;dur=%.1f%s",
                        routeMs,
                        upstreamMs,
                        desc));
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /**
     * Writes what an answer cost at once (its usage at the catalog's prices; score null, since its
     * quality is not known yet) and remembers it for its feedback, which completes that outcome
     * with a score, and the session's model.
     */
    private void answered(
            Judge.@Nullable Settings j,
            RoutingDecision decision,
            CatalogModel m,
            Relay.@Nullable Usage usage,
            long start,
            @Nullable String session,
            String question,
            String text) {
        double cost = priced(usage, m, predictedCost(decision, m.getName()));
        if (usage == null) {
            LOG.warn(
                    "gateway: {} answered decision {} without usage; its cost is the predicted {}",
                    m.getName(),
                    decision.getQueryId(),
                    cost);
        }
        long latencyMs = elapsedMs(start);
        write(
                outcome(
                        decision.getQueryId(),
                        decision.getPool(),
                        m.getName(),
                        null,
                        cost,
                        latencyMs));
        answers.put(
                decision.getQueryId(),
                new Answer(decision.getPool(), m.getName(), cost, latencyMs, false));
        if (session != null) {
            sessions.put(decision.getPool() + "\u0000" + session, m.getName());
        }
        if (j != null && j.grades(decision.getQueryId())) {
            background(
                    () -> {
                        Judge.Grade g = grade(decision.getPool(), j, question, text);
                        if (g != null) {
                            rate(decision.getQueryId(), g.score());
                        }
                    });
        }
    }

    /** The pool's judge, or null for none or one its catalog sets wrong (logged once). */
    private Judge.@Nullable Settings judgeOf(PoolCatalog catalog) {
        try {
            return Judge.Settings.of(catalog);
        } catch (IllegalArgumentException e) {
            if (badJudge.put(catalog.getPool(), catalog) != catalog) {
                LOG.warn("gateway: no judge for pool {}: {}", catalog.getPool(), e.getMessage());
            }
            return null;
        }
    }

    private void background(Runnable task) {
        background.execute(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.warn("gateway: background work failed", e);
                    }
                });
    }

    /** The judge's grade of {@code text}, or null when it gave none (counted and logged). */
    private Judge.@Nullable Grade grade(
            String pool, Judge.Settings j, String question, String text) {
        try {
            Judge.Grade g = judge.grade(pool, j.model(), question, text);
            metrics.judged(g == null ? "no-grade" : "graded", g == null ? 0 : g.cost());
            return g;
        } catch (Upstreams.Unavailable | IOException e) {
            metrics.judged("failed", 0);
            LOG.info("gateway: the judge of pool {} did not grade: {}", pool, e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Writes {@code score} for the remembered answer of {@code id}, unless it is rated already (by
     * the application or the judge: the first rating wins). Returns the answer rated, or null.
     */
    private @Nullable Answer rate(String id, double score) {
        Answer a = answers.get(id);
        // Check and mark in one step: of two concurrent ratings of one answer, one wins.
        if (a == null
                || a.rated()
                || !answers.replace(
                        id, a, new Answer(a.pool(), a.model(), a.cost(), a.latencyMs(), true))) {
            return null;
        }
        write(outcome(id, a.pool(), a.model(), score, a.cost(), a.latencyMs()));
        return a;
    }

    /**
     * Asks, in the background, the models the decision explored (all but the one that answered) the
     * same request, when the pool has a judge to grade their answers: each one's outcome is its
     * measured cost and the judge's score (the cost alone if the judge gives none), which the
     * ledger weighs by the decision's exploration probability. Without a judge an explored answer
     * would teach only its cost, so none is asked.
     */
    private void explore(
            JsonNode body,
            Kind kind,
            PoolCatalog catalog,
            Judge.@Nullable Settings j,
            RoutingDecision decision,
            CatalogModel answered,
            String question) {
        if (j == null || !decision.getExplore() || decision.getExploreModels().isEmpty()) {
            return;
        }
        for (String name : decision.getExploreModels()) {
            CatalogModel m =
                    catalog.getModels().stream()
                            .filter(c -> c.getName().equals(name))
                            .findFirst()
                            .orElse(null);
            if (m == null || m.getUpstream() == null || m.getName().equals(answered.getName())) {
                continue;
            }
            background(() -> exploreOne(body, kind, catalog, decision, m, j, question));
        }
    }

    private void exploreOne(
            JsonNode body,
            Kind kind,
            PoolCatalog catalog,
            RoutingDecision decision,
            CatalogModel m,
            Judge.Settings j,
            String question) {
        long start = System.nanoTime();
        byte[] bytes;
        try {
            ObjectNode quiet = (ObjectNode) body.deepCopy();
            quiet.remove("stream");
            quiet.remove("stream_options");
            try (Upstreams.Call call =
                    upstreams.send(
                            catalog.getPool(), m, kind.path, upstreamBody(quiet, m, false))) {
                int status = call.response.statusCode();
                bytes = call.response.body().readNBytes(MAX_ANSWER_BYTES);
                if (status >= 400) {
                    throw new IOException("answered HTTP " + status);
                }
            }
        } catch (Upstreams.Unavailable e) {
            metrics.explored("failed");
            if (e.failed) {
                fail(decision, m.getName(), start);
            }
            return;
        } catch (IOException e) {
            metrics.explored("failed");
            fail(decision, m.getName(), start);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long latencyMs = elapsedMs(start);
        double cost = priced(Relay.ofJson(bytes), m, predictedCost(decision, m.getName()));
        Judge.Grade g = grade(catalog.getPool(), j, question, Relay.textOfJson(bytes));
        metrics.explored("answered");
        write(
                outcome(
                        decision.getQueryId(),
                        decision.getPool(),
                        m.getName(),
                        g == null ? null : g.score(),
                        cost,
                        latencyMs));
    }

    /**
     * Records a model's failure as its outcome: score 0, and the decision's predicted cost, since a
     * failure says nothing about what the model costs (0 would teach the router that it is free).
     */
    private void fail(RoutingDecision decision, String model, long start) {
        metrics.upstreamFailure(model);
        write(
                outcome(
                        decision.getQueryId(),
                        decision.getPool(),
                        model,
                        0.0,
                        predictedCost(decision, model),
                        elapsedMs(start)));
    }

    /** An outcome observed now; {@code score} null while the answer's quality is not known. */
    private static Outcome outcome(
            String queryId,
            String pool,
            String model,
            @Nullable Double score,
            double cost,
            long latencyMs) {
        return Outcome.newBuilder()
                .setQueryId(queryId)
                .setPool(pool)
                .setModel(model)
                .setScore(score)
                .setCost(cost)
                .setLatencyMs(latencyMs)
                .setTs(Instant.now())
                .build();
    }

    /** What an answer cost by its usage at the model's prices; {@code otherwise} without usage. */
    static double priced(Relay.@Nullable Usage usage, CatalogModel m, double otherwise) {
        return usage == null
                ? otherwise
                : usage.promptTokens() * m.getInputPrice()
                        + usage.completionTokens() * m.getOutputPrice();
    }

    private void write(Outcome o) {
        producer.send(
                new ProducerRecord<>(Topics.OUTCOMES, o.getQueryId(), outcomes.encode(o)),
                (meta, e) -> {
                    if (e != null) {
                        LOG.error("gateway: could not write the outcome of {}", o.getQueryId(), e);
                    }
                });
    }

    private static double predictedCost(RoutingDecision d, String model) {
        return d.getPredictions().stream()
                .filter(p -> p.getModel().equals(model))
                .mapToDouble(ModelPrediction::getCost)
                .findFirst()
                .orElse(0.0);
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private @Nullable String session(Request request) throws BadRequest {
        String s = request.header(SESSION_HEADER);
        if (s == null || s.isBlank()) {
            return null;
        }
        if (s.length() > MAX_SESSION_CHARS) {
            throw new BadRequest(
                    400, SESSION_HEADER + " is longer than " + MAX_SESSION_CHARS + " characters");
        }
        return s;
    }

    private static @Nullable Double headerNumber(Request request, String name) throws BadRequest {
        String v = request.header(name);
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new BadRequest(400, name + " must be a number >= 0, got '" + v + "'");
        }
    }

    /**
     * {@code POST /v1/feedback}: {@code {"decisionId": ..., "score": 0..1}} or {@code "thumbs":
     * "up"|"down"} (1 or 0) for an answer this gateway gave in the last {@code --answer-memory};
     * written to {@code router.outcomes} with the answer's model, cost and latency, where it
     * completes the cost-only outcome the answer wrote.
     */
    public Response feedback(Request request) throws BadRequest, IOException {
        JsonNode body = request.json();
        String id = Fields.requiredText(body, "decisionId");
        boolean hasScore = body.hasNonNull("score");
        boolean hasThumbs = body.hasNonNull("thumbs");
        if (hasScore == hasThumbs) {
            throw new BadRequest(
                    400,
                    "give either 'score' (a number in [0, 1]) or 'thumbs' (\"up\" or \"down\")");
        }
        double score;
        if (hasScore) {
            score = Fields.requiredNumber(body, "score", 0, 1);
        } else {
            String thumbs = Fields.requiredText(body, "thumbs").toLowerCase(Locale.ROOT);
            if (!thumbs.equals("up") && !thumbs.equals("down")) {
                throw new BadRequest(
                        400, "'thumbs' must be \"up\" or \"down\", got '" + thumbs + "'");
            }
            score = thumbs.equals("up") ? 1.0 : 0.0;
        }
        Answer a = answers.get(id);
        if (a == null) {
            throw new BadRequest(
                    404,
                    "this gateway has no answer for decision "
                            + id
                            + " (it remembers answers for --answer-memory; feedback goes to the"
                            + " instance that answered)");
        }
        auth.authorize(request, a.pool());
        if (rate(id, score) == null) {
            throw new BadRequest(409, "decision " + id + " has feedback already");
        }
        metrics.gatewayFeedback();
        ObjectNode out =
                Response.JSON
                        .createObjectNode()
                        .put("decisionId", id)
                        .put("pool", a.pool())
                        .put("model", a.model())
                        .put("score", score)
                        .put("cost", a.cost());
        return Response.json(202, out);
    }

    /**
     * {@code GET /v1/models}: the pools the caller may use through the gateway (those with a model
     * that has an upstream), as OpenAI model objects.
     */
    public Response models(Request request) throws BadRequest {
        ObjectNode out = Response.JSON.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (String pool : auth.visible(request, catalogs.pools())) {
            PoolCatalog c = catalogs.get(pool);
            if (c == null || c.getModels().stream().noneMatch(m -> m.getUpstream() != null)) {
                continue; // not a pool the gateway can answer for
            }
            data.addObject()
                    .put("id", MODEL_PREFIX + pool)
                    .put("object", "model")
                    .put("created", 0)
                    .put("owned_by", "pointsman");
        }
        return Response.json(200, out);
    }

    /** An error in OpenAI's shape, which its SDKs show: {@code {"error": {"message", "type"}}}. */
    static Response error(int status, String message, @Nullable String code) {
        ObjectNode out = Response.JSON.createObjectNode();
        ObjectNode e = out.putObject("error");
        e.put("message", message);
        e.put(
                "type",
                status == 429
                        ? "rate_limit_error"
                        : status < 500 ? "invalid_request_error" : "api_error");
        if (code != null) {
            e.put("code", code);
        } else {
            e.putNull("code");
        }
        return Response.json(status, out);
    }
}

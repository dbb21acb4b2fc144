package dev.pointsman.streams.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.NeighbourRef;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.streams.AppMetrics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Producer;

/**
 * {@code POST /v1/route}: writes the query to {@code router.queries} and answers with its decision
 * when the decision reader sees it (at most {@code ?timeoutMs=}, default the route timeout; 504
 * when none comes in time), holding no request thread meanwhile. An unknown pool and a text over
 * {@code maxTextChars} are answered at once (404, 413): nothing would decide them in time.
 */
record RouteHandler(
        Auth auth,
        Producer<String, byte[]> producer,
        RecordCodec<Query> codec,
        DecisionWaiter decisions,
        Duration timeout,
        int maxTextChars,
        AppMetrics metrics,
        Predicate<String> knownPool)
        implements AsyncHandler {
    private static final long MAX_TIMEOUT_MS = 60_000;

    @Override
    public CompletableFuture<Response> handle(Request request) throws BadRequest, IOException {
        JsonNode body = request.json();
        String pool = Fields.requiredText(body, "pool");
        auth.admit(request, pool);
        if (!knownPool.test(pool)) {
            // At once: nothing would decide it, and the request would wait out its timeout.
            throw new BadRequest(
                    404,
                    "pool '"
                            + pool
                            + "' has no catalog on router.catalog; declare it first (pointsman"
                            + " pool declare)");
        }
        Query query = query(body, pool, maxTextChars);
        long timeoutMs = timeoutMs(request);
        String id = query.getId();
        return decisions
                .routeAsync(producer, pool, id, codec.encode(query), Duration.ofMillis(timeoutMs))
                .handle(
                        (d, error) -> {
                            if (error == null) {
                                metrics.routeDecided();
                                return Response.json(200, decisionJson(d));
                            }
                            Throwable e =
                                    error instanceof CompletionException && error.getCause() != null
                                            ? error.getCause()
                                            : error;
                            if (e instanceof TimeoutException) {
                                metrics.routeTimedOut();
                                ObjectNode timedOut =
                                        Response.JSON
                                                .createObjectNode()
                                                .put(
                                                        "error",
                                                        "no decision for query "
                                                                + id
                                                                + " within "
                                                                + timeoutMs
                                                                + " ms")
                                                .put("queryId", id);
                                return Response.json(504, timedOut);
                            }
                            if (e instanceof DecisionWaiter.Overloaded o) {
                                throw o;
                            }
                            return Response.error(503, "could not write the query: " + e);
                        });
    }

    private static Query query(JsonNode body, String pool, int maxTextChars) throws BadRequest {
        String text = Fields.requiredText(body, "text");
        if (text.length() > maxTextChars) {
            throw new BadRequest(
                    413,
                    "'text' is "
                            + text.length()
                            + " characters; a query routes on at most "
                            + maxTextChars
                            + " (--max-text-chars)");
        }
        String id =
                body.hasNonNull("id")
                        ? Fields.requiredText(body, "id")
                        : UUID.randomUUID().toString();
        if (id.length() > 256) {
            throw new BadRequest(400, "'id' is longer than 256 characters");
        }
        Double lambda = Fields.optionalNumber(body, "lambda", 0, Double.MAX_VALUE);
        Double budget = Fields.optionalNumber(body, "budget", 0, Double.MAX_VALUE);
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
        return Query.newBuilder()
                .setId(id)
                .setPool(pool)
                .setText(text)
                .setLambda(lambda)
                .setBudget(budget)
                .setTs(Instant.now())
                .setAttributes(attributes)
                .build();
    }

    private long timeoutMs(Request request) throws BadRequest {
        String param = request.queryParam("timeoutMs");
        if (param == null) {
            return timeout.toMillis();
        }
        long timeoutMs;
        try {
            timeoutMs = Long.parseLong(param);
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "timeoutMs must be an integer, got '" + param + "'");
        }
        if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
            throw new BadRequest(400, "timeoutMs must be in [1, " + MAX_TIMEOUT_MS + "]");
        }
        return timeoutMs;
    }

    static ObjectNode decisionJson(RoutingDecision d) {
        ObjectNode out =
                Response.JSON
                        .createObjectNode()
                        .put("queryId", d.getQueryId())
                        .put("pool", d.getPool())
                        .put("model", d.getModel())
                        .put("lambda", d.getLambda())
                        .put("router", d.getRouter())
                        .put("routerVersion", d.getRouterVersion());
        ArrayNode predictions = out.putArray("predictions");
        for (ModelPrediction p : d.getPredictions()) {
            predictions.add(
                    Response.JSON
                            .createObjectNode()
                            .put("model", p.getModel())
                            .put("score", p.getScore())
                            .put("cost", p.getCost()));
        }
        ArrayNode neighbours = out.putArray("neighbours");
        for (NeighbourRef n : d.getNeighbours()) {
            neighbours.add(
                    Response.JSON
                            .createObjectNode()
                            .put("id", n.getId())
                            .put("similarity", n.getSimilarity()));
        }
        if (d.getOodScore() != null) {
            out.put("oodScore", d.getOodScore());
        }
        out.put("supportSize", d.getSupportSize());
        out.put("shardsMissing", d.getShardsMissing());
        // What the caller should also ask, so that the router learns (see Exploration).
        out.put("explore", d.getExplore());
        ArrayNode extra = out.putArray("exploreModels");
        d.getExploreModels().forEach(extra::add);
        out.put("exploreProbability", d.getExploreProbability());
        return out;
    }
}

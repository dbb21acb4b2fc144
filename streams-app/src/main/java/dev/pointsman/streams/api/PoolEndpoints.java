package dev.pointsman.streams.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.NeighbourRef;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import org.jspecify.annotations.Nullable;

/**
 * The endpoints that read the pools' windows: {@code GET /v1/metrics?pool=} (a pool's recent
 * windows and alerts), {@code GET /v1/decisions?pool=} (its newest decisions, as this instance read
 * them) and {@code GET /v1/pools} (the pools the caller's token may see).
 */
record PoolEndpoints(Auth auth, MetricsView metrics, DecisionWaiter decisions) {

    /** {@code GET /v1/pools}. */
    Response pools(Request request) throws BadRequest {
        ObjectNode out = Response.JSON.createObjectNode();
        ArrayNode pools = out.putArray("pools");
        auth.visible(request, metrics.pools()).forEach(pools::add);
        return Response.json(200, out);
    }

    /** The request's {@code pool} parameter, once the caller may see it. */
    private String pool(Request request) throws BadRequest {
        String pool = request.queryParam("pool");
        if (pool == null || pool.isBlank()) {
            throw new BadRequest(400, "the 'pool' query parameter is required");
        }
        auth.authorize(request, pool);
        return pool;
    }

    /**
     * {@code GET /v1/decisions?pool=}: the pool's newest decisions, newest first, each with its
     * predictions and the neighbours it rests on.
     */
    Response decisions(Request request) throws BadRequest {
        String pool = pool(request);
        ObjectNode out = Response.JSON.createObjectNode().put("pool", pool);
        ArrayNode list = out.putArray("decisions");
        for (RoutingDecision d : decisions.recent(pool)) {
            ObjectNode o =
                    list.addObject()
                            .put("queryId", d.getQueryId())
                            .put("ts", d.getTs().toEpochMilli())
                            .put("model", d.getModel())
                            .put("router", d.getRouter())
                            .put("lambda", d.getLambda())
                            .put("explore", d.getExplore())
                            .put("supportSize", d.getSupportSize());
            putNullable(o, "oodScore", d.getOodScore());
            if (d.getFallback() != null) {
                o.put("fallback", d.getFallback());
            }
            ArrayNode predictions = o.putArray("predictions");
            for (ModelPrediction p : d.getPredictions()) {
                predictions
                        .addObject()
                        .put("model", p.getModel())
                        .put("score", p.getScore())
                        .put("cost", p.getCost());
            }
            ArrayNode neighbours = o.putArray("neighbours");
            for (NeighbourRef n : d.getNeighbours()) {
                neighbours.addObject().put("id", n.getId()).put("similarity", n.getSimilarity());
            }
        }
        return Response.json(200, out);
    }

    /** {@code GET /v1/metrics?pool=}. */
    Response windows(Request request) throws BadRequest {
        String pool = pool(request);
        ObjectNode out = Response.JSON.createObjectNode().put("pool", pool);
        ArrayNode windows = out.putArray("windows");
        for (WindowMetrics w : metrics.windows(pool)) {
            windows.add(metricsJson(w));
        }
        ArrayNode alerts = out.putArray("alerts");
        for (Alert a : metrics.alerts(pool)) {
            alerts.add(
                    Response.JSON
                            .createObjectNode()
                            .put("kind", a.getKind())
                            .put("value", a.getValue())
                            .put("threshold", a.getThreshold())
                            .put("windowStart", a.getWindowStart().toEpochMilli())
                            .put("windowEnd", a.getWindowEnd().toEpochMilli()));
        }
        return Response.json(200, out);
    }

    static ObjectNode metricsJson(WindowMetrics w) {
        ObjectNode out =
                Response.JSON
                        .createObjectNode()
                        .put("router", w.getRouter())
                        .put("windowStart", w.getWindowStart().toEpochMilli())
                        .put("windowEnd", w.getWindowEnd().toEpochMilli())
                        .put("n", w.getN())
                        .put("outcomes", w.getOutcomes())
                        .put("shadowQueries", w.getShadowQueries())
                        .put("meanScore", w.getMeanScore())
                        .put("meanCost", w.getMeanCost())
                        .put("oodShare", w.getOodShare())
                        .put("explored", w.getExplored());
        putNullable(out, "auc", w.getAuc());
        putNullable(out, "oracleAuc", w.getOracleAuc());
        putNullable(out, "randomAuc", w.getRandomAuc());
        putNullable(out, "globalTrendAuc", w.getGlobalTrendAuc());
        putNullable(out, "mae", w.getMae());
        putNullable(out, "maeCost", w.getMaeCost());
        putNullable(out, "drift", w.getDrift());
        putNullable(out, "embeddingShift", w.getEmbeddingShift());
        putNullable(out, "lambda", w.getLambda());
        out.put("spend", w.getSpend());
        putNullable(out, "budget", w.getBudget());
        ObjectNode decisions = out.putObject("decisionsByModel");
        new java.util.TreeMap<>(w.getDecisionsByModel()).forEach(decisions::put);
        ObjectNode spend = out.putObject("spendByModel");
        new java.util.TreeMap<>(w.getSpendByModel()).forEach(spend::put);
        return out;
    }

    private static void putNullable(ObjectNode out, String field, @Nullable Double v) {
        if (v == null || !Double.isFinite(v)) {
            out.putNull(field);
        } else {
            out.put(field, v);
        }
    }
}

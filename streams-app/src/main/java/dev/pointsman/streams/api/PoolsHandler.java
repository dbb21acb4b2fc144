package dev.pointsman.streams.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GET /v1/pools}: the pools with metrics that the caller's token may see. */
final class PoolsHandler implements Handler {
    private final Auth auth;
    private final MetricsView metrics;

    PoolsHandler(Auth auth, MetricsView metrics) {
        this.auth = auth;
        this.metrics = metrics;
    }

    @Override
    public Response handle(Request request) throws BadRequest {
        ObjectNode out = Response.JSON.createObjectNode();
        ArrayNode pools = out.putArray("pools");
        auth.visible(request, metrics.pools()).forEach(pools::add);
        return Response.json(200, out);
    }
}

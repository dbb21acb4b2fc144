package dev.pointsman.streams.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The endpoints without logic of their own: {@code GET /healthz}, {@code GET /readyz} and the
 * dashboard page.
 */
final class StaticHandlers {
    private StaticHandlers() {}

    /**
     * {@code GET /healthz} (liveness): 200 while the Streams state is RUNNING or REBALANCING and
     * every check passes (the decision and catalog readers read, stream threads are not failing in
     * a loop), else 503 with what is wrong.
     *
     * @param state the Streams state's name
     * @param checks name → its check
     */
    static Handler health(Supplier<String> state, Map<String, HealthCheck> checks) {
        return request -> {
            String s = state.get();
            var out = Response.JSON.createObjectNode().put("state", s);
            boolean ok = (s.equals("RUNNING") || s.equals("REBALANCING")) & passes(checks, out);
            return Response.json(ok ? 200 : 503, out);
        };
    }

    /**
     * {@code GET /readyz} (readiness): what {@link #health} asks, and also that the Streams state
     * is RUNNING (not rebalancing) and the routing job has at most {@code maxLag} embedded queries
     * unread, so that a route request sent now is decided in time.
     */
    static Handler readiness(
            Supplier<String> state, Map<String, HealthCheck> checks, JobLag lag, long maxLag) {
        return request -> {
            String s = state.get();
            var out = Response.JSON.createObjectNode().put("state", s);
            boolean ok = s.equals("RUNNING") & passes(checks, out);
            long behind = lag.lag();
            out.put("jobLag", behind).put("maxJobLag", maxLag);
            if (behind < 0) {
                out.put("jobLagProblem", lag.problem());
                ok = false;
            } else if (behind > maxLag) {
                out.put(
                        "jobLagProblem",
                        "the routing job has "
                                + behind
                                + " embedded queries unread (at most "
                                + maxLag
                                + ", --max-job-lag)");
                ok = false;
            }
            return Response.json(ok ? 200 : 503, out);
        };
    }

    private static boolean passes(Map<String, HealthCheck> checks, ObjectNode out) {
        boolean ok = true;
        for (Map.Entry<String, HealthCheck> c : checks.entrySet()) {
            String problem = c.getValue().problem();
            out.put(c.getKey(), problem == null ? "ok" : problem);
            ok &= problem == null;
        }
        return ok;
    }

    /** {@code GET /}: the dashboard; any other path under it is a 404. */
    static Handler dashboard() {
        return request -> {
            String path = request.path();
            if (!path.equals("/") && !path.equals("/index.html")) {
                throw new BadRequest(404, "no such page: " + path);
            }
            try (InputStream in =
                    StaticHandlers.class.getResourceAsStream("/dashboard/index.html")) {
                if (in == null) {
                    throw new IllegalStateException("dashboard/index.html is missing from the jar");
                }
                return new Response(200, "text/html; charset=utf-8", in.readAllBytes());
            } catch (IOException e) {
                throw new IllegalStateException("reading the dashboard failed", e);
            }
        };
    }
}

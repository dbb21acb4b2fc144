package dev.pointsman.streams.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The endpoints without logic of their own: {@code GET /healthz} and the dashboard page. */
final class StaticHandlers {
    private StaticHandlers() {}

    /**
     * {@code GET /healthz}: 200 while the Streams state is RUNNING or REBALANCING and the decision
     * and catalog readers are reading, else 503 with what is wrong.
     *
     * @param state the Streams state's name
     * @param readers reader name → whether it is reading
     */
    static Handler health(Supplier<String> state, Map<String, BooleanSupplier> readers) {
        return request -> {
            String s = state.get();
            boolean ok = s.equals("RUNNING") || s.equals("REBALANCING");
            var out = Response.JSON.createObjectNode().put("state", s);
            for (Map.Entry<String, BooleanSupplier> r : readers.entrySet()) {
                boolean reading = r.getValue().getAsBoolean();
                out.put(r.getKey(), reading ? "reading" : "stopped");
                ok &= reading;
            }
            return Response.json(ok ? 200 : 503, out);
        };
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

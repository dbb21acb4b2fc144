package dev.pointsman.streams.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pointsman.streams.AppMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server under the API: routes a path and method to its {@link Handler}, turns a {@link
 * BadRequest} into its 4xx, an unavailable store into 503 and anything else into 500 (with the
 * stack trace in the log), counts every response by status, and writes it.
 */
final class HttpTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

    private final HttpServer server;
    private final AppMetrics metrics;

    HttpTransport(String host, int port, int threads, AppMetrics metrics) throws IOException {
        this.metrics = metrics;
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newFixedThreadPool(threads, daemon()));
    }

    /** Serves {@code path} (and everything under it) with {@code handler} for {@code method}. */
    HttpTransport route(String path, String method, Handler handler) {
        server.createContext(path, exchange -> serve(exchange, method, handler));
        return this;
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange, String method, Handler handler) throws IOException {
        Response response;
        try {
            if (!exchange.getRequestMethod().equals(method)) {
                response =
                        Response.error(
                                405,
                                "use " + method + " for " + exchange.getRequestURI().getPath());
            } else {
                response = handler.handle(new Request(exchange));
            }
        } catch (BadRequest e) {
            response = Response.error(e.status, e.getMessage());
        } catch (MetricsView.Unavailable e) {
            response = Response.error(503, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("request {} failed", exchange.getRequestURI(), e);
            response = Response.error(500, "internal error: " + e);
        }
        metrics.httpResponse(response.status());
        exchange.getResponseHeaders().add("Content-Type", response.contentType());
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        if (response.stream() == null) {
            exchange.sendResponseHeaders(response.status(), response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
            return;
        }
        // Length 0: chunked; every flush reaches the client (server-sent events).
        exchange.sendResponseHeaders(response.status(), 0);
        try (OutputStream out = exchange.getResponseBody()) {
            response.stream().write(out);
        } catch (IOException | RuntimeException e) {
            // The status is sent; all that is left is to cut the stream, which the client sees.
            LOG.warn("streaming {} stopped: {}", exchange.getRequestURI(), e.toString());
        }
    }

    private static ThreadFactory daemon() {
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

package dev.pointsman.streams.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.pointsman.streams.AppMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP (or, with a keystore, HTTPS) server under the API: routes a path and method to its
 * {@link Handler}, turns a {@link BadRequest} into its 4xx, an unavailable store or an overloaded
 * decision reader into 503 and anything else into 500 (with the stack trace in the log), counts
 * every response by status, and writes it. An {@link AsyncHandler}'s answer is written when its
 * future completes, by a small writer pool, so that requests waiting for decisions hold no thread.
 */
final class HttpTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

    private final HttpServer server;
    private final AppMetrics metrics;

    private final ExecutorService writers = Executors.newFixedThreadPool(4, daemon("http-writer"));

    /**
     * @param tls the server's certificate, null for plain HTTP
     */
    HttpTransport(String host, int port, int threads, @Nullable SSLContext tls, AppMetrics metrics)
            throws IOException {
        this.metrics = metrics;
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (tls == null) {
            server = HttpServer.create(address, 0);
        } else {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(Executors.newFixedThreadPool(threads, daemon("http-api")));
    }

    /** Serves {@code path} (and everything under it) with {@code handler} for {@code method}. */
    HttpTransport route(String path, String method, Handler handler) {
        server.createContext(path, exchange -> serve(exchange, method, handler));
        return this;
    }

    /** Serves {@code path} with {@code handler}, whose answer is written when it is ready. */
    HttpTransport routeAsync(String path, String method, AsyncHandler handler) {
        server.createContext(
                path,
                exchange -> {
                    CompletableFuture<Response> later;
                    try {
                        later =
                                exchange.getRequestMethod().equals(method)
                                        ? handler.handle(new Request(exchange))
                                        : CompletableFuture.completedFuture(
                                                wrongMethod(exchange, method));
                    } catch (BadRequest | IOException | RuntimeException e) {
                        later = CompletableFuture.failedFuture(e);
                    }
                    later.whenCompleteAsync(
                            (response, error) -> {
                                try {
                                    write(
                                            exchange,
                                            error == null ? response : failure(exchange, error));
                                } catch (IOException e) {
                                    LOG.debug("answering {} failed", exchange.getRequestURI(), e);
                                } finally {
                                    exchange.close();
                                }
                            },
                            writers);
                });
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
            response =
                    exchange.getRequestMethod().equals(method)
                            ? handler.handle(new Request(exchange))
                            : wrongMethod(exchange, method);
        } catch (BadRequest | RuntimeException e) {
            response = failure(exchange, e);
        }
        write(exchange, response);
    }

    private static Response wrongMethod(HttpExchange exchange, String method) {
        return Response.error(405, "use " + method + " for " + exchange.getRequestURI().getPath());
    }

    /** The answer to a handler's failure. */
    private static Response failure(HttpExchange exchange, Throwable error) {
        Throwable e =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        if (e instanceof BadRequest b) {
            return Response.error(b.status, b.getMessage());
        }
        if (e instanceof MetricsView.Unavailable || e instanceof DecisionWaiter.Overloaded) {
            return Response.error(503, e.getMessage())
                    .withHeaders(java.util.Map.of("Retry-After", "1"));
        }
        LOG.error("request {} failed", exchange.getRequestURI(), e);
        return Response.error(500, "internal error: " + e);
    }

    private void write(HttpExchange exchange, Response response) throws IOException {
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

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        server.stop(1);
        writers.shutdownNow();
    }
}

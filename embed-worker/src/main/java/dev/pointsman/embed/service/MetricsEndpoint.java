package dev.pointsman.embed.service;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Serves the worker's metrics in the Prometheus text format at {@code GET /metrics}, and {@code GET
 * /healthz}. The device gauge says whether embedding runs on CUDA; when it does not, the reason is
 * its label, so a GPU host that silently fell back to CPU shows up on a dashboard.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final WorkerMetrics metrics;
    private final String embedder;
    private final boolean cuda;
    private final @Nullable String cpuReason;

    /**
     * @param port 0 picks a free port
     */
    public MetricsEndpoint(
            String host,
            int port,
            WorkerMetrics metrics,
            String embedder,
            boolean cuda,
            @Nullable String cpuReason)
            throws IOException {
        this.metrics = metrics;
        this.embedder = embedder;
        this.cuda = cuda;
        this.cpuReason = cpuReason;
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext(
                "/metrics",
                exchange -> {
                    byte[] body = render().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders()
                            .add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.createContext(
                "/healthz",
                exchange -> {
                    byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The current metrics in the Prometheus text exposition format. */
    String render() {
        StringBuilder out = new StringBuilder();
        String labels = "embedder=\"" + escape(embedder) + "\"";
        counter(
                out,
                "pointsman_embed_embedded_total",
                "Queries embedded and committed.",
                labels,
                metrics.embedded());
        counter(
                out,
                "pointsman_embed_dead_lettered_total",
                "Records sent to the dead-letter topic.",
                labels,
                metrics.deadLettered());
        counter(
                out,
                "pointsman_embed_batches_total",
                "Committed transactions.",
                labels,
                metrics.batches());
        gauge(
                out,
                "pointsman_embed_batch_size",
                "Records in the last committed transaction.",
                labels,
                metrics.lastBatchSize());
        gauge(
                out,
                "pointsman_embed_batch_size_max",
                "Most records in one transaction so far.",
                labels,
                metrics.maxBatchSize());
        gauge(
                out,
                "pointsman_embed_lag_ms",
                "Record timestamp of the newest query of the last batch to its commit.",
                labels,
                metrics.lastLagMs());
        gauge(
                out,
                "pointsman_embed_embeddings_per_second",
                "Embeddings per second of embedding time.",
                labels,
                metrics.embeddingsPerSecond());
        String device =
                labels
                        + ",device=\""
                        + (cuda ? "cuda" : "cpu")
                        + "\",reason=\""
                        + escape(cpuReason == null ? "" : cpuReason)
                        + "\"";
        gauge(
                out,
                "pointsman_embed_cuda",
                "1 when embedding runs on CUDA, 0 on CPU (the reason label says why).",
                device,
                cuda ? 1 : 0);
        return out.toString();
    }

    private static void counter(
            StringBuilder out, String name, String help, String labels, double value) {
        metric(out, name, help, "counter", labels, value);
    }

    private static void gauge(
            StringBuilder out, String name, String help, String labels, double value) {
        metric(out, name, help, "gauge", labels, value);
    }

    private static void metric(
            StringBuilder out, String name, String help, String type, String labels, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append('{').append(labels).append("} ");
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(String.format(Locale.ROOT, "%.3f", value));
        }
        out.append('\n');
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.pointsman.embed.service;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Serves the worker's metrics in the Prometheus text format at {@code GET /metrics} (the Prometheus
 * Java client writes them, escaping label values), and {@code GET /healthz}. The device gauge says
 * whether embedding runs on CUDA; when it does not, the reason is its label, so a GPU host that
 * silently fell back to CPU shows up on a dashboard.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final PrometheusRegistry registry = new PrometheusRegistry();

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
        counter(
                "pointsman_embed_embedded",
                "Queries embedded and committed.",
                embedder,
                metrics::embedded);
        counter(
                "pointsman_embed_dead_lettered",
                "Records sent to the dead-letter topic.",
                embedder,
                metrics::deadLettered);
        counter("pointsman_embed_batches", "Committed transactions.", embedder, metrics::batches);
        gauge(
                "pointsman_embed_batch_size",
                "Records in the last committed transaction.",
                embedder,
                metrics::lastBatchSize);
        gauge(
                "pointsman_embed_batch_size_max",
                "Most records in one transaction so far.",
                embedder,
                metrics::maxBatchSize);
        gauge(
                "pointsman_embed_lag_ms",
                "Record timestamp of the newest query of the last batch to its commit.",
                embedder,
                metrics::lastLagMs);
        gauge(
                "pointsman_embed_embeddings_per_second",
                "Embeddings per second of embedding time.",
                embedder,
                metrics::embeddingsPerSecond);
        gauge(
                "pointsman_embed_cuda",
                "1 when embedding runs on CUDA, 0 on CPU (the reason label says why).",
                new String[] {"embedder", "device", "reason"},
                () -> cuda ? 1 : 0,
                embedder,
                cuda ? "cuda" : "cpu",
                cpuReason == null ? "" : cpuReason);
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext(
                "/metrics",
                exchange -> {
                    byte[] body = render().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders()
                            .add("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
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

    private void counter(String name, String help, String embedder, DoubleSupplier value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("embedder")
                .callback(cb -> cb.call(value.getAsDouble(), embedder))
                .register(registry);
    }

    private void gauge(String name, String help, String embedder, DoubleSupplier value) {
        gauge(name, help, new String[] {"embedder"}, value, embedder);
    }

    private void gauge(
            String name, String help, String[] labels, DoubleSupplier value, String... values) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames(labels)
                .callback(cb -> cb.call(value.getAsDouble(), values))
                .register(registry);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The current metrics in the Prometheus text exposition format. */
    String render() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.pointsman.streams.api;

import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.streams.AppMetrics;
import java.io.IOException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;

/**
 * The HTTP API and dashboard, one handler per endpoint on an {@link HttpTransport}: {@code POST
 * /v1/route}, {@code POST /v1/outcomes}, {@code GET /v1/metrics?pool=}, {@code GET /v1/pools},
 * {@code GET /metrics} (Prometheus), {@code GET /healthz} and {@code GET /} (the dashboard).
 * Invalid requests get a 4xx with {@code {"error": reason}}; {@link Auth} guards the {@code /v1}
 * calls when tokens are configured.
 */
public final class ApiServer implements AutoCloseable {
    private static final int THREADS = 16;

    private final HttpTransport transport;

    /**
     * @param state the Streams state name; {@code /healthz} is healthy when RUNNING or REBALANCING
     */
    public ApiServer(
            ApiSettings settings,
            Producer<String, byte[]> producer,
            RecordCodec<Query> queryCodec,
            RecordCodec<Outcome> outcomeCodec,
            DecisionWaiter decisions,
            MetricsView metrics,
            AppMetrics appMetrics,
            Supplier<String> state)
            throws IOException {
        Auth auth = new Auth(settings.tokens());
        PoolEndpoints pools = new PoolEndpoints(auth, metrics);
        transport =
                new HttpTransport(settings.host(), settings.port(), THREADS, appMetrics)
                        .route(
                                "/v1/route",
                                "POST",
                                new RouteHandler(
                                        auth,
                                        producer,
                                        queryCodec,
                                        decisions,
                                        settings.routeTimeout(),
                                        appMetrics))
                        .route(
                                "/v1/outcomes",
                                "POST",
                                new OutcomesHandler(
                                        auth,
                                        producer,
                                        outcomeCodec,
                                        settings.routeTimeout(),
                                        appMetrics))
                        .route("/v1/metrics", "GET", pools::windows)
                        .route("/v1/pools", "GET", pools::pools)
                        .route(
                                "/metrics",
                                "GET",
                                new PrometheusHandler(appMetrics, metrics, decisions))
                        .route("/healthz", "GET", StaticHandlers.health(state))
                        .route("/", "GET", StaticHandlers.dashboard());
        transport.start();
    }

    public int port() {
        return transport.port();
    }

    @Override
    public void close() {
        transport.close();
    }
}

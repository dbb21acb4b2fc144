package dev.pointsman.streams.api;

import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.streams.AppMetrics;
import dev.pointsman.streams.gateway.Gateway;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;

/**
 * The HTTP API and dashboard, one handler per endpoint on an {@link HttpTransport}: {@code POST
 * /v1/route}, {@code POST /v1/outcomes}, {@code GET /v1/metrics?pool=}, {@code GET /v1/pools},
 * {@code GET /metrics} (Prometheus), {@code GET /healthz}, {@code GET /readyz}, {@code GET /} (the
 * dashboard), the other instances' {@code GET /internal/metrics/…} ({@link PeerMetricsView}), and
 * the OpenAI-compatible {@link Gateway}: {@code POST /v1/chat/completions}, {@code
 * /v1/completions}, {@code /v1/feedback} and {@code GET /v1/models}. Invalid requests get a 4xx
 * with {@code {"error": reason}}; {@link Auth} guards the {@code /v1} calls when tokens are
 * configured.
 */
public final class ApiServer implements AutoCloseable {
    /** Request threads: a gateway request holds one for the whole answer it streams. */
    private static final int THREADS = 128;

    private final HttpTransport transport;

    /**
     * @param state the Streams state name; {@code /healthz} is healthy when RUNNING or REBALANCING
     * @param checks the app's parts that {@code /healthz} and {@code /readyz} check, besides the
     *     decision reader
     * @param jobLag the routing job's lag, which {@code /readyz} bounds
     */
    public ApiServer(
            ApiSettings settings,
            Producer<String, byte[]> producer,
            RecordCodec<Query> queryCodec,
            RecordCodec<Outcome> outcomeCodec,
            DecisionWaiter decisions,
            PeerMetricsView metrics,
            AppMetrics appMetrics,
            Supplier<String> state,
            Predicate<String> knownPool,
            Map<String, HealthCheck> checks,
            JobLag jobLag,
            Function<Auth, Gateway> gateway)
            throws IOException {
        Auth auth =
                new Auth(
                        settings.tokens(),
                        new RateLimits(settings.rateLimit(), System::nanoTime),
                        settings.metricsToken());
        Map<String, HealthCheck> all = new LinkedHashMap<>();
        all.put(
                "decisionReader",
                () -> decisions.reading() ? null : "the decision reader has stopped");
        all.putAll(checks);
        PrometheusHandler prometheus = new PrometheusHandler(appMetrics, metrics, decisions);
        Gateway g = gateway.apply(auth);
        PoolEndpoints pools = new PoolEndpoints(auth, metrics, decisions);
        transport =
                new HttpTransport(
                                settings.host(),
                                settings.port(),
                                THREADS,
                                settings.tls() == null ? null : settings.tls().context(),
                                appMetrics)
                        .routeAsync(
                                "/v1/route",
                                "POST",
                                new RouteHandler(
                                        auth,
                                        producer,
                                        queryCodec,
                                        decisions,
                                        settings.routeTimeout(),
                                        settings.maxTextChars(),
                                        appMetrics,
                                        knownPool))
                        .route(
                                "/v1/outcomes",
                                "POST",
                                new OutcomesHandler(
                                        auth,
                                        producer,
                                        outcomeCodec,
                                        settings.routeTimeout(),
                                        appMetrics))
                        .route(
                                "/v1/chat/completions",
                                "POST",
                                r -> g.complete(r, Gateway.Kind.CHAT))
                        .route(
                                "/v1/completions",
                                "POST",
                                r -> g.complete(r, Gateway.Kind.COMPLETIONS))
                        .route("/v1/feedback", "POST", g::feedback)
                        .route("/v1/models", "GET", g::models)
                        .route("/v1/metrics", "GET", pools::windows)
                        .route("/v1/pools", "GET", pools::pools)
                        .route("/v1/decisions", "GET", pools::decisions)
                        .route(
                                "/metrics",
                                "GET",
                                r -> {
                                    auth.authorizeOperator(r);
                                    return prometheus.handle(r);
                                })
                        .route(
                                PeerMetricsView.PREFIX,
                                "GET",
                                r -> {
                                    auth.authorizeOperator(r);
                                    return metrics.answerPeer(r);
                                })
                        .route("/healthz", "GET", StaticHandlers.health(state, all))
                        .route(
                                "/readyz",
                                "GET",
                                StaticHandlers.readiness(state, all, jobLag, settings.maxJobLag()))
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

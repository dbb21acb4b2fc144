package dev.pointsman.streams.api;

import dev.pointsman.settings.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * @param host {@code --http-host}
 * @param port {@code --http-port}; 0 picks a free port
 * @param routeTimeout {@code --route-timeout}: how long {@code POST /v1/route} waits for the
 *     decision before answering 504
 * @param tokens {@code --token}: pool → bearer token; empty leaves the API open
 * @param rateLimit {@code --rate-limit}: requests per second each pool may route (POST /v1/route
 *     and the gateway's completions), a second's worth at once; 0 for no limit
 * @param metricsToken {@code --metrics-token} (or {@code POINTSMAN_METRICS_TOKEN}): the operator's
 *     bearer token that {@code GET /metrics} then requires, since it lists every pool's figures;
 *     null leaves it open
 * @param advertisedHost {@code --advertised-host}: the name other instances of the app reach this
 *     one's API by (Kafka Streams' {@code application.server}); null for {@code host}, or this
 *     machine's name when {@code host} is a wildcard
 */
public record ApiSettings(
        String host,
        int port,
        Duration routeTimeout,
        Map<String, String> tokens,
        double rateLimit,
        @Nullable String metricsToken,
        @Nullable String advertisedHost) {
    public static final Setting<String> HOST =
            Setting.text("http-host", "127.0.0.1", "API bind address.");
    public static final Setting<Integer> PORT =
            Setting.integer("http-port", 8080, "API port, 0 for any free one.", 0, 65535);
    public static final Setting<Duration> ROUTE_TIMEOUT =
            Setting.duration(
                    "route-timeout",
                    Duration.ofSeconds(10),
                    "How long POST /v1/route waits for the decision.",
                    Duration.ZERO);

    public static final Setting<Double> RATE_LIMIT =
            Setting.number(
                    "rate-limit",
                    0.0,
                    "Requests per second each pool may route (a second's worth at once; more get"
                            + " 429), 0 for no limit.",
                    v -> v >= 0 && Double.isFinite(v),
                    "must be a finite number of requests/s >= 0");

    public static final Setting<String> ADVERTISED_HOST =
            Setting.optionalText(
                    "advertised-host",
                    "The host name other instances of the app reach this one's API by, to answer"
                            + " /v1/metrics and /v1/pools for the pools they hold. Default:"
                            + " --http-host (this machine's name when that is 0.0.0.0).");

    /** The settings the command line sets (tokens are their own repeatable option). */
    public static final List<Setting<?>> ALL =
            List.of(HOST, PORT, ROUTE_TIMEOUT, RATE_LIMIT, ADVERTISED_HOST);

    /** Open (no tokens), no rate limit. */
    public ApiSettings(String host, int port, Duration routeTimeout, Map<String, String> tokens) {
        this(host, port, routeTimeout, tokens, 0, null, null);
    }

    /** With no {@code --advertised-host}. */
    public ApiSettings(
            String host,
            int port,
            Duration routeTimeout,
            Map<String, String> tokens,
            double rateLimit,
            @Nullable String metricsToken) {
        this(host, port, routeTimeout, tokens, rateLimit, metricsToken, null);
    }

    /** This settings on {@code port} (a free port chosen for 0). */
    public ApiSettings withPort(int port) {
        return new ApiSettings(
                host, port, routeTimeout, tokens, rateLimit, metricsToken, advertisedHost);
    }

    /** Where other instances reach this API: {@code host:port} for {@code application.server}. */
    public String advertised() {
        String name = advertisedHost;
        if (name == null) {
            name = host;
            if (name.equals("0.0.0.0") || name.equals("::")) {
                try {
                    name = java.net.InetAddress.getLocalHost().getHostName();
                } catch (java.net.UnknownHostException e) {
                    name = "localhost";
                }
            }
        }
        return name + ":" + port;
    }

    public ApiSettings {
        HOST.check(host);
        PORT.check(port);
        ROUTE_TIMEOUT.check(routeTimeout);
        RATE_LIMIT.check(rateLimit);
        ADVERTISED_HOST.check(advertisedHost);
        if (metricsToken != null && metricsToken.isBlank()) {
            throw new IllegalArgumentException("--metrics-token must not be blank");
        }
        tokens = Map.copyOf(tokens);
        tokens.forEach(
                (pool, token) -> {
                    if (pool.isBlank() || token.isBlank()) {
                        throw new IllegalArgumentException(
                                "--token: pool and token must be non-empty, got '" + pool + "'");
                    }
                });
    }
}

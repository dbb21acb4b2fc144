package dev.pointsman.streams.api;

import dev.pointsman.settings.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * @param host {@code --http-host}
 * @param port {@code --http-port}; 0 picks a free port
 * @param routeTimeout {@code --route-timeout}: how long {@code POST /v1/route} waits for the
 *     decision before answering 504
 * @param tokens {@code --token}: pool → bearer token; empty leaves the API open
 */
public record ApiSettings(
        String host, int port, Duration routeTimeout, Map<String, String> tokens) {
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

    /** The settings the command line sets (tokens are their own repeatable option). */
    public static final List<Setting<?>> ALL = List.of(HOST, PORT, ROUTE_TIMEOUT);

    public ApiSettings {
        HOST.check(host);
        PORT.check(port);
        ROUTE_TIMEOUT.check(routeTimeout);
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

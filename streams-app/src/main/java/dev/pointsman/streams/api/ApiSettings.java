package dev.pointsman.streams.api;

import java.time.Duration;
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
    public ApiSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--http-port must be in [0, 65535], got " + port);
        }
        if (routeTimeout.isNegative() || routeTimeout.isZero()) {
            throw new IllegalArgumentException("--route-timeout must be > 0, got " + routeTimeout);
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

package dev.pointsman.streams.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Per-pool bearer tokens. Without tokens the API is open; with any, every {@code /v1} call needs
 * {@code Authorization: Bearer <token>}, and a token reaches only its own pool.
 */
public final class Auth {
    /** Pool → the SHA-256 of its token: the tokens themselves are not kept. */
    private final Map<String, byte[]> tokens;

    private final RateLimits limits;

    /** The SHA-256 of the operator's token, which {@code /metrics} requires; null: open. */
    private final byte @Nullable [] operator;

    /**
     * @param tokens pool → token
     */
    public Auth(Map<String, String> tokens) {
        this(tokens, new RateLimits(0, System::nanoTime), null);
    }

    /**
     * @param tokens pool → token
     * @param limits what each pool may route per second
     * @param operatorToken the token {@code /metrics} requires; null: none
     */
    public Auth(Map<String, String> tokens, RateLimits limits, @Nullable String operatorToken) {
        this.limits = limits;
        this.operator = operatorToken == null ? null : sha256(operatorToken);
        Map<String, byte[]> hashed = new java.util.HashMap<>();
        tokens.forEach((pool, token) -> hashed.put(pool, sha256(token)));
        this.tokens = Map.copyOf(hashed);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Passes when the request may reach {@code pool}; 401 without a token, 403 with another. */
    public void authorize(Request request, String pool) throws BadRequest {
        if (tokens.isEmpty()) {
            return;
        }
        if (!matches(bearer(request), tokens.get(pool))) {
            throw new BadRequest(403, "this token is not valid for pool '" + pool + "'");
        }
    }

    /**
     * Passes when the request may route for {@code pool} now: {@link #authorize}, then the pool's
     * rate limit (429 beyond it).
     */
    public void admit(Request request, String pool) throws BadRequest {
        authorize(request, pool);
        limits.take(pool);
    }

    /**
     * Passes when the request may read what spans every pool ({@code /metrics}): always without an
     * operator token, else with it (401 without a token, 403 with another).
     */
    public void authorizeOperator(Request request) throws BadRequest {
        if (operator != null && !matches(bearer(request), operator)) {
            throw new BadRequest(403, "/metrics needs the operator's token (--metrics-token)");
        }
    }

    /** The pools of {@code pools} the request may see. */
    public Set<String> visible(Request request, Set<String> pools) throws BadRequest {
        Set<String> visible = new TreeSet<>(pools);
        if (!tokens.isEmpty()) {
            String token = bearer(request);
            visible.removeIf(pool -> !matches(token, tokens.get(pool)));
        }
        return visible;
    }

    /**
     * Compares the hashes in constant time, so the time taken tells nothing about the token, its
     * length included.
     */
    private static boolean matches(String given, byte @Nullable [] expected) {
        return expected != null && MessageDigest.isEqual(sha256(given), expected);
    }

    private static String bearer(Request request) throws BadRequest {
        String header = request.header("Authorization");
        if (header == null || !header.startsWith("Bearer ") || header.length() <= 7) {
            throw new BadRequest(401, "missing 'Authorization: Bearer <token>' header");
        }
        return header.substring(7).trim();
    }
}

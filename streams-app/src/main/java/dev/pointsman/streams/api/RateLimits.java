package dev.pointsman.streams.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests per second each pool may make to the endpoints that route ({@code POST /v1/route} and
 * the gateway's completions): a token bucket per pool holding a second's worth, so a burst of one
 * second is allowed and a steady flood beyond the rate gets 429. Zero turns it off.
 */
public final class RateLimits {
    private final double perSecond;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /**
     * @param perSecond requests per second per pool; 0 for no limit
     * @param nanos the clock
     */
    public RateLimits(double perSecond, LongSupplier nanos) {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate limit must be >= 0, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.nanos = nanos;
    }

    /** Takes one request of {@code pool}'s allowance; 429 with the reason when it has none. */
    public void take(String pool) throws BadRequest {
        if (perSecond == 0) {
            return;
        }
        long now = nanos.getAsLong();
        Bucket b = buckets.computeIfAbsent(pool, p -> new Bucket(perSecond, now));
        synchronized (b) {
            b.tokens = Math.min(perSecond, b.tokens + (now - b.at) / 1e9 * perSecond);
            b.at = now;
            if (b.tokens < 1) {
                throw new BadRequest(
                        429,
                        "pool '"
                                + pool
                                + "' is over its rate limit of "
                                + perSecond
                                + " requests/s (--rate-limit)");
            }
            b.tokens -= 1;
        }
    }
}

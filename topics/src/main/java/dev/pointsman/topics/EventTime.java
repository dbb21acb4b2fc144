package dev.pointsman.topics;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Bounds the event time a record claims in its own field by the time the broker stamped on it (its
 * Kafka timestamp: log-append time on {@link Topics#STAMPED_BY_BROKER}), so that a client's clock
 * alone never sets a component's clock. Used by the streams app's ledger and the routing job.
 */
public final class EventTime {
    /** How far ahead of the broker's time a record may claim to be, unless configured. */
    public static final Duration SKEW = Duration.ofMinutes(5);

    private EventTime() {}

    /**
     * Why the event time is out of bounds, or null when it is within them.
     *
     * @param kind {@code future} or {@code past}: the dead letter's reason code
     * @param reason what is wrong, naming the options that set the bounds
     */
    public record OutOfBounds(String kind, String reason) {}

    /**
     * @param what the record, as the reason names it ("query q1")
     * @param ts the event time the record claims
     * @param broker the record's Kafka timestamp
     * @param now this component's clock: the bound ahead is the earlier of it and {@code broker}
     * @param skew how far ahead that bound {@code ts} may be; {@code skewOption} names its option
     * @param maxAge how far behind {@code broker} {@code ts} may be; {@code maxAgeOption} its
     *     option
     */
    public static @Nullable OutOfBounds check(
            String what,
            long ts,
            long broker,
            long now,
            Duration skew,
            String skewOption,
            Duration maxAge,
            String maxAgeOption) {
        long latest = Math.min(now, broker);
        if (ts > latest + skew.toMillis()) {
            return new OutOfBounds(
                    "future",
                    "the event time of "
                            + what
                            + " is "
                            + Instant.ofEpochMilli(ts)
                            + ", "
                            + (ts - latest)
                            + " ms ahead of its record's broker time and this component's clock ("
                            + skewOption
                            + " "
                            + skew.toMillis()
                            + " ms)");
        }
        if (ts < broker - maxAge.toMillis()) {
            return new OutOfBounds(
                    "past",
                    "the event time of "
                            + what
                            + " is "
                            + Instant.ofEpochMilli(ts)
                            + ", "
                            + (broker - ts)
                            + " ms before its record's broker time "
                            + Instant.ofEpochMilli(broker)
                            + " ("
                            + maxAgeOption
                            + " "
                            + maxAge.toMillis()
                            + " ms)");
        }
        return null;
    }
}

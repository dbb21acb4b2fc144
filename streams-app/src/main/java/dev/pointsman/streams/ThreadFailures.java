package dev.pointsman.streams;

import dev.pointsman.streams.api.HealthCheck;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Stream threads that failed and were replaced: one now and then is survivable, but {@value #LIMIT}
 * within {@link #SPAN} means a record or a store fails every thread that takes it (a loop), and
 * {@code /healthz} says so, so that the instance is restarted and an operator looks.
 */
final class ThreadFailures implements HealthCheck {
    static final int LIMIT = 3;
    static final Duration SPAN = Duration.ofMinutes(5);

    private final LongSupplier clock;
    private final Deque<Long> recent = new ArrayDeque<>();

    ThreadFailures(LongSupplier clock) {
        this.clock = clock;
    }

    synchronized void failed() {
        recent.addLast(clock.getAsLong());
        forgetOld();
    }

    @Override
    public synchronized @Nullable String problem() {
        forgetOld();
        return recent.size() < LIMIT
                ? null
                : recent.size()
                        + " stream threads failed and were replaced in the last "
                        + SPAN.toMinutes()
                        + " minutes (see the log)";
    }

    private void forgetOld() {
        long since = clock.getAsLong() - SPAN.toMillis();
        while (!recent.isEmpty() && recent.peekFirst() < since) {
            recent.pollFirst();
        }
    }
}

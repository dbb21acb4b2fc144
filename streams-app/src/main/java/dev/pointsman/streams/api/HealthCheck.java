package dev.pointsman.streams.api;

import org.jspecify.annotations.Nullable;

/** One part of the app's health, for {@code /healthz} and {@code /readyz}. */
@FunctionalInterface
public interface HealthCheck {
    /** Null when this part is well, else what is wrong. */
    @Nullable String problem();
}

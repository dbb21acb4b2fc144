package dev.pointsman.streams.api;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.WindowMetrics;
import java.util.List;
import java.util.Set;

/** Read access to the windows and alerts the app keeps (interactive queries in production). */
public interface MetricsView {
    /** Pools with at least one window, in name order. */
    Set<String> pools();

    /** A pool's windows, oldest first. */
    List<WindowMetrics> windows(String pool);

    /** A pool's alerts, oldest first. */
    List<Alert> alerts(String pool);

    /** The stores cannot be read now (the app is starting or rebalancing); try again shortly. */
    final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}

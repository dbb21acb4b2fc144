package dev.pointsman.cli.demo;

import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.Topics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * What a replay shows: the pool's windows and alerts from {@code router.metrics} and {@code
 * router.alerts} as they close (alerts printed at once), and progress lines. Thread-safe.
 */
final class ReplayConsole {
    private final String pool;
    private final int queries;
    private final PrintStream out;
    private final RecordCodec<WindowMetrics> metricsCodec;
    private final RecordCodec<Alert> alertCodec;
    private final List<WindowMetrics> windows = new ArrayList<>();
    private final List<Alert> alerts = new ArrayList<>();

    /**
     * @param queries how many the replay sends, for the progress line
     */
    ReplayConsole(String pool, int queries, PrintStream out, WireFormat wire) {
        this.pool = pool;
        this.queries = queries;
        this.out = out;
        metricsCodec = wire.codec(WindowMetrics.class, Topics.METRICS);
        alertCodec = wire.codec(Alert.class, Topics.ALERTS);
    }

    /** Takes a record of {@code router.metrics} or {@code router.alerts}. */
    void watch(ConsumerRecord<byte[], byte[]> r) {
        try {
            synchronized (windows) {
                if (r.topic().equals(Topics.METRICS)) {
                    WindowMetrics w = metricsCodec.decode(r.value());
                    // A challenger's windows (it decided nothing) are the routing job's business.
                    if (w.getPool().equals(pool) && !PoolSettings.isChallenger(w.getRouter())) {
                        windows.add(w);
                    }
                } else {
                    Alert a = alertCodec.decode(r.value());
                    if (a.getPool().equals(pool)) {
                        alerts.add(a);
                        out.printf(
                                Locale.ROOT,
                                "ALERT %s: %s = %.3f (threshold %.3f) in the window from %s%n",
                                a.getPool(),
                                a.getKind(),
                                a.getValue(),
                                a.getThreshold(),
                                a.getWindowStart());
                    }
                }
            }
        } catch (UndecodableRecordException e) {
            // someone else's record; the streams app dead-letters what it cannot read
        }
    }

    /** One progress line: queries sent and decided, and the newest closed window. */
    void progress(int sent, long decided, double perSecond, String phase) {
        StringBuilder line =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "sent %d/%d, decided %d (%.1f/s)",
                                sent,
                                queries,
                                decided,
                                perSecond));
        if (!phase.isEmpty()) {
            line.append(", ").append(phase);
        }
        synchronized (windows) {
            if (!windows.isEmpty()) {
                WindowMetrics w = windows.get(windows.size() - 1);
                line.append(
                        String.format(
                                Locale.ROOT,
                                " | window %s: %d queries, AUC %s (oracle %s, global trend %s),"
                                        + " OOD %.0f%%, drift %s",
                                w.getWindowStart().toString().substring(11, 19),
                                w.getN(),
                                fmt(w.getAuc()),
                                fmt(w.getOracleAuc()),
                                fmt(w.getGlobalTrendAuc()),
                                100 * w.getOodShare(),
                                fmt(w.getDrift())));
            }
            line.append(" | alerts ").append(alerts.size());
        }
        out.println(line);
    }

    List<WindowMetrics> windows() {
        synchronized (windows) {
            return List.copyOf(windows);
        }
    }

    List<Alert> alerts() {
        synchronized (windows) {
            return List.copyOf(alerts);
        }
    }

    static String fmt(@Nullable Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }
}

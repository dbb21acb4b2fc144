package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.topics.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The adaptation experiment: the same traffic through a shift, once with a static router (live
 * outcomes are measured but never reach the support set) and once with the online router (they do).
 * Each pass runs on its own fresh {@link LocalStack}.
 */
public final class AdaptExperiment {
    /** Drift alert kinds (the others are quality alerts). */
    private static final List<String> DRIFT = List.of("drift-psi", "embedding-shift");

    /**
     * @param window metric window of the streams app, e.g. {@code 10s}
     */
    public record Settings(
            Path dir,
            EmbedderConfig embedder,
            Path streamsJar,
            int httpPort,
            int k,
            double rate,
            String window,
            int minQueries,
            double shadowShare,
            String router) {}

    /** One pass: the closed windows and alerts, and when the traffic shifted. */
    public record Pass(
            String name, List<WindowMetrics> windows, List<Alert> alerts, long shiftedAtMillis) {

        /** Mean AUC of the windows entirely before the shift. */
        public double levelBefore() {
            return windows.stream()
                    .filter(w -> w.getWindowEnd().toEpochMilli() <= shiftedAtMillis)
                    .filter(w -> w.getAuc() != null)
                    .mapToDouble(WindowMetrics::getAuc)
                    .average()
                    .orElse(Double.NaN);
        }

        /** Windows entirely after the shift, oldest first. */
        public List<WindowMetrics> after() {
            return windows.stream()
                    .filter(w -> w.getWindowStart().toEpochMilli() >= shiftedAtMillis)
                    .toList();
        }

        /** Mean AUC of the windows entirely after the shift. */
        public double levelAfter() {
            return after().stream()
                    .filter(w -> w.getAuc() != null)
                    .mapToDouble(WindowMetrics::getAuc)
                    .average()
                    .orElse(Double.NaN);
        }

        /**
         * Queries (each answered query is one feedback example) from the first full window after
         * the shift to the end of the first window whose AUC is within {@code points} of the level
         * before the shift; -1 if none is.
         */
        public long examplesToRecover(double points) {
            double level = levelBefore();
            long seen = 0;
            for (WindowMetrics w : after()) {
                seen += w.getN();
                if (w.getAuc() != null && w.getAuc() >= level - points) {
                    return seen;
                }
            }
            return -1;
        }

        /**
         * Queries after the shift until the end of the first window with a drift alert; -1 if none.
         */
        public long queriesToDriftAlert() {
            long seen = 0;
            for (WindowMetrics w : windows) {
                if (w.getWindowEnd().toEpochMilli() <= shiftedAtMillis) {
                    continue;
                }
                seen += w.getN();
                if (driftAlerted(w)) {
                    return seen;
                }
            }
            return -1;
        }

        /** Whether the window raised a drift alert (PSI or embedding shift). */
        public boolean driftAlerted(WindowMetrics w) {
            return alerts.stream()
                    .anyMatch(
                            a ->
                                    DRIFT.contains(a.getKind())
                                            && a.getWindowStart().equals(w.getWindowStart()));
        }

        /** Where the window starts, in seconds relative to the shift. */
        public double secondsSinceShift(WindowMetrics w) {
            return (w.getWindowStart().toEpochMilli() - shiftedAtMillis) / 1000.0;
        }

        /** {drift alerts, windows} before the shift: the false-alarm count and its denominator. */
        public long[] driftAlarmsWithoutShift() {
            long windowsBefore =
                    windows.stream()
                            .filter(w -> w.getWindowEnd().toEpochMilli() <= shiftedAtMillis)
                            .count();
            long alarms =
                    alerts.stream()
                            .filter(a -> DRIFT.contains(a.getKind()))
                            .filter(a -> a.getWindowEnd().toEpochMilli() <= shiftedAtMillis)
                            .map(a -> a.getWindowStart())
                            .distinct()
                            .count();
            return new long[] {alarms, windowsBefore};
        }
    }

    private final Settings s;
    private final PrintStream out;

    public AdaptExperiment(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    /**
     * @param online whether live outcomes reach the support set
     */
    public Pass run(
            String name, boolean online, Benchmark data, TrafficSplit traffic, AtomicBoolean stop)
            throws Exception {
        Path dir = s.dir().resolve(name);
        List<String> streamsArgs =
                new ArrayList<>(
                        List.of(
                                "--window", s.window(),
                                "--window-grace", "3s",
                                "--alert-min-queries", Integer.toString(s.minQueries())));
        if (!online) {
            // Outcomes are still joined and measured, but the routing job never reads them.
            streamsArgs.addAll(List.of("--feedback-topic", Topics.FEEDBACK_DISCARDED));
        }
        out.printf("%n== %s router (%s) ==%n", name, online ? "live feedback" : "no feedback");
        try (LocalStack stack =
                LocalStack.start(
                        new LocalStack.Settings(
                                dir,
                                s.httpPort(),
                                s.k(),
                                s.embedder(),
                                s.streamsJar(),
                                streamsArgs,
                                null))) {
            String pool = "adapt";
            long[] last = {0};
            PoolSeeder.seed(
                    stack.producer(),
                    stack.wire(),
                    pool,
                    s.router(),
                    data,
                    traffic.seed(),
                    stack.embedder(),
                    (done, total) -> {
                        if (done == total || done - last[0] >= 256) {
                            out.printf("seeded %d/%d%n", done, total);
                            last[0] = done;
                        }
                    });
            stack.startWorker();
            int queries = traffic.before().size() + traffic.after().size();
            Replayer.Summary summary =
                    new Replayer(
                                    new Replayer.Settings(
                                            stack.bootstrap(),
                                            pool,
                                            queries,
                                            s.rate(),
                                            s.shadowShare(),
                                            null,
                                            traffic.before().size(),
                                            Duration.ofSeconds(10)),
                                    data,
                                    traffic.before(),
                                    traffic.after(),
                                    stack.wire(),
                                    out,
                                    stop)
                            .run(stack.producer());
            if (summary.shiftedAt() == null) {
                throw new IllegalStateException("the replay stopped before the shift");
            }
            return new Pass(
                    name, summary.windows(), summary.alerts(), summary.shiftedAt().toEpochMilli());
        }
    }
}

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

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
            double exploration,
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
         * {@code before_auc}, {@code before_trend}: the mean windowed AUC and global-trend AUC of
         * the windows entirely before the shift; {@code after_auc}, {@code after_trend}: the same
         * over the windows after the first one after the shift (the first still mixes in learning
         * from the old traffic). NaN where no window has the figure.
         */
        public Map<String, Double> levels() {
            List<WindowMetrics> before =
                    windows.stream()
                            .filter(w -> w.getWindowEnd().toEpochMilli() <= shiftedAtMillis)
                            .toList();
            List<WindowMetrics> settled = after().stream().skip(1).toList();
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("before_auc", mean(before, WindowMetrics::getAuc));
            out.put("before_trend", mean(before, WindowMetrics::getGlobalTrendAuc));
            out.put("after_auc", mean(settled, WindowMetrics::getAuc));
            out.put("after_trend", mean(settled, WindowMetrics::getGlobalTrendAuc));
            return out;
        }

        /**
         * Feedback examples (answered queries) after the shift until the windowed AUC is above the
         * global trend's and stays there for every later window: the queries of the post-shift
         * windows up to and including the first such window; null if there is none. Windows without
         * both figures are counted but neither break nor start a run.
         */
        public @Nullable Long examplesToPositiveLift() {
            List<WindowMetrics> after = after();
            int start = -1;
            for (int i = 0; i < after.size(); i++) {
                WindowMetrics w = after.get(i);
                if (w.getAuc() == null || w.getGlobalTrendAuc() == null) {
                    continue;
                }
                if (w.getAuc() > w.getGlobalTrendAuc()) {
                    start = start < 0 ? i : start;
                } else {
                    start = -1;
                }
            }
            if (start < 0) {
                return null;
            }
            long seen = 0;
            for (int i = 0; i <= start; i++) {
                seen += after.get(i).getN();
            }
            return seen;
        }

        private static double mean(
                List<WindowMetrics> windows, Function<WindowMetrics, Double> figure) {
            return windows.stream()
                    .map(figure)
                    .filter(v -> v != null && Double.isFinite(v))
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(Double.NaN);
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

        /**
         * The routing job's fallback and recovery alerts ({@code fallback/<router>}, {@code
         * recovered/<router>}), oldest first.
         */
        public List<Alert> fallbacks() {
            return alerts.stream()
                    .filter(
                            a ->
                                    a.getKind().startsWith("fallback/")
                                            || a.getKind().startsWith("recovered/"))
                    .sorted(java.util.Comparator.comparing(Alert::getWindowEnd))
                    .toList();
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
                    s.exploration(),
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

package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.monitor.WindowQuality;
import dev.pointsman.core.route.PoolSettings;
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
     * @param onlinePrior what the online pass's knn-shrunk shrinks toward ({@code shrink.prior}:
     *     {@code reference}, {@code live-trend} or {@code trained-trend}); the static pass takes
     *     the same prior but for {@code live-trend}, where it keeps its trained trend ({@link
     *     #staticPrior})
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
            String router,
            String onlinePrior) {}

    /**
     * The static pass's {@code shrink.prior}: the online pass's, the same router without feedback,
     * except that nothing live reaches it, so a live trend becomes the trained one.
     */
    static String staticPrior(String onlinePrior) {
        return onlinePrior.equals(PoolSettings.LIVE_TREND)
                ? PoolSettings.TRAINED_TREND
                : onlinePrior;
    }

    /**
     * One pass: the closed windows and alerts, when the traffic shifted, and per window (by start)
     * its quality on every decided query ({@link Judged}). The levels and counts below read a
     * window's AUC and trend AUC from that full-information quality where there is one (the replay
     * knows every model's outcome, so it need not estimate from the few explored queries the live
     * window sees), else from the live window.
     */
    public record Pass(
            String name,
            List<WindowMetrics> windows,
            List<Alert> alerts,
            long shiftedAtMillis,
            Map<Long, WindowQuality> full,
            List<Judged> judged) {

        /** A pass judged by its live windows only. */
        public Pass(
                String name,
                List<WindowMetrics> windows,
                List<Alert> alerts,
                long shiftedAtMillis) {
            this(name, windows, alerts, shiftedAtMillis, Map.of(), List.of());
        }

        /** A pass judged by its windows, on every decided query where {@code full} has it. */
        public Pass(
                String name,
                List<WindowMetrics> windows,
                List<Alert> alerts,
                long shiftedAtMillis,
                Map<Long, WindowQuality> full) {
            this(name, windows, alerts, shiftedAtMillis, full, List.of());
        }

        /**
         * This pass and {@code other} on the same queries ({@link PairedQuality}): those before the
         * shift, or those after it but the first {@code settle} (while the first post-shift window
         * still learns from the old traffic); null without such queries.
         */
        public @Nullable PairedQuality paired(Pass other, boolean after, int settle) {
            int firstAfter =
                    judged.stream()
                            .filter(Judged::afterShift)
                            .mapToInt(Judged::index)
                            .min()
                            .orElse(Integer.MAX_VALUE);
            return PairedQuality.of(
                    judged,
                    other.judged(),
                    j ->
                            after
                                    ? j.afterShift() && j.index() - firstAfter >= settle
                                    : !j.afterShift(),
                    after ? 2 : 1);
        }

        /** The window's AUC: on every decided query where known, else the live estimate. */
        public @Nullable Double auc(WindowMetrics w) {
            WindowQuality q = full.get(w.getWindowStart().toEpochMilli());
            return q != null ? Double.valueOf(q.auc()) : w.getAuc();
        }

        /** The window's global-trend AUC, read as {@link #auc} is. */
        public @Nullable Double trendAuc(WindowMetrics w) {
            WindowQuality q = full.get(w.getWindowStart().toEpochMilli());
            return q != null ? q.trendAuc() : w.getGlobalTrendAuc();
        }

        /** The queries behind the window's {@link #auc}. */
        long weight(WindowMetrics w) {
            WindowQuality q = full.get(w.getWindowStart().toEpochMilli());
            return q != null ? q.queries() : w.getShadowQueries();
        }

        /** Mean AUC of the windows entirely before the shift (see {@link #mean}). */
        public double levelBefore() {
            return mean(before(), this::auc);
        }

        /** Windows entirely before the shift, oldest first. */
        public List<WindowMetrics> before() {
            return windows.stream()
                    .filter(w -> w.getWindowEnd().toEpochMilli() <= shiftedAtMillis)
                    .toList();
        }

        /** Windows entirely after the shift, oldest first. */
        public List<WindowMetrics> after() {
            return windows.stream()
                    .filter(w -> w.getWindowStart().toEpochMilli() >= shiftedAtMillis)
                    .toList();
        }

        /** Mean AUC of the windows entirely after the shift (see {@link #mean}). */
        public double levelAfter() {
            return mean(after(), this::auc);
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
                Double auc = auc(w);
                if (auc != null && auc >= level - points) {
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
            List<WindowMetrics> before = before();
            List<WindowMetrics> settled = after().stream().skip(1).toList();
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("before_auc", mean(before, this::auc));
            out.put("before_trend", mean(before, this::trendAuc));
            out.put("after_auc", mean(settled, this::auc));
            out.put("after_trend", mean(settled, this::trendAuc));
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
                Double auc = auc(w);
                Double trend = trendAuc(w);
                if (auc == null || trend == null) {
                    continue;
                }
                if (auc > trend) {
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

        /**
         * The mean of a window figure, each window weighted by the queries behind it (all decided
         * queries for a full-information figure, the fully observed ones for a live one): a live
         * window with two explored queries says little, and with the router's own exploration a
         * short window may have only that many.
         */
        private double mean(List<WindowMetrics> windows, Function<WindowMetrics, Double> figure) {
            double sum = 0;
            double weight = 0;
            for (WindowMetrics w : windows) {
                Double v = figure.apply(w);
                long n = weight(w);
                if (v != null && Double.isFinite(v) && n > 0) {
                    sum += n * v;
                    weight += n;
                }
            }
            return weight == 0 ? Double.NaN : sum / weight;
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
         * The routing job's fallback, recovery and promotion alerts ({@code fallback/<router>},
         * {@code recovered/<router>}, {@code promoted/<challenger>}), oldest first.
         */
        public List<Alert> fallbacks() {
            return alerts.stream()
                    .filter(
                            a ->
                                    a.getKind().startsWith("fallback/")
                                            || a.getKind().startsWith("recovered/")
                                            || a.getKind().startsWith("promoted/"))
                    .sorted(java.util.Comparator.comparing(Alert::getWindowEnd))
                    .toList();
        }

        /** {drift alerts, windows} before the shift: the false-alarm count and its denominator. */
        public long[] driftAlarmsWithoutShift() {
            long windowsBefore = before().size();
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
     * @param traffic with no rows after the shift, a replay without one: every window is before it
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
            PoolSeeder.seed(
                    stack.producer(),
                    stack.wire(),
                    pool,
                    s.router(),
                    s.exploration(),
                    Map.of(
                            PoolSettings.PRIOR,
                            online ? s.onlinePrior() : staticPrior(s.onlinePrior())),
                    data,
                    traffic.seed(),
                    stack.embedder(),
                    PoolSeeder.progress(out));
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
                                            traffic.after().isEmpty()
                                                    ? -1
                                                    : traffic.before().size(),
                                            Duration.ofSeconds(10)),
                                    data,
                                    traffic.before(),
                                    traffic.after(),
                                    stack.wire(),
                                    out,
                                    stop)
                            .run(stack.producer());
            if (summary.shiftedAt() == null && !traffic.after().isEmpty()) {
                throw new IllegalStateException("the replay stopped before the shift");
            }
            Map<Long, WindowQuality> full = new java.util.HashMap<>();
            for (WindowMetrics w : summary.windows()) {
                WindowQuality q = Judged.of(w, summary.judged());
                if (q != null) {
                    full.put(w.getWindowStart().toEpochMilli(), q);
                }
            }
            return new Pass(
                    name,
                    summary.windows(),
                    summary.alerts(),
                    // Without a shift every window is "before" it.
                    summary.shiftedAt() == null
                            ? Long.MAX_VALUE
                            : summary.shiftedAt().toEpochMilli(),
                    full,
                    summary.judged());
        }
    }
}

package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Replays benchmark prompts as live traffic: each query goes to {@code router.queries} at the
 * configured rate (switching to the second traffic at the shift, if any). Its {@link ReplayGateway}
 * answers the decisions as an LLM gateway would, with the chosen model's outcome and, on the
 * queries the router explores, every other model's too (what the windowed AUC is computed on), and
 * its {@link ReplayConsole} prints progress, alerts and the closed windows.
 */
public final class Replayer {
    /**
     * @param queries queries to send; the traffic rows are cycled (each send gets a fresh id)
     * @param rate queries per second
     * @param shiftAfter queries of the first traffic before switching to the second; -1: no shift
     */
    public record Settings(
            String bootstrap,
            String pool,
            int queries,
            double rate,
            @Nullable Double lambda,
            int shiftAfter,
            Duration progressEvery) {
        public Settings {
            if (queries < 1) {
                throw new IllegalArgumentException("--queries must be >= 1, got " + queries);
            }
            if (!(rate > 0)) {
                throw new IllegalArgumentException("--rate must be > 0, got " + rate);
            }
        }
    }

    /** What a replay did. */
    public record Summary(
            long sent,
            long decided,
            long outcomes,
            long exploredQueries,
            double meanScoreBeforeShift,
            double meanScoreAfterShift,
            List<WindowMetrics> windows,
            List<Alert> alerts,
            @Nullable Instant shiftedAt,
            List<Judged> judged,
            List<ReplayGateway.Answered> answered) {

        /**
         * The mean of AUC − global-trend AUC over the windows that have both, and how many there
         * are: the number an online router lives by.
         */
        public static double[] meanLift(List<WindowMetrics> windows) {
            return meanLift(windows, w -> new Double[] {w.getAuc(), w.getGlobalTrendAuc()});
        }

        /**
         * {@link #meanLift(List)} with each window judged on every decided query of it ({@link
         * Judged}) instead of on its few explored ones: a replay knows every model's outcome.
         */
        public static double[] judgedLift(List<WindowMetrics> windows, List<Judged> judged) {
            return meanLift(
                    windows,
                    w -> {
                        var q = w.getTrend().isEmpty() ? null : Judged.of(w, judged);
                        return q == null
                                ? new Double[] {null, null}
                                : new Double[] {q.auc(), q.trendAuc()};
                    });
        }

        private static double[] meanLift(
                List<WindowMetrics> windows,
                java.util.function.Function<WindowMetrics, Double[]> aucAndTrend) {
            double sum = 0;
            int n = 0;
            for (WindowMetrics w : windows) {
                Double[] figures = aucAndTrend.apply(w);
                if (figures[0] != null && figures[1] != null) {
                    sum += figures[0] - figures[1];
                    n++;
                }
            }
            return new double[] {n == 0 ? Double.NaN : sum / n, n};
        }

        public void print(PrintStream out, boolean shifted, double seconds) {
            out.printf(
                    Locale.ROOT,
                    "%nreplayed %d queries in %.0f s: %d decided, %d outcomes reported (%d queries"
                            + " explored)%n",
                    sent,
                    seconds,
                    decided,
                    outcomes,
                    exploredQueries);
            if (shifted) {
                out.printf(
                        Locale.ROOT,
                        "mean score of the chosen model: %.3f before the shift, %.3f after%n",
                        meanScoreBeforeShift,
                        meanScoreAfterShift);
            } else {
                out.printf(
                        Locale.ROOT,
                        "mean score of the chosen model: %.3f%n",
                        meanScoreBeforeShift);
            }
            out.printf("%d closed windows, %d alerts%n", windows.size(), alerts.size());
            double[] lift = meanLift(windows);
            if (lift[1] > 0) {
                out.printf(
                        Locale.ROOT,
                        "mean lift over the global trend: %+.2f AUC over %d windows with a trend%n",
                        lift[0],
                        (int) lift[1]);
            }
            double[] all = judgedLift(windows, judged);
            if (all[1] > 0) {
                out.printf(
                        Locale.ROOT,
                        "  on every decided query of those windows, not only the explored ones:"
                                + " %+.2f AUC%n",
                        all[0]);
            }
            for (WindowMetrics w : windows) {
                out.printf(
                        Locale.ROOT,
                        "  %s %-8s n %3d  AUC %6s  oracle %6s  trend %6s  OOD %3.0f%%  drift %s%n",
                        w.getWindowStart().toString().substring(11, 19),
                        w.getRouter(),
                        w.getN(),
                        ReplayConsole.fmt(w.getAuc()),
                        ReplayConsole.fmt(w.getOracleAuc()),
                        ReplayConsole.fmt(w.getGlobalTrendAuc()),
                        100 * w.getOodShare(),
                        ReplayConsole.fmt(w.getDrift()));
            }
            out.println("(a window closes when a later query arrives; the last one stays open)");
        }
    }

    private final Settings s;
    private final Benchmark data;
    private final List<BenchmarkRow> before;
    private final List<BenchmarkRow> after;
    private final WireFormat wire;
    private final PrintStream out;
    private final AtomicBoolean stop;
    private java.util.function.Consumer<ReplayGateway> atShift = g -> {};

    /**
     * @param before the traffic (before the shift, if any)
     * @param after the traffic after the shift (empty: no shift)
     */
    public Replayer(
            Settings settings,
            Benchmark data,
            List<BenchmarkRow> before,
            List<BenchmarkRow> after,
            WireFormat wire,
            PrintStream out,
            AtomicBoolean stop) {
        if (before.isEmpty()) {
            throw new IllegalArgumentException("no rows to replay");
        }
        this.s = settings;
        this.data = data;
        this.before = before;
        this.after = after;
        this.wire = wire;
        this.out = out;
        this.stop = stop;
    }

    /** Runs {@code action} on the replay's gateway when the traffic shifts (e.g. prices change). */
    public Replayer atShift(java.util.function.Consumer<ReplayGateway> action) {
        this.atShift = action;
        return this;
    }

    /** How long the replay keeps reading windows after the last decision, once none comes. */
    static final Duration SETTLE = Duration.ofSeconds(4);

    /**
     * Sends the traffic at the configured rate while the gateway answers the decisions and the
     * console follows the pool's windows, then waits (a minute at most) for the last decisions and
     * (while they keep coming, {@link #SETTLE}) for the windows they close.
     */
    public Summary run(KafkaProducer<byte[], byte[]> producer) throws InterruptedException {
        RecordCodec<Query> queryCodec = wire.codec(Query.class, Topics.QUERIES);
        ReplayGateway gateway =
                new ReplayGateway(
                        data,
                        wire.codec(RoutingDecision.class, Topics.DECISIONS),
                        wire.codec(Outcome.class, Topics.OUTCOMES),
                        producer);
        ReplayConsole console = new ReplayConsole(s.pool(), s.queries(), out, wire);

        try (KafkaConsumer<byte[], byte[]> decisions =
                        atEnd(List.of(Topics.DECISIONS), "read_committed");
                KafkaConsumer<byte[], byte[]> monitor =
                        atEnd(List.of(Topics.METRICS, Topics.ALERTS), "read_committed")) {
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread reader =
                    new Thread(
                            () -> {
                                while (reading.get()) {
                                    decisions.poll(Duration.ofMillis(100)).forEach(gateway::answer);
                                    monitor.poll(Duration.ofMillis(0)).forEach(console::watch);
                                }
                            },
                            "replay-gateway");
            reader.setDaemon(true);
            reader.start();

            long start = System.nanoTime();
            Progress progress = new Progress(start, gateway, console);
            Instant shiftedAt = null;
            int sent = 0;
            while (sent < s.queries() && !stop.get()) {
                boolean isAfter = s.shiftAfter() >= 0 && sent >= s.shiftAfter() && !after.isEmpty();
                if (isAfter && shiftedAt == null) {
                    shiftedAt = Instant.now();
                    atShift.accept(gateway);
                }
                List<BenchmarkRow> traffic = isAfter ? after : before;
                BenchmarkRow row = traffic.get(sent % traffic.size());
                progress.phase =
                        isAfter ? "after the shift" : s.shiftAfter() >= 0 ? "before the shift" : "";
                String id = String.format(Locale.ROOT, "%s-%06d-%s", s.pool(), sent, row.id());
                gateway.expect(id, row, isAfter, sent);
                producer.send(
                        new ProducerRecord<>(
                                Topics.QUERIES,
                                id.getBytes(StandardCharsets.UTF_8),
                                queryCodec.encode(query(id, row))));
                sent++;
                long due = start + (long) (sent * 1e9 / s.rate());
                long now;
                while ((now = System.nanoTime()) < due && !stop.get()) {
                    progress.maybePrint(sent, now);
                    Thread.sleep(Math.max(1, Math.min(50, (due - now) / 1_000_000)));
                }
            }
            producer.flush();
            // Wait for the last decisions (a minute at most), still printing progress.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (gateway.decided() < sent && System.nanoTime() < deadline && !stop.get()) {
                Thread.sleep(200);
                progress.maybePrint(sent, System.nanoTime());
            }
            // The streams app closes a window once later outcomes reach it, and it may lag the
            // decisions (it shares the cores with the job's training): keep reading the windows
            // it can still close from this traffic until none has come for SETTLE (at most 4×).
            long settleEnd = System.nanoTime() + 4 * SETTLE.toNanos();
            int windows = console.windows().size();
            long lastWindow = System.nanoTime();
            while (!stop.get()
                    && System.nanoTime() < settleEnd
                    && System.nanoTime() - lastWindow < SETTLE.toNanos()) {
                Thread.sleep(200);
                int now = console.windows().size();
                if (now != windows) {
                    windows = now;
                    lastWindow = System.nanoTime();
                }
            }
            reading.set(false);
            reader.join(5000);
            producer.flush();
            return new Summary(
                    sent,
                    gateway.decided(),
                    gateway.outcomes(),
                    gateway.exploredQueries(),
                    gateway.meanScoreBefore(),
                    gateway.meanScoreAfter(),
                    console.windows(),
                    console.alerts(),
                    shiftedAt,
                    gateway.judged(),
                    gateway.answered());
        }
    }

    private Query query(String id, BenchmarkRow row) {
        return Query.newBuilder()
                .setId(id)
                .setPool(s.pool())
                .setText(row.prompt())
                .setLambda(s.lambda())
                .setTs(Instant.now())
                .setAttributes(Map.of("dataset", row.dataset()))
                .build();
    }

    /**
     * Prints a progress line every {@code progressEvery}, with the decision rate since the last.
     */
    private final class Progress {
        private final long everyNanos = s.progressEvery().toNanos();
        private final ReplayGateway gateway;
        private final ReplayConsole console;
        private long next;
        private long lastDecided;
        String phase = "";

        Progress(long start, ReplayGateway gateway, ReplayConsole console) {
            this.gateway = gateway;
            this.console = console;
            next = start + everyNanos;
        }

        void maybePrint(int sent, long now) {
            if (now < next) {
                return;
            }
            long d = gateway.decided();
            console.progress(sent, d, (d - lastDecided) / (everyNanos / 1e9), phase);
            lastDecided = d;
            next += everyNanos;
        }
    }

    private KafkaConsumer<byte[], byte[]> atEnd(List<String> topics, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Topics.assignAtEnd(consumer, topics);
        return consumer;
    }
}

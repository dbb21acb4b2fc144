package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Replays benchmark prompts as live traffic and plays the LLM gateway: each query goes to {@code
 * router.queries}; each decision is answered on {@code router.outcomes} with the dataset's true
 * outcome for the chosen model, and a shadow share of queries gets every model's outcome (what the
 * windowed AUC is computed on). Prints a live summary from {@code router.metrics} and {@code
 * router.alerts}.
 */
public final class Replayer {
    /**
     * @param queries queries to send; the traffic rows are cycled (each send gets a fresh id)
     * @param rate queries per second
     * @param shadowShare share of queries answered with every model's outcome
     * @param shiftAfter queries of the first traffic before switching to the second; -1: no shift
     */
    public record Settings(
            String bootstrap,
            String pool,
            int queries,
            double rate,
            double shadowShare,
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
            if (!(shadowShare >= 0 && shadowShare <= 1)) {
                throw new IllegalArgumentException(
                        "--shadow-share must be in [0, 1], got " + shadowShare);
            }
        }
    }

    /** What a replay did. */
    public record Summary(
            long sent,
            long decided,
            long outcomes,
            long shadowQueries,
            double meanScoreBeforeShift,
            double meanScoreAfterShift,
            List<WindowMetrics> windows,
            List<Alert> alerts,
            @Nullable Instant shiftedAt) {

        public void print(PrintStream out, boolean shifted, double seconds) {
            out.printf(
                    Locale.ROOT,
                    "%nreplayed %d queries in %.0f s: %d decided, %d outcomes reported (%d shadow"
                            + " queries)%n",
                    sent,
                    seconds,
                    decided,
                    outcomes,
                    shadowQueries);
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
            for (WindowMetrics w : windows) {
                out.printf(
                        Locale.ROOT,
                        "  %s %-8s n %3d  AUC %6s  oracle %6s  trend %6s  OOD %3.0f%%  drift %s%n",
                        w.getWindowStart().toString().substring(11, 19),
                        w.getRouter(),
                        w.getN(),
                        fmt(w.getAuc()),
                        fmt(w.getOracleAuc()),
                        fmt(w.getGlobalTrendAuc()),
                        100 * w.getOodShare(),
                        fmt(w.getDrift()));
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

    /** A query sent and not decided yet: its row, and whether it was sent after the shift. */
    private record Sent(BenchmarkRow row, boolean afterShift) {}

    private final Map<String, Sent> pending = new ConcurrentHashMap<>();
    private final AtomicLong decided = new AtomicLong();
    private final AtomicLong outcomes = new AtomicLong();
    private final AtomicLong shadow = new AtomicLong();
    private final DoubleAdder scoreBefore = new DoubleAdder();
    private final AtomicLong countBefore = new AtomicLong();
    private final DoubleAdder scoreAfter = new DoubleAdder();
    private final AtomicLong countAfter = new AtomicLong();
    private final List<WindowMetrics> windows = new ArrayList<>();
    private final List<Alert> alerts = new ArrayList<>();
    private final AtomicReference<String> phase = new AtomicReference<>("");
    private volatile @Nullable Instant shiftedAt;

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

    public Summary run(KafkaProducer<byte[], byte[]> producer) throws InterruptedException {
        RecordCodec<Query> queryCodec = wire.codec(Query.class, Topics.QUERIES);
        RecordCodec<Outcome> outcomeCodec = wire.codec(Outcome.class, Topics.OUTCOMES);
        RecordCodec<RoutingDecision> decisionCodec =
                wire.codec(RoutingDecision.class, Topics.DECISIONS);
        RecordCodec<WindowMetrics> metricsCodec = wire.codec(WindowMetrics.class, Topics.METRICS);
        RecordCodec<Alert> alertCodec = wire.codec(Alert.class, Topics.ALERTS);

        try (KafkaConsumer<byte[], byte[]> decisions =
                        atEnd(List.of(Topics.DECISIONS), "read_committed");
                KafkaConsumer<byte[], byte[]> monitor =
                        atEnd(List.of(Topics.METRICS, Topics.ALERTS), "read_committed")) {
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread gateway =
                    new Thread(
                            () -> {
                                while (reading.get()) {
                                    for (ConsumerRecord<byte[], byte[]> r :
                                            decisions.poll(Duration.ofMillis(100))) {
                                        answer(r, decisionCodec, outcomeCodec, producer);
                                    }
                                    for (ConsumerRecord<byte[], byte[]> r :
                                            monitor.poll(Duration.ofMillis(0))) {
                                        watch(r, metricsCodec, alertCodec);
                                    }
                                }
                            },
                            "replay-gateway");
            gateway.setDaemon(true);
            gateway.start();

            long start = System.nanoTime();
            Progress progress = new Progress(start);
            int sent = 0;
            while (sent < s.queries() && !stop.get()) {
                boolean isAfter = s.shiftAfter() >= 0 && sent >= s.shiftAfter() && !after.isEmpty();
                if (isAfter && shiftedAt == null) {
                    shiftedAt = Instant.now();
                }
                List<BenchmarkRow> traffic = isAfter ? after : before;
                BenchmarkRow row = traffic.get(sent % traffic.size());
                phase.set(
                        isAfter
                                ? "after the shift"
                                : s.shiftAfter() >= 0 ? "before the shift" : "");
                String id = String.format(Locale.ROOT, "%s-%06d-%s", s.pool(), sent, row.id());
                pending.put(id, new Sent(row, isAfter));
                Query q =
                        Query.newBuilder()
                                .setId(id)
                                .setPool(s.pool())
                                .setText(row.prompt())
                                .setLambda(s.lambda())
                                .setTs(Instant.now())
                                .setAttributes(Map.of("dataset", row.dataset()))
                                .build();
                producer.send(
                        new ProducerRecord<>(
                                Topics.QUERIES,
                                id.getBytes(StandardCharsets.UTF_8),
                                queryCodec.encode(q)));
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
            while (decided.get() < sent && System.nanoTime() < deadline && !stop.get()) {
                Thread.sleep(200);
                progress.maybePrint(sent, System.nanoTime());
            }
            reading.set(false);
            gateway.join(5000);
            producer.flush();
            synchronized (windows) {
                return new Summary(
                        sent,
                        decided.get(),
                        outcomes.get(),
                        shadow.get(),
                        countBefore.get() == 0 ? Double.NaN : scoreBefore.sum() / countBefore.get(),
                        countAfter.get() == 0 ? Double.NaN : scoreAfter.sum() / countAfter.get(),
                        List.copyOf(windows),
                        List.copyOf(alerts),
                        shiftedAt);
            }
        }
    }

    private void answer(
            ConsumerRecord<byte[], byte[]> r,
            RecordCodec<RoutingDecision> decisionCodec,
            RecordCodec<Outcome> outcomeCodec,
            KafkaProducer<byte[], byte[]> producer) {
        RoutingDecision d;
        try {
            d = decisionCodec.decode(r.value());
        } catch (UndecodableRecordException e) {
            return;
        }
        Sent sent = pending.remove(d.getQueryId());
        if (sent == null) {
            return; // not one of ours
        }
        BenchmarkRow row = sent.row();
        decided.incrementAndGet();
        boolean isShadow =
                Math.floorMod(d.getQueryId().hashCode(), 10_000) < s.shadowShare() * 10_000;
        int chosen = data.models().indexOf(d.getModel());
        if (chosen >= 0) {
            (sent.afterShift() ? scoreAfter : scoreBefore).add(row.scores()[chosen]);
            (sent.afterShift() ? countAfter : countBefore).incrementAndGet();
        }
        if (isShadow) {
            shadow.incrementAndGet();
        }
        for (int m = 0; m < data.models().size(); m++) {
            if (m != chosen && !isShadow) {
                continue;
            }
            Outcome o =
                    Outcome.newBuilder()
                            .setQueryId(d.getQueryId())
                            .setPool(d.getPool())
                            .setModel(data.models().get(m))
                            .setScore(row.scores()[m])
                            .setCost(row.costs() == null ? 0 : row.costs()[m])
                            .setTs(Instant.now())
                            .build();
            producer.send(
                    new ProducerRecord<>(
                            Topics.OUTCOMES,
                            d.getQueryId().getBytes(StandardCharsets.UTF_8),
                            outcomeCodec.encode(o)));
            outcomes.incrementAndGet();
        }
    }

    private void watch(
            ConsumerRecord<byte[], byte[]> r,
            RecordCodec<WindowMetrics> metricsCodec,
            RecordCodec<Alert> alertCodec) {
        try {
            synchronized (windows) {
                if (r.topic().equals(Topics.METRICS)) {
                    WindowMetrics w = metricsCodec.decode(r.value());
                    if (w.getPool().equals(s.pool())) {
                        windows.add(w);
                    }
                } else {
                    Alert a = alertCodec.decode(r.value());
                    if (a.getPool().equals(s.pool())) {
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

    /**
     * Prints a progress line every {@code progressEvery}, with the decision rate since the last.
     */
    private final class Progress {
        private final long everyNanos = s.progressEvery().toNanos();
        private long next;
        private long lastDecided;

        Progress(long start) {
            next = start + everyNanos;
        }

        void maybePrint(int sent, long now) {
            if (now < next) {
                return;
            }
            long d = decided.get();
            progress(sent, d, (d - lastDecided) / (everyNanos / 1e9));
            lastDecided = d;
            next += everyNanos;
        }
    }

    private void progress(int sent, long decidedNow, double perSecond) {
        StringBuilder line =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "sent %d/%d, decided %d (%.1f/s)",
                                sent,
                                s.queries(),
                                decidedNow,
                                perSecond));
        if (!phase.get().isEmpty()) {
            line.append(", ").append(phase.get());
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

    private static String fmt(@Nullable Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
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

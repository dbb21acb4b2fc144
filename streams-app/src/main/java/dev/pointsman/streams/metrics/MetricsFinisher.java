package dev.pointsman.streams.metrics;

import dev.pointsman.core.monitor.Drift;
import dev.pointsman.core.monitor.WindowQuality;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.ModelMean;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.streams.Binary;
import dev.pointsman.streams.TopologySettings;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.jspecify.annotations.Nullable;

/**
 * Turns a closed window of one pool into {@link WindowMetrics} (one per router) and {@link Alert}s.
 * The global trend a window is compared with is the per-model mean of the outcomes observed in the
 * pool's earlier windows, each weighted by its inverse propensity (so that the outcomes of the
 * chosen models do not outweigh those of the explored ones) and decayed by {@code
 * --trend-half-life} windows (four times as fast across a window that raised a drift alert), so
 * that it follows the traffic; it is written into each window's metrics, where the routing job's
 * fallback reads it. Drift is measured against the pool's reference window, the first one with at
 * least {@code --alert-min-queries} queries, until {@code --drift-rebase-windows} drifted windows
 * in a row make their traffic the new reference. Keeps the recent windows in a queryable store for
 * the HTTP API and the dashboard (the alerts are kept by {@link AlertHistory}, which reads them
 * back from {@code router.alerts} together with the routing job's).
 */
public final class MetricsFinisher
        implements Processor<Windowed<String>, WindowAggregate, String, SpecificRecord> {
    public static final String TREND_STORE = "metrics-trend";

    /** How many windows' worth a window with a drift alert ages the trend by. */
    static final int DRIFT_AGEING = 4;

    public static final String REFERENCE_STORE = "metrics-reference";
    public static final String HISTORY_STORE = "metrics-history";

    private final TopologySettings settings;
    private final RecordCodec<WindowMetrics> metricsCodec;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, byte[]> trends;
    private KeyValueStore<String, byte[]> references;
    private KeyValueStore<String, byte[]> history;

    /** The finisher's state stores, to add to the topology. */
    public static List<StoreBuilder<?>> storeBuilders() {
        List<StoreBuilder<?>> stores = new ArrayList<>();
        for (String name : List.of(TREND_STORE, REFERENCE_STORE, HISTORY_STORE)) {
            stores.add(
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(name),
                            Serdes.String(),
                            Serdes.ByteArray()));
        }
        return stores;
    }

    public MetricsFinisher(TopologySettings settings, RecordCodec<WindowMetrics> metricsCodec) {
        this.settings = settings;
        this.metricsCodec = metricsCodec;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        trends = context.getStateStore(TREND_STORE);
        references = context.getStateStore(REFERENCE_STORE);
        history = context.getStateStore(HISTORY_STORE);
    }

    @Override
    public void process(Record<Windowed<String>, WindowAggregate> record) {
        String pool = record.key().key();
        long start = record.key().window().start();
        long end = record.key().window().end();
        WindowAggregate window = record.value();

        Map<String, double[]> trendSums = readTrend(trends.get(pool));
        Map<String, double[]> trend = new TreeMap<>();
        trendSums.forEach((m, s) -> trend.put(m, new double[] {s[1] / s[0], s[2] / s[0]}));

        Reference reference = Reference.decode(references.get(pool));
        Double psi = null;
        Double shift = null;
        double[] sum = window.embeddingSum() == null ? new double[0] : window.embeddingSum();
        if (reference != null) {
            psi = finite(Drift.psi(reference.oodHistogram, window.oodHistogram()));
            if (sum.length > 0 && reference.embeddingSum.length == sum.length) {
                shift = finite(Drift.meanShift(reference.embeddingSum, sum));
            }
        } else if (window.queries() >= settings.alerts().minQueries()) {
            references.put(pool, Reference.of(start, window.oodHistogram(), sum).encode());
        }

        List<Alert> raised = new ArrayList<>();
        boolean enough = window.queries() >= settings.alerts().minQueries();
        TopologySettings.AlertThresholds t = settings.alerts();
        boolean psiDrift = enough && psi != null && psi > t.driftPsi();
        boolean embeddingDrift = enough && shift != null && shift > t.embeddingShift();
        boolean drifted = psiDrift || embeddingDrift;
        if (psiDrift) {
            raised.add(alert(pool, "drift-psi", psi, t.driftPsi(), start, end));
        }
        if (embeddingDrift) {
            raised.add(alert(pool, "embedding-shift", shift, t.embeddingShift(), start, end));
        }
        for (Map.Entry<String, WindowAggregate.RouterStats> e : window.routers().entrySet()) {
            String router = e.getKey();
            WindowAggregate.RouterStats s = e.getValue();
            WindowQuality quality = WindowQuality.of(s.shadow, trend);
            double oodShare = s.queries == 0 ? 0 : (double) s.oodFlagged / s.queries;
            WindowMetrics metrics =
                    WindowMetrics.newBuilder()
                            .setPool(pool)
                            .setRouter(router)
                            .setWindowStart(Instant.ofEpochMilli(start))
                            .setWindowEnd(Instant.ofEpochMilli(end))
                            .setAuc(quality == null ? null : quality.auc())
                            .setOracleAuc(quality == null ? null : quality.oracleAuc())
                            .setRandomAuc(quality == null ? null : quality.randomAuc())
                            .setGlobalTrendAuc(quality == null ? null : quality.trendAuc())
                            .setShadowQueries(quality == null ? 0 : quality.queries())
                            .setMeanScore(s.realised == 0 ? 0 : s.realisedScore / s.realised)
                            .setMeanCost(s.realised == 0 ? 0 : s.realisedCost / s.realised)
                            .setMae(s.errors == 0 ? null : s.absScoreError / s.errors)
                            .setMaeCost(s.errors == 0 ? null : s.absCostError / s.errors)
                            .setOodShare(oodShare)
                            .setDrift(psi)
                            .setEmbeddingShift(shift)
                            .setN(s.queries)
                            .setOutcomes(s.outcomes)
                            .setTrend(means(trend))
                            .setLambda(finite(window.meanLambda()))
                            .setSpend(window.spend())
                            .setBudget(finite(window.spendTarget()))
                            .setDecisionsByModel(new java.util.HashMap<>(window.decisionsByModel()))
                            .setSpendByModel(new java.util.HashMap<>(window.spendByModel()))
                            .setExplored(window.explored())
                            .setTrendHalfLife(
                                    settings.trendHalfLife() > 0 ? settings.trendHalfLife() : null)
                            .setDrifted(drifted)
                            .build();
            context.forward(new Record<>(pool, metrics, end));
            history.put(historyKey(pool, start, router), metricsCodec.encode(metrics));
            boolean routerEnough = s.queries >= t.minQueries();
            if (routerEnough && oodShare > t.oodShare()) {
                raised.add(alert(pool, "ood-share/" + router, oodShare, t.oodShare(), start, end));
            }
            if (quality != null && quality.trendAuc() != null && routerEnough) {
                double lift = quality.auc() - quality.trendAuc();
                if (lift < -t.aucBelowTrend()) {
                    raised.add(
                            alert(
                                    pool,
                                    "auc-below-trend/" + router,
                                    lift,
                                    -t.aucBelowTrend(),
                                    start,
                                    end));
                }
            }
        }
        for (Alert a : raised) {
            context.forward(new Record<>(pool, a, end));
        }

        // A window that raised a drift alert ages the earlier outcomes four times as fast: the
        // traffic they describe is going away.
        double carry = Math.pow(settings.trendCarry(), drifted ? DRIFT_AGEING : 1);
        trendSums.values().forEach(total -> Arrays.setAll(total, i -> total[i] * carry));
        window.observed()
                .forEach(
                        (model, sums) -> {
                            double[] total = trendSums.computeIfAbsent(model, m -> new double[3]);
                            for (int i = 0; i < 3; i++) {
                                total[i] += sums[i];
                            }
                        });
        trends.put(pool, writeTrend(trendSums));
        if (reference != null && enough) {
            rebase(pool, reference, drifted, start, end, window.oodHistogram(), sum);
        }
        prune(history, pool, end - settings.history().toMillis());
    }

    /**
     * Counts the drifted windows in a row and adds their traffic up; after {@code
     * --drift-rebase-windows} of them that traffic becomes the reference, with a {@code
     * drift-rebased} alert (value: the windows it took), so that a lasting shift stops alerting on
     * every later window and ageing the trend four times as fast. A window that does not drift
     * starts the count again.
     */
    private void rebase(
            String pool,
            Reference reference,
            boolean drifted,
            long start,
            long end,
            long[] histogram,
            double[] sum) {
        int windows = settings.alerts().driftRebase();
        if (windows == 0) {
            return;
        }
        Reference next;
        if (!drifted) {
            next = reference.steady();
        } else {
            next = reference.drifted(histogram, sum);
            if (next.drifted >= windows) {
                next = Reference.of(start, next.pendingHistogram, next.pendingSum);
                Alert a = alert(pool, "drift-rebased", windows, windows, start, end);
                context.forward(new Record<>(pool, a, end));
            }
        }
        references.put(pool, next.encode());
    }

    private static Map<String, ModelMean> means(Map<String, double[]> trend) {
        Map<String, ModelMean> out = new TreeMap<>();
        trend.forEach((model, mean) -> out.put(model, new ModelMean(mean[0], mean[1])));
        return out;
    }

    private static Alert alert(
            String pool, String kind, double value, double threshold, long start, long end) {
        return Alert.newBuilder()
                .setPool(pool)
                .setKind(kind)
                .setValue(value)
                .setThreshold(threshold)
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(end))
                .build();
    }

    /** {@code pool NUL zero-padded-window-start NUL name}: a pool's entries sort by time. */
    public static String historyKey(String pool, long windowStart, String name) {
        return pool + '\u0000' + String.format("%020d", windowStart) + '\u0000' + name;
    }

    /** The first and last possible history keys of {@code pool}. */
    public static String[] poolRange(String pool) {
        return new String[] {pool + '\u0000', pool + '\u0001'};
    }

    static void prune(KeyValueStore<String, byte[]> store, String pool, long before) {
        if (before <= 0) {
            return;
        }
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it =
                store.range(pool + '\u0000', historyKey(pool, before, ""))) {
            while (it.hasNext()) {
                old.add(it.next().key);
            }
        }
        old.forEach(store::delete);
    }

    private static @Nullable Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Map<String, double[]> readTrend(byte @Nullable [] bytes) {
        Map<String, double[]> sums = new TreeMap<>();
        if (bytes == null) {
            return sums;
        }
        return Binary.decode(
                in -> {
                    Binary.readVersion(in, 1, "global trend");
                    int n = in.readInt();
                    for (int i = 0; i < n; i++) {
                        sums.put(in.readUTF(), Binary.readDoubles(in));
                    }
                    return sums;
                },
                bytes);
    }

    private static byte[] writeTrend(Map<String, double[]> sums) {
        return Binary.encode(
                (out, value) -> {
                    Binary.writeVersion(out, 1);
                    out.writeInt(value.size());
                    for (Map.Entry<String, double[]> e : value.entrySet()) {
                        out.writeUTF(e.getKey());
                        Binary.writeDoubles(out, e.getValue());
                    }
                },
                sums);
    }

    /**
     * The traffic drift is measured against, and the drifted windows in a row since it was set with
     * their traffic added up ({@code pendingHistogram}, {@code pendingSum}).
     */
    record Reference(
            long windowStart,
            long[] oodHistogram,
            double[] embeddingSum,
            int drifted,
            long[] pendingHistogram,
            double[] pendingSum) {

        static Reference of(long start, long[] histogram, double[] sum) {
            return new Reference(
                    start,
                    histogram.clone(),
                    sum.clone(),
                    0,
                    new long[histogram.length],
                    new double[sum.length]);
        }

        /** The same reference with no drifted window pending. */
        Reference steady() {
            return drifted == 0
                    ? this
                    : new Reference(
                            windowStart,
                            oodHistogram,
                            embeddingSum,
                            0,
                            new long[oodHistogram.length],
                            new double[embeddingSum.length]);
        }

        /** One more drifted window, its traffic added to the pending sums. */
        Reference drifted(long[] histogram, double[] sum) {
            long[] h = drifted == 0 ? new long[histogram.length] : pendingHistogram.clone();
            double[] e = drifted == 0 ? new double[sum.length] : pendingSum.clone();
            for (int i = 0; i < Math.min(h.length, histogram.length); i++) {
                h[i] += histogram[i];
            }
            if (e.length == sum.length) {
                for (int i = 0; i < e.length; i++) {
                    e[i] += sum[i];
                }
            }
            return new Reference(windowStart, oodHistogram, embeddingSum, drifted + 1, h, e);
        }

        byte[] encode() {
            return Binary.encode(Reference::write, this);
        }

        static @Nullable Reference decode(byte @Nullable [] bytes) {
            return bytes == null ? null : Binary.decode(Reference::read, bytes);
        }

        private static void write(DataOutputStream out, Reference r) throws IOException {
            Binary.writeVersion(out, 2);
            out.writeLong(r.windowStart);
            Binary.writeLongs(out, r.oodHistogram);
            Binary.writeDoubles(out, r.embeddingSum);
            out.writeInt(r.drifted);
            Binary.writeLongs(out, r.pendingHistogram);
            Binary.writeDoubles(out, r.pendingSum);
        }

        private static Reference read(DataInputStream in) throws IOException {
            int version = Binary.readVersion(in, 1, 2, "drift reference");
            long start = in.readLong();
            long[] histogram = Binary.readLongs(in);
            double[] sum = Binary.readDoubles(in);
            if (version == 1) {
                return of(start, histogram, sum);
            }
            return new Reference(
                    start,
                    histogram,
                    sum,
                    in.readInt(),
                    Binary.readLongs(in),
                    Binary.readDoubles(in));
        }
    }
}

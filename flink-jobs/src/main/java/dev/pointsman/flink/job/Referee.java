package dev.pointsman.flink.job;

import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.schemas.Alert;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.jspecify.annotations.Nullable;

/**
 * Keyed by pool, reads the streams app's closed windows ({@code router.metrics}) and applies the
 * {@link Fallback} rule to the windows of the router the pool runs that have at least {@code
 * fallback.min-queries} fully observed queries and a trend. Every window of that router with a
 * trend sends the deciders its live trend (knn-shrunk shrinks toward it) and whether the pool has
 * fallen back, in which case they choose by it; the change itself is an alert on {@code
 * router.alerts}: {@code fallback/<router>} (value: the window's AUC minus the trend's) or {@code
 * recovered/<router>}. The windows of the router's challenger (a live-trend knn-shrunk pool's
 * trained-trend variant, measured on the same queries) go to {@link Challenge}: a promotion is sent
 * to the deciders and alerted as {@code promoted/<challenger>}.
 */
final class Referee extends CatalogGate<WindowEvent, CatalogUpdate> {
    private static final long serialVersionUID = 1L;

    private final int k;
    private transient ValueState<Fallback.State> state;
    private transient ValueState<Challenge.State> challenge;
    private transient @Nullable Context current;

    Referee(int k, Duration catalogWait, @Nullable RouterSpec defaultRouter) {
        super(WindowEvent.class, catalogWait, defaultRouter);
        this.k = k;
    }

    @Override
    public void open(OpenContext context) {
        super.open(context);
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "fallback", TypeInformation.of(Fallback.State.class)));
        challenge =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "challenge", TypeInformation.of(Challenge.State.class)));
    }

    /** The name the pool's decisions carry, so its windows are the ones counted. */
    static String routerName(PoolSettings settings, int k) {
        RouterSpec trained = settings.trainedRouter();
        return trained != null ? trained.name() : settings.knn(k).name();
    }

    @Override
    @Nullable String handle(WindowEvent w, Pool pool, Collector<CatalogUpdate> out) {
        PoolSettings settings = pool.settings();
        int windows = settings.fallbackWindows();
        String router = routerName(settings, k);
        try {
            Challenge.State c = challenge.value();
            if (c == null) {
                c = new Challenge.State();
            }
            boolean champion = w.router.equals(router);
            if (!champion && !w.router.equals(Decider.challengerOf(router, c.promoted))) {
                return null;
            }
            boolean flipped =
                    windows > 0
                            && !Double.isNaN(w.auc)
                            && w.shadowQueries >= settings.fallbackMinQueries()
                            && Challenge.observe(c, champion, w.windowEnd, w.auc, windows);
            challenge.update(c);
            Fallback.State s = state.value();
            if (s == null) {
                s = new Fallback.State();
            }
            if (flipped) {
                out.collect(CatalogUpdate.verdict(w, s.active, c.promoted));
                // The challenger before the flip is the one promoted.
                alert(
                        w,
                        "promoted/" + Decider.challengerOf(router, !c.promoted),
                        c.lastChallengerAuc,
                        windows);
            }
            if (!champion || w.windowEnd <= s.lastWindowEnd) {
                return null; // a challenger's window, or one counted already
            }
            s.lastWindowEnd = w.windowEnd;
            Fallback.Change change = Fallback.Change.NONE;
            if (windows > 0
                    && !Double.isNaN(w.auc)
                    && !Double.isNaN(w.trendAuc)
                    && w.shadowQueries >= settings.fallbackMinQueries()) {
                change = Fallback.observe(s, w.auc, w.trendAuc, windows);
            }
            state.update(s);
            // Every window with a trend tells the deciders the live trend (what knn-shrunk
            // shrinks toward) and whether the pool routes by it.
            boolean hasTrend = w.trendModels != null && w.trendModels.length > 0;
            if (hasTrend || s.active || change == Fallback.Change.RECOVERED) {
                out.collect(CatalogUpdate.verdict(w, s.active, c.promoted));
            }
            if (change != Fallback.Change.NONE) {
                alert(
                        w,
                        (change == Fallback.Change.FELL_BACK ? "fallback/" : "recovered/")
                                + w.router,
                        w.auc - w.trendAuc,
                        windows);
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException("fallback state of " + w.pool, e);
        }
    }

    /**
     * @param value for a fallback or recovery the window's AUC minus the trend's; for a promotion
     *     the promoted challenger's AUC in the window that decided it
     */
    private void alert(WindowEvent w, String kind, double value, int windows) {
        Alert a =
                Alert.newBuilder()
                        .setPool(w.pool)
                        .setKind(kind)
                        .setValue(value)
                        .setThreshold(0)
                        .setWindowStart(Instant.ofEpochMilli(w.windowStart))
                        .setWindowEnd(Instant.ofEpochMilli(w.windowEnd))
                        .build();
        alert(a);
    }

    @Override
    KafkaRecord source(WindowEvent w) {
        return w.source;
    }

    @Override
    String pool(WindowEvent w) {
        return w.pool;
    }
}

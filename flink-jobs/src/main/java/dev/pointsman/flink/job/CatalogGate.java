package dev.pointsman.flink.job;

import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.flink.records.DeadLetters;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.flink.records.KeyedBytes;
import dev.pointsman.flink.support.ShardKeys;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.jspecify.annotations.Nullable;

/**
 * Keyed by pool (or by one of a pool's lanes, {@link ShardKeys#lane}), with the catalogs broadcast:
 * hands each element to {@link #handle} together with its pool's catalog. An element of a pool
 * whose catalog has not arrived yet waits in keyed state (sources are read in parallel, so a query
 * can overtake the catalog record it depends on); if none arrives within {@code wait}, it is
 * dead-lettered as belonging to an unknown pool.
 */
abstract class CatalogGate<IN, OUT>
        extends KeyedBroadcastProcessFunction<String, IN, CatalogUpdate, OUT> {
    private static final long serialVersionUID = 1L;

    static final MapStateDescriptor<String, byte[]> CATALOGS =
            new MapStateDescriptor<>(
                    "catalogs",
                    Types.STRING,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    /**
     * Each pool's newest fallback verdict ({@link Referee}), where the broadcast carries weights.
     */
    static final MapStateDescriptor<String, CatalogUpdate> FALLBACKS =
            new MapStateDescriptor<>(
                    "fallbacks", Types.STRING, TypeInformation.of(CatalogUpdate.class));

    /** Each pool's newest paced λ ({@link Pacer}), where the broadcast carries weights. */
    static final MapStateDescriptor<String, CatalogUpdate> PACING =
            new MapStateDescriptor<>(
                    "pacing", Types.STRING, TypeInformation.of(CatalogUpdate.class));

    /** The newest trained router per pool, where the broadcast carries weights. */
    static final MapStateDescriptor<String, CatalogUpdate> WEIGHTS =
            new MapStateDescriptor<>(
                    "router-weights", Types.STRING, TypeInformation.of(CatalogUpdate.class));

    private final Class<IN> type;
    private final long waitMs;

    /** Lanes per pool this gate is keyed by ({@link ShardKeys#lane}); 1: keyed by the pool. */
    final int lanes;

    /** What a pool whose catalog names no router runs; null: plain kNN with the job's k. */
    private final @Nullable RouterSpec defaultRouter;

    private transient ListStateDescriptor<IN> pendingDescriptor;
    private transient ListState<IN> pending;
    private transient ValueState<Long> timer;
    private transient Map<String, Decoded> decoded;
    private transient SingleObjectCodec<PoolCatalog> codec;

    private record Decoded(byte[] bytes, Pool pool) {}

    CatalogGate(Class<IN> type, Duration wait) {
        this(type, wait, null);
    }

    CatalogGate(Class<IN> type, Duration wait, @Nullable RouterSpec defaultRouter) {
        this(type, wait, defaultRouter, 1);
    }

    CatalogGate(Class<IN> type, Duration wait, @Nullable RouterSpec defaultRouter, int lanes) {
        this.type = type;
        this.waitMs = wait.toMillis();
        this.defaultRouter = defaultRouter;
        this.lanes = lanes;
    }

    /** The pool of a key this gate is keyed by. */
    final String poolOfKey(String key) {
        return ShardKeys.poolOfLane(key, lanes);
    }

    /** The key an element of {@code pool} with this id is keyed by, in a job with lanes. */
    static String key(String pool, String id, int lanes) {
        return ShardKeys.lane(pool, ShardKeys.laneOf(id, lanes), lanes);
    }

    @Override
    public void open(OpenContext context) {
        pendingDescriptor = new ListStateDescriptor<>("awaiting-catalog", TypeInformation.of(type));
        pending = getRuntimeContext().getListState(pendingDescriptor);
        timer =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("catalog-wait", Types.LONG));
        decoded = new HashMap<>();
        codec = SingleObjectCodec.of(PoolCatalog.class);
    }

    /**
     * The weights broadcast state while {@link #handle} runs, for gates that {@link #usesWeights}.
     */
    transient @Nullable ReadOnlyBroadcastState<String, CatalogUpdate> weights;

    /** The fallback broadcast state while {@link #handle} runs, for gates that use weights. */
    transient @Nullable ReadOnlyBroadcastState<String, CatalogUpdate> fallbacks;

    /** The pacing broadcast state while {@link #handle} runs, for gates that use weights. */
    transient @Nullable ReadOnlyBroadcastState<String, CatalogUpdate> pacing;

    /**
     * Whether this gate's broadcast carries {@link #WEIGHTS}, {@link #FALLBACKS} and {@link
     * #PACING} (only the decider's does).
     */
    boolean usesWeights() {
        return false;
    }

    /**
     * The keyed timers of the call {@link #handle} runs in; null where it runs for elements that
     * waited for their catalog (a broadcast element's call has no key's timers).
     */
    private transient @Nullable TimerService timers;

    /** The timers {@link #handle} may register with, or null (see {@link #timers}). */
    @Nullable TimerService timers() {
        return timers;
    }

    /**
     * Called for every processing-time timer of the key, before the gate's own (a subclass tells
     * its own timers, registered through {@link #timers()}, by their time), with the key's pool
     * catalog (null if none).
     */
    void timerFired(long timestamp, @Nullable Pool pool, Collector<OUT> out) throws Exception {}

    /** The side outputs of the call {@link #handle} runs in, for {@link #output}. */
    private transient @Nullable BiConsumer<OutputTag<KeyedBytes>, KeyedBytes> sideOutput;

    /** The side output of the alerts an operator raises ({@link #alert}), for router.alerts. */
    static final OutputTag<KeyedBytes> ALERTS =
            new OutputTag<>("alerts", TypeInformation.of(KeyedBytes.class));

    private transient @Nullable SingleObjectCodec<Alert> alertCodec;

    /** Raises an alert on {@link #ALERTS}, keyed by its pool; only while {@link #handle} runs. */
    void alert(Alert a) {
        if (alertCodec == null) {
            alertCodec = SingleObjectCodec.of(Alert.class);
        }
        output(ALERTS, new KeyedBytes(Decoders.utf8(a.getPool()), alertCodec.encode(a)));
    }

    /** Emits {@code value} to a side output; only while {@link #handle} runs. */
    void output(OutputTag<KeyedBytes> tag, KeyedBytes value) {
        if (sideOutput == null) {
            throw new IllegalStateException("side output outside handle");
        }
        sideOutput.accept(tag, value);
    }

    /** What reads a broadcast state in the context at hand. */
    private interface StateReader {
        <K, V> ReadOnlyBroadcastState<K, V> get(MapStateDescriptor<K, V> descriptor)
                throws Exception;
    }

    /** Makes the weights, verdicts and pacing readable to {@link #handle}. */
    private void broadcastState(StateReader ctx) throws Exception {
        boolean used = usesWeights();
        weights = used ? ctx.get(WEIGHTS) : null;
        fallbacks = used ? ctx.get(FALLBACKS) : null;
        pacing = used ? ctx.get(PACING) : null;
    }

    /**
     * Called when a pool's catalog arrives or changes, before the elements waiting for it are
     * handled: for a gate that keeps keyed state of the catalogs' history ({@link Decider}'s
     * prices).
     */
    void catalogArrived(Context ctx, String pool, Pool catalog) throws Exception {}

    /** Routes or transforms {@code in}; returns why it is unusable, or null. */
    abstract @Nullable String handle(IN in, Pool pool, Collector<OUT> out);

    /** The record {@code in} came from, for the dead-letter topic. */
    abstract KafkaRecord source(IN in);

    abstract String pool(IN in);

    @Override
    public void processElement(IN in, ReadOnlyContext ctx, Collector<OUT> out) throws Exception {
        broadcastState(ctx::getBroadcastState);
        sideOutput = ctx::output;
        timers = ctx.timerService();
        Pool catalog = catalog(ctx.getBroadcastState(CATALOGS), pool(in));
        if (catalog != null) {
            String problem = handle(in, catalog, out);
            if (problem != null) {
                ctx.output(DeadLetters.TAG, rejected(in, catalog, problem));
            }
            return;
        }
        pending.add(in);
        if (timer.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + waitMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }

    @Override
    public void processBroadcastElement(CatalogUpdate update, Context ctx, Collector<OUT> out)
            throws Exception {
        timers = null;
        if (update.isWeights()) {
            BroadcastState<String, CatalogUpdate> weights = ctx.getBroadcastState(WEIGHTS);
            CatalogUpdate current = weights.get(update.pool);
            if (current == null || current.version < update.version) {
                weights.put(update.pool, update);
            }
            return;
        }
        if (update.isVerdict()) {
            ctx.getBroadcastState(FALLBACKS).put(update.pool, update);
            return;
        }
        if (update.isPacing()) {
            ctx.getBroadcastState(PACING).put(update.pool, update);
            return;
        }
        BroadcastState<String, byte[]> state = ctx.getBroadcastState(CATALOGS);
        state.put(update.pool, update.encoded);
        broadcastState(ctx::getBroadcastState);
        sideOutput = ctx::output;
        Pool catalog = catalog(state, update.pool);
        if (catalog != null) {
            catalogArrived(ctx, update.pool, catalog);
        }
        ctx.applyToKeyedState(
                pendingDescriptor,
                (key, waiting) -> {
                    if (!poolOfKey(key).equals(update.pool)) {
                        return;
                    }
                    List<IN> ready = new ArrayList<>();
                    waiting.get().forEach(ready::add);
                    waiting.clear();
                    for (IN in : ready) {
                        String problem = handle(in, catalog, out);
                        if (problem != null) {
                            ctx.output(DeadLetters.TAG, rejected(in, catalog, problem));
                        }
                    }
                });
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out) throws Exception {
        broadcastState(ctx::getBroadcastState);
        sideOutput = ctx::output;
        timers = ctx.timerService();
        Pool catalog = catalog(ctx.getBroadcastState(CATALOGS), poolOfKey(ctx.getCurrentKey()));
        // A subclass's timer may share this timestamp with the gate's (one call for both).
        timerFired(timestamp, catalog, out);
        Long gate = timer.value();
        if (gate == null || gate != timestamp) {
            return;
        }
        timer.clear();
        List<IN> waiting = new ArrayList<>();
        pending.get().forEach(waiting::add);
        pending.clear();
        for (IN in : waiting) {
            String problem =
                    catalog == null
                            ? "unknown pool '"
                                    + pool(in)
                                    + "': no catalog for it on router.catalog within "
                                    + waitMs
                                    + " ms"
                            : handle(in, catalog, out);
            if (problem != null) {
                ctx.output(
                        DeadLetters.TAG,
                        catalog == null
                                ? DeadLetters.of(
                                        source(in), "unknown-pool", problem, pool(in), false)
                                : rejected(in, catalog, problem));
            }
        }
    }

    /** {@code in}'s dead letter: its text kept only if its pool opted in. */
    private KeyedBytes rejected(IN in, Pool catalog, String problem) {
        return rejected(in, catalog, "invalid", problem);
    }

    /** {@code in}'s dead letter as {@code kind}: its text kept only if its pool opted in. */
    KeyedBytes rejected(IN in, Pool catalog, String kind, String problem) {
        return DeadLetters.of(
                source(in),
                kind,
                problem,
                catalog.name(),
                PoolSettings.keepsText(catalog.name(), catalog.catalog().getDefaults()));
    }

    private @Nullable Pool catalog(ReadOnlyBroadcastState<String, byte[]> state, String pool)
            throws Exception {
        byte[] bytes = state.get(pool);
        if (bytes == null) {
            return null;
        }
        Decoded d = decoded.get(pool);
        if (d == null || d.bytes() != bytes) {
            try {
                d = new Decoded(bytes, Pool.of(codec.decode(bytes), defaultRouter));
            } catch (UndecodableRecordException e) {
                throw new IllegalStateException("broadcast catalog of " + pool + " is corrupt", e);
            }
            decoded.put(pool, d);
        }
        return d.pool();
    }
}

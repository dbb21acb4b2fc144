package dev.pointsman.flink.job;

import dev.pointsman.core.route.KnnShrinkage;
import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.core.route.TrainedRouters;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.flink.support.ShardEvent;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by pool, off the routing path: keeps the pool's most recent {@code window} feedback
 * examples and, for a pool that runs a trained router (its catalog's {@code router}, or the job's
 * {@code --router}: knn-shrunk, global-trend, linear, mlp, linear-mf, mlp-mf), fits it as soon as
 * the pool has {@value #MIN_EXAMPLES} examples, then whenever the window has grown by half since
 * the last fit (at most {@code every} new examples apart), or on the next example once {@code
 * interval} has passed since the last fit, or once the feed has paused for {@value #QUIET_MS} ms
 * with examples the last fit did not see, and emits each result as a new version. The window holds
 * each example once: a newer version of an example in it replaces the older. The deciders use the
 * newest version they have.
 */
final class Trainer extends CatalogGate<ShardEvent, CatalogUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** Fewest examples a router is fitted on. */
    static final int MIN_EXAMPLES = 30;

    private final int window;
    private final int every;
    private final long intervalMs;

    /** Neighbours the shards find per query: the most knn-shrunk can use. */
    private final int k;

    private transient MapState<Long, byte[]> recent;

    /**
     * Where each example id sits in {@link #recent}: the streams app re-emits an example with every
     * outcome it gains, and those are one example, not many (counted as many, they flooded the
     * window with near-copies and the fit's validation with its own training rows).
     */
    private transient MapState<String, Long> positions;

    /**
     * {next seq, examples since the last fit, last fit time, version, processing time of the last
     * example}.
     */
    private transient ValueState<long[]> progress;

    /** When the quiet timer fires, while one is set ({@link #timerFired}). */
    private transient ValueState<Long> quiet;

    /** How long the feed must pause before examples the last fit did not see are fitted. */
    static final long QUIET_MS = 5_000;

    private transient SingleObjectCodec<FeedbackExample> codec;

    Trainer(
            int window,
            int every,
            Duration interval,
            int k,
            Duration catalogWait,
            @Nullable RouterSpec defaultRouter) {
        super(ShardEvent.class, catalogWait, defaultRouter);
        this.window = window;
        this.every = every;
        this.intervalMs = interval.toMillis();
        this.k = k;
    }

    @Override
    public void open(OpenContext context) {
        super.open(context);
        recent =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "training-window",
                                        Types.LONG,
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        positions =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "training-positions", Types.STRING, Types.LONG));
        progress =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "training-progress",
                                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        quiet =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("training-quiet", Types.LONG));
        codec = SingleObjectCodec.of(FeedbackExample.class);
    }

    @Override
    @Nullable String handle(ShardEvent example, Pool pool, Collector<CatalogUpdate> out) {
        try {
            long[] p = progress();
            String id = codec.decode(example.example).getExampleId();
            Long at = positions.get(id);
            if (at != null && at >= p[0] - window) {
                // A newer version of an example in the window (more outcomes): replace it.
                recent.put(at, example.example);
                return null;
            }
            recent.put(p[0], example.example);
            positions.put(id, p[0]);
            if (p[0] >= window) {
                long evicted = p[0] - window;
                byte[] gone = recent.get(evicted);
                recent.remove(evicted);
                if (gone != null) {
                    String goneId = codec.decode(gone).getExampleId();
                    if (Long.valueOf(evicted).equals(positions.get(goneId))) {
                        positions.remove(goneId);
                    }
                }
            }
            p[0]++;
            p[1]++;
            RouterSpec router = pool.settings().trainedRouter();
            long now = System.currentTimeMillis();
            // A pool's first fit is tried as soon as there are enough examples (p[2] is 0 until
            // then). While the pool is young, a fit on few examples is soon stale: refit once
            // the window has grown by half, up to every `every` examples; or once `interval`
            // has passed.
            long fittedOn = Math.min(p[0] - p[1], window);
            long refitAfter = Math.min(every, Math.max(MIN_EXAMPLES, fittedOn / 2));
            boolean due = p[2] == 0 || p[1] >= refitAfter || (p[3] > 0 && now - p[2] >= intervalMs);
            if (router != null && due) {
                fit(example.pool, pool, router, p, now, out);
            }
            TimerService timers = timers();
            if (router != null && p[1] > 0 && timers != null) {
                // Examples the last fit did not see: fit on them once the feed goes quiet.
                p[4] = timers.currentProcessingTime();
                if (quiet.value() == null) {
                    setQuiet(timers, p[4] + QUIET_MS);
                }
            }
            progress.update(p);
            return null;
        } catch (UndecodableRecordException e) {
            throw new IllegalStateException("the training window holds an undecodable example", e);
        } catch (Exception e) {
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e);
        }
    }

    /**
     * The quiet timer: where examples arrived since the last fit and none for {@value #QUIET_MS} ms
     * (a seed loaded in bulk, traffic that paused), fits on the window as it is, so a pool whose
     * feed stops is not left with a fit on two thirds of it; where one arrived meanwhile, waits
     * until {@value #QUIET_MS} ms after it. Examples that waited for their pool's catalog are
     * handled when it arrives, where no timer can be set: the gate's own timer for that wait sets
     * the quiet one.
     */
    @Override
    void timerFired(long timestamp, @Nullable Pool pool, Collector<CatalogUpdate> out)
            throws Exception {
        Long at = quiet.value();
        if (at == null) {
            // Another timer of the key (the gate's wait for a catalog): examples that waited for
            // the catalog were handled where no timer could be set, so set the quiet one now.
            long[] p = progress();
            if (p[1] > 0 && pool != null && pool.settings().trainedRouter() != null) {
                setQuiet(timers(), timestamp + QUIET_MS);
            }
            return;
        }
        if (at != timestamp) {
            return;
        }
        quiet.clear();
        long[] p = progress();
        RouterSpec router = pool == null ? null : pool.settings().trainedRouter();
        if (router == null || p[1] == 0) {
            return;
        }
        if (timestamp < p[4] + QUIET_MS) {
            setQuiet(timers(), p[4] + QUIET_MS);
            return;
        }
        fit(pool.name(), pool, router, p, System.currentTimeMillis(), out);
        progress.update(p);
    }

    /** Sets the quiet timer to fire at {@code at}. */
    private void setQuiet(TimerService timers, long at) throws Exception {
        timers.registerProcessingTimeTimer(at);
        quiet.update(at);
    }

    /** The training progress (see {@link #progress}), as a fresh array for a new pool. */
    private long[] progress() throws Exception {
        long[] p = progress.value();
        if (p == null) {
            return new long[5];
        }
        // Progress from before the quiet timer has no last arrival.
        return p.length < 5 ? Arrays.copyOf(p, 5) : p;
    }

    /**
     * Fits {@code router} on the window, where it holds at least {@value #MIN_EXAMPLES} examples,
     * and emits the result as the next version; updates {@code p} (the caller stores it).
     */
    private void fit(
            String poolName,
            Pool pool,
            RouterSpec router,
            long[] p,
            long now,
            Collector<CatalogUpdate> out)
            throws Exception {
        if (Math.min(p[0], window) < MIN_EXAMPLES) {
            return;
        }
        List<FeedbackExample> examples = new ArrayList<>();
        for (long seq = Math.max(0, p[0] - window); seq < p[0]; seq++) {
            examples.add(codec.decode(recent.get(seq)));
        }
        List<String> models = pool.models();
        long started = System.nanoTime();
        p[1] = 0;
        p[2] = now;
        Object trained;
        try {
            trained = Training.fit(router, examples, models, k, p[3] + 1);
        } catch (RuntimeException e) {
            // Routing goes on with the version it has; the next fit is tried later.
            LOG.warn("pool {}: fitting {} failed: {}", poolName, router.name(), e.toString());
            return;
        }
        p[3]++;
        out.collect(
                CatalogUpdate.weights(
                        poolName,
                        router.name(),
                        p[3],
                        models.toArray(new String[0]),
                        TrainedRouters.encode(trained)));
        LOG.info(
                "pool {}: {} version {} fitted on {} examples in {} ms{}",
                poolName,
                router.name(),
                p[3],
                examples.size(),
                (System.nanoTime() - started) / 1_000_000,
                trained instanceof KnnShrinkage ? " (" + trained + ")" : "");
    }

    @Override
    KafkaRecord source(ShardEvent in) {
        return KafkaRecord.derived(Topics.FEEDBACK, null, in.example, 0);
    }

    @Override
    String pool(ShardEvent in) {
        return in.pool;
    }
}

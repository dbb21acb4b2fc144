package dev.pointsman.streams.ledger;

import dev.pointsman.schemas.ChallengerPrediction;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.streams.AppMetrics;
import dev.pointsman.streams.TopologySettings;
import dev.pointsman.streams.metrics.MetricDelta;
import dev.pointsman.topics.EventTime;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The per-query ledger, keyed by query id, fed by {@code router.queries.embedded}, {@code
 * router.decisions} and {@code router.outcomes} (co-partitioned by query id). It joins each outcome
 * with its query's vector into a {@code router.feedback} example (outcomes of several models merge;
 * each accepted outcome re-emits the merged example, which the routing job merges idempotently),
 * and turns decisions and outcomes into {@link MetricDelta}s for the pool's window.
 *
 * <p>An outcome that is invalid, for another pool than its query, a duplicate, later than the grace
 * after its query, or for a query not seen within the grace goes to the DLQ with the reason.
 * Entries leave the ledger on the event-time clock (the largest event time seen), as Kafka Streams'
 * windows do.
 */
public final class QueryLedger implements Processor<byte[], byte[], String, LedgerOutput> {
    public static final String STORE = "ledger";
    public static final String EXPIRY_STORE = "ledger-expiry";

    /** How far event time must move before the ledger looks for expired entries again. */
    private static final long SWEEP_EVERY_MS = 1000;

    /** The codecs and topic names the ledger reads. */
    public record Inputs(
            String queriesTopic,
            RecordCodec<EmbeddedQuery> queries,
            String decisionsTopic,
            RecordCodec<RoutingDecision> decisions,
            String outcomesTopic,
            RecordCodec<Outcome> outcomes) {}

    private final Inputs inputs;
    private final TopologySettings settings;
    private final AppMetrics metrics;
    private ProcessorContext<String, LedgerOutput> context;
    private KeyValueStore<String, LedgerEntry> ledger;
    private ExpiryIndex expiry;
    private LedgerEmitter out;
    private long eventTime = Long.MIN_VALUE;
    private long lastSweep = Long.MIN_VALUE;

    /** The ledger's two state stores, to add to the topology. */
    public static List<StoreBuilder<?>> storeBuilders() {
        return List.of(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE),
                        Serdes.String(),
                        LedgerEntry.serde()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(EXPIRY_STORE),
                        Serdes.Bytes(),
                        Serdes.ByteArray()));
    }

    public QueryLedger(Inputs inputs, TopologySettings settings, AppMetrics metrics) {
        this.inputs = inputs;
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, LedgerOutput> context) {
        this.context = context;
        this.ledger = context.getStateStore(STORE);
        this.expiry = new ExpiryIndex(context.getStateStore(EXPIRY_STORE));
        this.out = new LedgerEmitter(context, metrics);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta =
                context.recordMetadata()
                        .orElseThrow(() -> new IllegalStateException("record without metadata"));
        LedgerSource source =
                new LedgerSource(
                        record.key(),
                        record.value(),
                        meta.topic(),
                        meta.partition(),
                        meta.offset(),
                        record.timestamp());
        if (record.value() == null) {
            out.dead(source, null, "undecodable", "empty record (null value)");
            return;
        }
        String topic = meta.topic();
        if (topic.equals(inputs.queriesTopic())) {
            onQuery(source);
        } else if (topic.equals(inputs.decisionsTopic())) {
            onDecision(source);
        } else if (topic.equals(inputs.outcomesTopic())) {
            onOutcome(source, true);
        } else {
            throw new IllegalStateException("the ledger does not read " + topic);
        }
        if (eventTime != Long.MIN_VALUE
                && (lastSweep == Long.MIN_VALUE || eventTime - lastSweep >= SWEEP_EVERY_MS)) {
            sweep();
            lastSweep = eventTime;
        }
    }

    private void onQuery(LedgerSource source) {
        EmbeddedQuery q;
        try {
            q = inputs.queries().decode(source.value());
        } catch (UndecodableRecordException | RuntimeException e) {
            out.dead(source, null, "undecodable", "undecodable embedded query: " + e.getMessage());
            return;
        }
        String id = q.getQuery().getId();
        int dimension = q.getDimension();
        if (id.isEmpty() || dimension <= 0 || q.getVector().remaining() != dimension * 4) {
            out.dead(
                    source,
                    q.getQuery().getPool(),
                    "invalid",
                    "embedded query '"
                            + id
                            + "' is malformed: "
                            + q.getVector().remaining()
                            + " vector bytes for dimension "
                            + dimension);
            return;
        }
        if (outOfTime(
                source,
                q.getQuery().getPool(),
                q.getQuery().getTs().toEpochMilli(),
                "query " + id)) {
            return;
        }
        advance(q.getQuery().getTs().toEpochMilli());
        LedgerEntry entry = get(id);
        if (entry.hasQuery) {
            metrics.duplicateQuery();
            String pool = q.getQuery().getPool();
            out.dead(
                    source,
                    q.getQuery().getPool(),
                    pool.equals(entry.pool) ? "duplicate" : "collision",
                    pool.equals(entry.pool)
                            ? "query "
                                    + id
                                    + " of pool "
                                    + pool
                                    + " came again while the first is in the ledger; the first"
                                    + " counts"
                            : "query id "
                                    + id
                                    + " of pool "
                                    + pool
                                    + " collides with a query of pool "
                                    + entry.pool
                                    + " in the ledger; query ids must be unique across pools");
            return;
        }
        entry.hasQuery = true;
        entry.pool = q.getQuery().getPool();
        entry.ts = q.getQuery().getTs().toEpochMilli();
        entry.vector = bytes(q.getVector());
        entry.dimension = dimension;
        entry.embedder = q.getEmbedder();
        List<LedgerEntry.Pending> waiting = new ArrayList<>(entry.pending);
        entry.pending.clear();
        expiry.schedule(id, entry, entry.ts + settings.ledgerRetention().toMillis());
        ledger.put(id, entry);
        for (LedgerEntry.Pending p : waiting) {
            onOutcome(LedgerSource.of(p, entry.ts), false);
        }
    }

    private void onDecision(LedgerSource source) {
        RoutingDecision d;
        try {
            d = inputs.decisions().decode(source.value());
        } catch (UndecodableRecordException | RuntimeException e) {
            out.dead(source, null, "undecodable", "undecodable decision: " + e.getMessage());
            return;
        }
        String id = d.getQueryId();
        if (outOfTime(
                source, d.getPool(), d.getTs().toEpochMilli(), "the decision of query " + id)) {
            return;
        }
        advance(d.getTs().toEpochMilli());
        LedgerEntry entry = get(id);
        if (entry.hasDecision) {
            metrics.duplicateDecision();
            // The same decision again (an at-least-once sink replaying) is only counted; a
            // decision of another pool for the same id is a collision the operator must see.
            if (!d.getPool().equals(entry.pool) && entry.pool != null) {
                out.dead(
                        source,
                        d.getPool(),
                        "collision",
                        "the decision of query id "
                                + id
                                + " of pool "
                                + d.getPool()
                                + " collides with a query of pool "
                                + entry.pool
                                + " in the ledger; query ids must be unique across pools");
            }
            return;
        }
        entry.hasDecision = true;
        entry.router = d.getRouter();
        entry.chosen = d.getModel();
        entry.explored = d.getExplore();
        entry.exploreProbability = d.getExploreProbability();
        entry.oodScore = d.getOodScore() == null ? Double.NaN : d.getOodScore();
        entry.predicted.putAll(pairs(d.getPredictions()));
        for (ChallengerPrediction c : d.getChallengers()) {
            entry.challengers.put(c.getRouter(), pairs(c.getPredictions()));
        }
        // Outcomes that came first for a model the decision did not predict (not in the pool's
        // catalog): their example would fail the routing job's intake, and the query's valid
        // outcomes with it.
        for (String model : new ArrayList<>(entry.outcomes.keySet())) {
            if (!entry.predicted.containsKey(model)) {
                double[] o = entry.outcomes.remove(model);
                out.dead(
                        rebuilt(id, entry.pool, model, o, source.timestamp()),
                        d.getPool(),
                        "unknown-model",
                        unknownModel(model, id, entry));
            }
        }
        if (!entry.hasQuery) {
            entry.pool = d.getPool();
            entry.ts = d.getTs().toEpochMilli();
            if (entry.deadline == 0) {
                expiry.schedule(id, entry, entry.ts + settings.feedbackGrace().toMillis());
            }
        }
        out.queryDelta(
                entry, d.getLambda(), d.getSpendTarget() == null ? Double.NaN : d.getSpendTarget());
        if (entry.explored && entry.hasQuery && !entry.outcomes.isEmpty()) {
            // Outcomes that came before their decision went out as observed for certain; now
            // their propensities are known.
            out.feedback(id, entry);
        }
        // Outcomes that came before their decision count now.
        for (Map.Entry<String, double[]> o : entry.outcomes.entrySet()) {
            out.outcomeDelta(entry, o.getKey(), o.getValue(), true);
        }
        out.maybeShadow(entry);
        ledger.put(id, entry);
    }

    /**
     * @param fresh false when replaying an outcome that waited for its query
     */
    private void onOutcome(LedgerSource source, boolean fresh) {
        Outcome o;
        try {
            o = inputs.outcomes().decode(source.value());
        } catch (UndecodableRecordException | RuntimeException e) {
            out.dead(source, null, "undecodable", "undecodable outcome: " + e.getMessage());
            return;
        }
        String invalid = OutcomeCheck.problem(o, source.key(), source.value());
        if (invalid != null) {
            out.dead(source, o.getPool(), "invalid", invalid);
            return;
        }
        String id = o.getQueryId();
        long outcomeTs = o.getTs().toEpochMilli();
        // An outcome that waited for its query was checked when it came.
        if (fresh && outOfTime(source, o.getPool(), outcomeTs, "the outcome of query " + id)) {
            return;
        }
        if (fresh) {
            advance(outcomeTs);
        }
        LedgerEntry entry = get(id);
        if (entry.hasDecision && !entry.predicted.containsKey(o.getModel())) {
            out.dead(source, o.getPool(), "unknown-model", unknownModel(o.getModel(), id, entry));
            return;
        }
        // A score that completes a known cost adds no model: only new outcomes count to the bound.
        if (!entry.outcomes.containsKey(o.getModel())
                && entry.pending.size() + entry.outcomes.size() >= MAX_MODELS) {
            out.dead(
                    source,
                    o.getPool(),
                    "too-many",
                    "query " + id + " has " + MAX_MODELS + " outcomes already, the most it keeps");
            return;
        }
        if (!entry.hasQuery) {
            if (entry.pending.stream().anyMatch(p -> repeats(p, o))) {
                out.dead(
                        source,
                        o.getPool(),
                        "duplicate",
                        "duplicate outcome for model '" + o.getModel() + "' of query " + id);
                return;
            }
            if (entry.pool == null) {
                entry.pool = o.getPool();
                entry.ts = outcomeTs;
            }
            if (entry.deadline == 0) {
                expiry.schedule(id, entry, outcomeTs + settings.feedbackGrace().toMillis());
            }
            entry.pending.add(
                    new LedgerEntry.Pending(
                            source.key(),
                            source.value(),
                            source.topic(),
                            source.partition(),
                            source.offset()));
            ledger.put(id, entry);
            metrics.outcomeWaiting();
            return;
        }
        if (!o.getPool().equals(entry.pool)) {
            out.dead(
                    source,
                    o.getPool(),
                    "pool-mismatch",
                    "outcome for pool '"
                            + o.getPool()
                            + "' but query "
                            + id
                            + " was routed in pool '"
                            + entry.pool
                            + "'");
            return;
        }
        double[] known = entry.outcomes.get(o.getModel());
        boolean completes = known != null && Double.isNaN(known[0]) && o.getScore() != null;
        if (known != null && !completes) {
            out.dead(
                    source,
                    o.getPool(),
                    "duplicate",
                    "duplicate outcome for model '" + o.getModel() + "' of query " + id);
            return;
        }
        long lateBy = outcomeTs - entry.ts - settings.feedbackGrace().toMillis();
        if (lateBy > 0) {
            out.dead(
                    source,
                    o.getPool(),
                    "late",
                    "late outcome: "
                            + (outcomeTs - entry.ts)
                            + " ms after query "
                            + id
                            + ", grace is "
                            + settings.feedbackGrace().toMillis()
                            + " ms");
            return;
        }
        // A score for an answer whose cost came first completes it; the cost stays the one paid.
        double[] observed = {
            o.getScore() == null ? Double.NaN : o.getScore(), completes ? known[1] : o.getCost()
        };
        entry.outcomes.put(o.getModel(), observed);
        metrics.feedbackOutcome();
        out.feedback(id, entry);
        if (entry.hasDecision) {
            out.outcomeDelta(entry, o.getModel(), observed, !completes);
            out.maybeShadow(entry);
        }
        ledger.put(id, entry);
    }

    /**
     * Whether {@code o} repeats the waiting outcome {@code p}: the same model, unless {@code p} has
     * only a cost and {@code o} the score that completes it.
     */
    private boolean repeats(LedgerEntry.Pending p, Outcome o) {
        try {
            Outcome waiting = inputs.outcomes().decode(p.value());
            return waiting.getModel().equals(o.getModel())
                    && !(waiting.getScore() == null && o.getScore() != null);
        } catch (UndecodableRecordException e) {
            return false;
        }
    }

    /** Removes entries whose deadline has passed; outcomes that never met their query go to DLQ. */
    private void sweep() {
        for (ExpiryIndex.Due due : expiry.takeDue(eventTime)) {
            LedgerEntry entry = ledger.get(due.id());
            if (entry == null || entry.deadline != due.deadline()) {
                continue;
            }
            for (LedgerEntry.Pending p : entry.pending) {
                out.dead(
                        LedgerSource.of(p, eventTime),
                        entry.pool,
                        "unknown-query",
                        "no query with id '"
                                + due.id()
                                + "' was seen within the grace of "
                                + settings.feedbackGrace().toMillis()
                                + " ms");
            }
            ledger.delete(due.id());
        }
    }

    private LedgerEntry get(String id) {
        LedgerEntry entry = ledger.get(id);
        return entry == null ? LedgerEntry.create() : entry;
    }

    /** Outcomes (and outcomes waiting for their query) one query keeps at most. */
    static final int MAX_MODELS = 64;

    /**
     * Whether the event time {@code ts} a record claims is out of bounds; if so the record goes to
     * the DLQ. The bounds come from the broker: the record's timestamp (log-append time on the
     * topics Pointsman creates for outside writers, carried over by the embed worker), so a
     * client's field alone never sets the ledger's clock. Ahead of that time (or of this app's
     * clock, whichever is earlier) by more than {@code --clock-skew} is {@code future}: the
     * ledger's clock follows event time, and one far-future record (micro- for milliseconds, say)
     * would expire every query in flight and stop expiry until a restart. Behind it by more than
     * {@code --feedback-retention} is {@code past}: the entry would expire as it arrives.
     */
    private boolean outOfTime(LedgerSource source, String pool, long ts, String what) {
        EventTime.OutOfBounds out =
                EventTime.check(
                        what,
                        ts,
                        source.timestamp(),
                        context.currentSystemTimeMs(),
                        settings.clockSkew(),
                        "--clock-skew",
                        settings.ledgerRetention(),
                        "--feedback-retention");
        if (out == null) {
            return false;
        }
        this.out.dead(source, pool, out.kind(), out.reason());
        return true;
    }

    private static String unknownModel(String model, String id, LedgerEntry entry) {
        return "outcome for model '"
                + model
                + "' of query "
                + id
                + ", which its decision did not predict (pool "
                + entry.pool
                + "'s models then: "
                + String.join(", ", new java.util.TreeSet<>(entry.predicted.keySet()))
                + ")";
    }

    /** An outcome the ledger kept, as a record again, for the DLQ. */
    private LedgerSource rebuilt(String id, String pool, String model, double[] o, long ts) {
        Outcome outcome =
                Outcome.newBuilder()
                        .setQueryId(id)
                        .setPool(pool)
                        .setModel(model)
                        .setScore(Double.isNaN(o[0]) ? null : o[0])
                        .setCost(o[1])
                        .setTs(Instant.ofEpochMilli(ts))
                        .build();
        return new LedgerSource(
                id.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                inputs.outcomes().encode(outcome),
                inputs.outcomesTopic(),
                -1,
                -1,
                ts);
    }

    private void advance(long ts) {
        eventTime = Math.max(eventTime, ts);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        return copy;
    }

    /** model → {ŝ, ĉ} of a decision's (or a challenger's) predictions. */
    private static Map<String, double[]> pairs(List<ModelPrediction> predictions) {
        Map<String, double[]> out = new TreeMap<>();
        for (ModelPrediction p : predictions) {
            out.put(p.getModel(), new double[] {p.getScore(), p.getCost()});
        }
        return out;
    }
}

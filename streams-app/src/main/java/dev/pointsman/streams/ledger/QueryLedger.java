package dev.pointsman.streams.ledger;

import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.streams.AppCounters;
import dev.pointsman.streams.TopologySettings;
import dev.pointsman.streams.metrics.MetricDelta;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.jspecify.annotations.Nullable;

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
    static final String COMPONENT = "streams-app";

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
    private final AppCounters counters;
    private ProcessorContext<String, LedgerOutput> context;
    private KeyValueStore<String, LedgerEntry> ledger;
    private KeyValueStore<Bytes, byte[]> expiry;
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

    public QueryLedger(Inputs inputs, TopologySettings settings, AppCounters counters) {
        this.inputs = inputs;
        this.settings = settings;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, LedgerOutput> context) {
        this.context = context;
        this.ledger = context.getStateStore(STORE);
        this.expiry = context.getStateStore(EXPIRY_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta =
                context.recordMetadata()
                        .orElseThrow(() -> new IllegalStateException("record without metadata"));
        Source source =
                new Source(
                        record.key(),
                        record.value(),
                        meta.topic(),
                        meta.partition(),
                        meta.offset(),
                        record.timestamp());
        if (record.value() == null) {
            dead(source, "undecodable", "empty record (null value)");
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

    private record Source(
            byte @Nullable [] key,
            byte @Nullable [] value,
            String topic,
            int partition,
            long offset,
            long timestamp) {}

    private void onQuery(Source source) {
        EmbeddedQuery q;
        try {
            q = inputs.queries().decode(source.value());
        } catch (UndecodableRecordException | RuntimeException e) {
            dead(source, "undecodable", "undecodable embedded query: " + e.getMessage());
            return;
        }
        String id = q.getQuery().getId();
        int dimension = q.getDimension();
        if (id.isEmpty() || dimension <= 0 || q.getVector().remaining() != dimension * 4) {
            dead(
                    source,
                    "invalid",
                    "embedded query '"
                            + id
                            + "' is malformed: "
                            + q.getVector().remaining()
                            + " vector bytes for dimension "
                            + dimension);
            return;
        }
        advance(q.getQuery().getTs().toEpochMilli());
        LedgerEntry entry = get(id);
        if (entry.hasQuery) {
            counters.increment("ledger_duplicate_queries_total");
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
        reschedule(id, entry, entry.ts + settings.ledgerRetention().toMillis());
        ledger.put(id, entry);
        for (LedgerEntry.Pending p : waiting) {
            onOutcome(
                    new Source(p.key(), p.value(), p.topic(), p.partition(), p.offset(), entry.ts),
                    false);
        }
    }

    private void onDecision(Source source) {
        RoutingDecision d;
        try {
            d = inputs.decisions().decode(source.value());
        } catch (UndecodableRecordException | RuntimeException e) {
            dead(source, "undecodable", "undecodable decision: " + e.getMessage());
            return;
        }
        String id = d.getQueryId();
        advance(d.getTs().toEpochMilli());
        LedgerEntry entry = get(id);
        if (entry.hasDecision) {
            counters.increment("ledger_duplicate_decisions_total");
            return;
        }
        entry.hasDecision = true;
        entry.router = baseRouter(d.getRouter());
        entry.chosen = d.getModel();
        entry.oodScore = d.getOodScore() == null ? Double.NaN : d.getOodScore();
        for (ModelPrediction p : d.getPredictions()) {
            entry.predicted.put(p.getModel(), new double[] {p.getScore(), p.getCost()});
        }
        if (!entry.hasQuery) {
            entry.pool = d.getPool();
            entry.ts = d.getTs().toEpochMilli();
            if (entry.deadline == 0) {
                reschedule(id, entry, entry.ts + settings.feedbackGrace().toMillis());
            }
        }
        delta(
                entry,
                MetricDelta.query(
                        entry.router, entry.oodScore, entry.hasQuery ? floats(entry) : null));
        // Outcomes that came before their decision count now.
        for (Map.Entry<String, double[]> o : entry.outcomes.entrySet()) {
            outcomeDelta(entry, o.getKey(), o.getValue());
        }
        maybeShadow(entry);
        ledger.put(id, entry);
    }

    /**
     * @param fresh false when replaying an outcome that waited for its query
     */
    private void onOutcome(Source source, boolean fresh) {
        Outcome o;
        try {
            o = inputs.outcomes().decode(source.value());
        } catch (UndecodableRecordException | RuntimeException e) {
            dead(source, "undecodable", "undecodable outcome: " + e.getMessage());
            return;
        }
        String invalid = validate(o, source.key());
        if (invalid != null) {
            dead(source, "invalid", invalid);
            return;
        }
        String id = o.getQueryId();
        long outcomeTs = o.getTs().toEpochMilli();
        if (fresh) {
            advance(outcomeTs);
        }
        LedgerEntry entry = get(id);
        if (!entry.hasQuery) {
            if (entry.pending.stream().anyMatch(p -> sameModel(p, o.getModel()))) {
                dead(
                        source,
                        "duplicate",
                        "duplicate outcome for model '" + o.getModel() + "' of query " + id);
                return;
            }
            if (entry.pool == null) {
                entry.pool = o.getPool();
                entry.ts = outcomeTs;
            }
            if (entry.deadline == 0) {
                reschedule(id, entry, outcomeTs + settings.feedbackGrace().toMillis());
            }
            entry.pending.add(
                    new LedgerEntry.Pending(
                            source.key(),
                            source.value(),
                            source.topic(),
                            source.partition(),
                            source.offset()));
            ledger.put(id, entry);
            counters.increment("ledger_outcomes_waiting_total");
            return;
        }
        if (!o.getPool().equals(entry.pool)) {
            dead(
                    source,
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
        if (entry.outcomes.containsKey(o.getModel())) {
            dead(
                    source,
                    "duplicate",
                    "duplicate outcome for model '" + o.getModel() + "' of query " + id);
            return;
        }
        long lateBy = outcomeTs - entry.ts - settings.feedbackGrace().toMillis();
        if (lateBy > 0) {
            dead(
                    source,
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
        double[] observed = {o.getScore(), o.getCost()};
        entry.outcomes.put(o.getModel(), observed);
        counters.increment("feedback_outcomes_total");
        feedback(id, entry);
        if (entry.hasDecision) {
            outcomeDelta(entry, o.getModel(), observed);
            maybeShadow(entry);
        }
        ledger.put(id, entry);
    }

    private static @Nullable String validate(Outcome o, byte @Nullable [] key) {
        if (o.getQueryId().isEmpty()) {
            return "outcome without a queryId";
        }
        if (key != null && !new String(key, StandardCharsets.UTF_8).equals(o.getQueryId())) {
            return "outcome key '"
                    + new String(key, StandardCharsets.UTF_8)
                    + "' differs from its queryId '"
                    + o.getQueryId()
                    + "' (outcomes must be keyed by query id)";
        }
        if (o.getPool().isEmpty()) {
            return "outcome for query " + o.getQueryId() + " has no pool";
        }
        if (o.getModel().isEmpty()) {
            return "outcome for query " + o.getQueryId() + " has no model";
        }
        if (!(o.getScore() >= 0 && o.getScore() <= 1)) {
            return "outcome score " + o.getScore() + " is outside [0, 1]";
        }
        if (!(o.getCost() >= 0) || Double.isInfinite(o.getCost())) {
            return "outcome cost " + o.getCost() + " is not a finite number >= 0";
        }
        return null;
    }

    private boolean sameModel(LedgerEntry.Pending p, String model) {
        try {
            return inputs.outcomes().decode(p.value()).getModel().equals(model);
        } catch (UndecodableRecordException e) {
            return false;
        }
    }

    private void outcomeDelta(LedgerEntry entry, String model, double[] observed) {
        double[] predicted = entry.predicted.get(model);
        delta(
                entry,
                MetricDelta.outcome(
                        entry.router,
                        model,
                        observed[0],
                        observed[1],
                        model.equals(entry.chosen),
                        predicted == null ? Double.NaN : predicted[0],
                        predicted == null ? Double.NaN : predicted[1]));
    }

    private void maybeShadow(LedgerEntry entry) {
        if (entry.shadowSent
                || !entry.hasDecision
                || entry.predicted.isEmpty()
                || !entry.outcomes.keySet().containsAll(entry.predicted.keySet())) {
            return;
        }
        entry.shadowSent = true;
        Map<String, double[]> observed = new HashMap<>();
        for (String model : entry.predicted.keySet()) {
            observed.put(model, entry.outcomes.get(model));
        }
        delta(entry, MetricDelta.shadow(entry.router, entry.predicted, observed));
    }

    private void feedback(String id, LedgerEntry entry) {
        Map<String, ObservedOutcome> outcomes = new HashMap<>();
        entry.outcomes.forEach(
                (model, pair) -> outcomes.put(model, new ObservedOutcome(pair[0], pair[1])));
        FeedbackExample example =
                FeedbackExample.newBuilder()
                        .setExampleId(id)
                        .setPool(entry.pool)
                        .setVector(ByteBuffer.wrap(entry.vector))
                        .setDimension(entry.dimension)
                        .setEmbedder(entry.embedder)
                        .setOutcomes(outcomes)
                        .setTs(Instant.ofEpochMilli(entry.ts))
                        .build();
        context.forward(new Record<>(id, new LedgerOutput.Feedback(example), entry.ts));
    }

    private void delta(LedgerEntry entry, MetricDelta delta) {
        context.forward(new Record<>(entry.pool, new LedgerOutput.Delta(delta), entry.ts));
    }

    /**
     * @param kind a short, bounded label for the counter: undecodable, invalid, duplicate, late,
     *     pool-mismatch, unknown-query
     */
    private void dead(Source source, String kind, String reason) {
        counters.increment("dlq_total{reason=\"" + kind + "\"}");
        DeadLetter letter =
                DeadLetter.newBuilder()
                        .setSourceTopic(source.topic())
                        .setPartition(source.partition())
                        .setOffset(source.offset())
                        .setKey(source.key() == null ? null : ByteBuffer.wrap(source.key()))
                        .setPayload(source.value() == null ? null : ByteBuffer.wrap(source.value()))
                        .setReason(reason)
                        .setComponent(COMPONENT)
                        .setTs(Instant.ofEpochMilli(source.timestamp()))
                        .build();
        String key = source.key() == null ? null : new String(source.key(), StandardCharsets.UTF_8);
        context.forward(new Record<>(key, new LedgerOutput.Dead(letter), source.timestamp()));
    }

    /** Removes entries whose deadline has passed; outcomes that never met their query go to DLQ. */
    private void sweep() {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it =
                expiry.range(indexKey(Long.MIN_VALUE, ""), indexKey(eventTime + 1, ""))) {
            while (it.hasNext()) {
                due.add(it.next());
            }
        }
        for (KeyValue<Bytes, byte[]> kv : due) {
            expiry.delete(kv.key);
            String id = idOf(kv.key);
            LedgerEntry entry = ledger.get(id);
            if (entry == null || entry.deadline != deadlineOf(kv.key)) {
                continue;
            }
            for (LedgerEntry.Pending p : entry.pending) {
                dead(
                        new Source(
                                p.key(),
                                p.value(),
                                p.topic(),
                                p.partition(),
                                p.offset(),
                                eventTime),
                        "unknown-query",
                        "no query with id '"
                                + id
                                + "' was seen within the grace of "
                                + settings.feedbackGrace().toMillis()
                                + " ms");
            }
            ledger.delete(id);
        }
    }

    private LedgerEntry get(String id) {
        LedgerEntry entry = ledger.get(id);
        return entry == null ? LedgerEntry.create() : entry;
    }

    private void reschedule(String id, LedgerEntry entry, long deadline) {
        if (entry.deadline != 0) {
            expiry.delete(indexKey(entry.deadline, id));
        }
        entry.deadline = deadline;
        expiry.put(indexKey(deadline, id), new byte[0]);
    }

    private void advance(long ts) {
        eventTime = Math.max(eventTime, ts);
    }

    /** Big-endian deadline with the sign bit flipped (so byte order is time order), then the id. */
    static Bytes indexKey(long deadline, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(
                ByteBuffer.allocate(8 + idBytes.length)
                        .putLong(deadline ^ Long.MIN_VALUE)
                        .put(idBytes)
                        .array());
    }

    private static long deadlineOf(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
    }

    private static String idOf(Bytes key) {
        byte[] b = key.get();
        return new String(b, 8, b.length - 8, StandardCharsets.UTF_8);
    }

    /** Exploration decisions count toward the router that explores. */
    static String baseRouter(String router) {
        int slash = router.indexOf('/');
        return slash < 0 ? router : router.substring(0, slash);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static float[] floats(LedgerEntry entry) {
        ByteBuffer b = ByteBuffer.wrap(entry.vector).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[entry.dimension];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }
}

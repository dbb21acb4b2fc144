package dev.pointsman.streams.ledger;

import dev.pointsman.core.monitor.ShadowRow;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.codec.Rejections;
import dev.pointsman.streams.AppMetrics;
import dev.pointsman.streams.metrics.MetricDelta;
import dev.pointsman.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.jspecify.annotations.Nullable;

/**
 * Everything the ledger sends on: feedback examples, the metric deltas of the pool's window, and
 * dead letters (counted by kind).
 */
final class LedgerEmitter {
    static final String COMPONENT = AppMetrics.COMPONENT;

    private final ProcessorContext<String, LedgerOutput> context;
    private final AppMetrics metrics;

    LedgerEmitter(ProcessorContext<String, LedgerOutput> context, AppMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
    }

    /**
     * The query's feedback example with every outcome it has so far, each with the probability it
     * was observed with: 1 for the chosen model, the exploration probability for the others of an
     * explored query, and 1 for any other outcome (a gateway's own choice, not the router's); and
     * the cost the decision predicted for it, for a budgeted pool's pacer.
     */
    void feedback(String id, LedgerEntry entry) {
        Map<String, ObservedOutcome> outcomes = new HashMap<>();
        entry.outcomes.forEach(
                (model, pair) ->
                        outcomes.put(
                                model,
                                new ObservedOutcome(
                                        pair[0],
                                        pair[1],
                                        propensity(entry, model),
                                        predictedCost(entry, model))));
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

    /** The decision's ĉ of {@code model}, or null where it predicted none. */
    static @Nullable Double predictedCost(LedgerEntry entry, String model) {
        double[] p = entry.predicted.get(model);
        return p == null ? null : p[1];
    }

    static double propensity(LedgerEntry entry, String model) {
        boolean explored =
                entry.explored && entry.exploreProbability > 0 && !model.equals(entry.chosen);
        return explored ? entry.exploreProbability : 1.0;
    }

    /**
     * The decided query itself, for the window's counts, OOD share, drift, λ and budget.
     *
     * @param spendTarget the decision's budget per query, NaN for none
     */
    void queryDelta(LedgerEntry entry, double lambda, double spendTarget) {
        delta(
                entry,
                MetricDelta.query(
                        entry.router,
                        entry.chosen,
                        entry.oodScore,
                        entry.hasQuery ? floats(entry) : null,
                        lambda,
                        spendTarget,
                        entry.explored));
    }

    /**
     * One observed outcome of a decided query: {score (NaN while not rated), cost}; {@code paid}
     * false when it completes an outcome whose cost an earlier delta counted.
     */
    void outcomeDelta(LedgerEntry entry, String model, double[] observed, boolean paid) {
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
                        predicted == null ? Double.NaN : predicted[1],
                        1.0 / propensity(entry, model),
                        paid));
    }

    /** The query as a shadow row, once every predicted model has an outcome (only once). */
    void maybeShadow(LedgerEntry entry) {
        if (entry.shadowSent
                || !entry.hasDecision
                || entry.predicted.isEmpty()
                || !entry.predicted.keySet().stream().allMatch(m -> rated(entry, m))) {
            return;
        }
        entry.shadowSent = true;
        Map<String, double[]> observed = new HashMap<>();
        for (String model : entry.predicted.keySet()) {
            observed.put(model, entry.outcomes.get(model));
        }
        shadow(entry, entry.router, entry.predicted, observed);
        // Each challenger on the same query, so its window's AUC is on the same shadow queries.
        entry.challengers.forEach(
                (router, predicted) -> {
                    if (observed.keySet().containsAll(predicted.keySet())) {
                        shadow(entry, router, predicted, observed);
                    }
                });
    }

    private void shadow(
            LedgerEntry entry,
            String router,
            Map<String, double[]> predicted,
            Map<String, double[]> observed) {
        delta(
                entry,
                MetricDelta.shadow(
                        router,
                        ShadowRow.of(
                                predicted, observed, entry.explored, entry.exploreProbability)));
    }

    /** Whether {@code model}'s outcome of the entry has a score (not only a cost). */
    private static boolean rated(LedgerEntry entry, String model) {
        double[] o = entry.outcomes.get(model);
        return o != null && !Double.isNaN(o[0]);
    }

    private void delta(LedgerEntry entry, MetricDelta delta) {
        context.forward(new Record<>(entry.pool, new LedgerOutput.Delta(delta), entry.ts));
    }

    /**
     * @param kind a short, bounded label for the counter: undecodable, invalid, duplicate, late,
     *     future, pool-mismatch, unknown-query, unknown-model, too-many
     */
    void dead(LedgerSource source, @Nullable String pool, String kind, String reason) {
        metrics.deadLetter(kind);
        // The ledger reads no catalogs: a record with prompt text keeps only its length and hash.
        boolean keep = !Topics.CARRY_TEXT.contains(source.topic());
        DeadLetter letter =
                Rejections.deadLetter(
                        source.topic(),
                        source.partition(),
                        source.offset(),
                        source.key(),
                        source.value(),
                        new Rejections.Why(kind, reason, pool, keep),
                        COMPONENT,
                        Instant.ofEpochMilli(source.timestamp()));
        String key = source.key() == null ? null : new String(source.key(), StandardCharsets.UTF_8);
        context.forward(new Record<>(key, new LedgerOutput.Dead(letter), source.timestamp()));
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

package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The fake LLM gateway of a replay: answers each decision of a replayed query on {@code
 * router.outcomes} with the dataset's true outcome for the chosen model and, when the decision
 * explores, for every model it names, as a real gateway that obeys the router would. Keeps the mean
 * true score of the chosen models before and after a shift. Thread-safe.
 */
final class ReplayGateway {
    /**
     * A query sent and not decided yet: its row, whether it was sent after the shift, and its place
     * in the replay.
     */
    private record Sent(BenchmarkRow row, boolean afterShift, int index) {}

    /**
     * A decided query as the gateway answered it: its place in the replay, the chosen model, its
     * true score, what the pool paid for every model asked (at the prices of the moment), the λ it
     * was decided with, and the decision judged against every model's true outcome (at those
     * prices).
     */
    public record Answered(
            int index, String model, double score, double paid, double lambda, Judged judged) {}

    private final Benchmark data;
    private final RecordCodec<RoutingDecision> decisionCodec;
    private final RecordCodec<Outcome> outcomeCodec;
    private final KafkaProducer<byte[], byte[]> producer;

    private final Map<String, Sent> pending = new ConcurrentHashMap<>();

    /** Model → factor on its true costs: a price change the replay made. */
    private final Map<String, Double> priceFactors = new ConcurrentHashMap<>();

    private final List<Answered> answered =
            java.util.Collections.synchronizedList(new ArrayList<>());

    /** Every decided query with its predictions and every model's true outcome. */
    private final List<Judged> judged = java.util.Collections.synchronizedList(new ArrayList<>());

    private final AtomicLong decided = new AtomicLong();
    private final AtomicLong outcomes = new AtomicLong();
    private final AtomicLong explored = new AtomicLong();
    private final DoubleAdder scoreBefore = new DoubleAdder();
    private final AtomicLong countBefore = new AtomicLong();
    private final DoubleAdder scoreAfter = new DoubleAdder();
    private final AtomicLong countAfter = new AtomicLong();

    ReplayGateway(
            Benchmark data,
            RecordCodec<RoutingDecision> decisionCodec,
            RecordCodec<Outcome> outcomeCodec,
            KafkaProducer<byte[], byte[]> producer) {
        this.data = data;
        this.decisionCodec = decisionCodec;
        this.outcomeCodec = outcomeCodec;
        this.producer = producer;
    }

    /** Query {@code id} was sent for {@code row}: answer its decision when it comes. */
    void expect(String id, BenchmarkRow row, boolean afterShift, int index) {
        pending.put(id, new Sent(row, afterShift, index));
    }

    /** From now on, each named model costs its true cost times its factor. */
    void changePrices(Map<String, Double> factors) {
        priceFactors.putAll(factors);
    }

    /** Every decided query so far, as answered. */
    List<Answered> answered() {
        synchronized (answered) {
            return List.copyOf(answered);
        }
    }

    /** Answers a decision record, if it decides one of the replayed queries. */
    void answer(ConsumerRecord<byte[], byte[]> r) {
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
        Map<String, Double> factors = Map.copyOf(priceFactors);
        Judged judgedNow = Judged.of(d, data, row, factors, sent.index(), sent.afterShift());
        judged.add(judgedNow);
        int chosen = data.models().indexOf(d.getModel());
        if (chosen >= 0) {
            (sent.afterShift() ? scoreAfter : scoreBefore).add(row.scores()[chosen]);
            (sent.afterShift() ? countAfter : countBefore).incrementAndGet();
        }
        List<String> asked = new ArrayList<>();
        asked.add(d.getModel());
        if (d.getExplore()) {
            explored.incrementAndGet();
            asked.addAll(d.getExploreModels());
        }
        double paid = 0;
        for (String model : asked) {
            int m = data.models().indexOf(model);
            if (m < 0) {
                continue; // not a model of the data: nothing to answer with
            }
            double cost =
                    (row.costs() == null ? 0 : row.costs()[m]) * factors.getOrDefault(model, 1.0);
            paid += cost;
            Outcome o =
                    Outcome.newBuilder()
                            .setQueryId(d.getQueryId())
                            .setPool(d.getPool())
                            .setModel(model)
                            .setScore(row.scores()[m])
                            .setCost(cost)
                            .setTs(Instant.now())
                            .build();
            producer.send(
                    new ProducerRecord<>(
                            Topics.OUTCOMES,
                            d.getQueryId().getBytes(StandardCharsets.UTF_8),
                            outcomeCodec.encode(o)));
            outcomes.incrementAndGet();
        }
        answered.add(
                new Answered(
                        sent.index(),
                        d.getModel(),
                        chosen >= 0 ? row.scores()[chosen] : Double.NaN,
                        paid,
                        d.getLambda(),
                        judgedNow));
    }

    long decided() {
        return decided.get();
    }

    long outcomes() {
        return outcomes.get();
    }

    /** Every decided query so far, judged against all its true outcomes. */
    List<Judged> judged() {
        synchronized (judged) {
            return List.copyOf(judged);
        }
    }

    long exploredQueries() {
        return explored.get();
    }

    /** Mean true score of the chosen models before the shift (all of them without one). */
    double meanScoreBefore() {
        return countBefore.get() == 0 ? Double.NaN : scoreBefore.sum() / countBefore.get();
    }

    double meanScoreAfter() {
        return countAfter.get() == 0 ? Double.NaN : scoreAfter.sum() / countAfter.get();
    }
}

package dev.pointsman.flink.job;

import dev.pointsman.core.spend.SpendPacer;
import dev.pointsman.core.spend.SpendSettings;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.flink.support.SpendEvent;
import dev.pointsman.topics.Topics;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.jspecify.annotations.Nullable;

/**
 * Keyed by pool, paces the λ of every pool whose catalog sets a budget ({@link SpendPacer}) on the
 * spend the support shards report (each answered query's outcomes, once: their real cost against
 * the budget, or against the cost their decision predicted where the deciders forecast), and
 * broadcasts its part of log λ to the deciders when it has moved by {@value #RESEND}% since it was
 * last sent (one update per answer would broadcast every answer to every decider). The pacer's
 * state is keyed state, in every checkpoint.
 */
final class Pacer extends CatalogGate<SpendEvent, CatalogUpdate> {
    private static final long serialVersionUID = 1L;

    /** Percent λ moves before the deciders are told. */
    static final int RESEND = 2;

    private transient ValueState<SpendPacer.State> state;
    private transient ValueState<Double> sent;

    Pacer(Duration catalogWait) {
        super(SpendEvent.class, catalogWait);
    }

    @Override
    public void open(OpenContext context) {
        super.open(context);
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "spend-pacer", TypeInformation.of(SpendPacer.State.class)));
        sent =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "spend-pacer-sent", TypeInformation.of(Double.class)));
    }

    @Override
    @Nullable String handle(SpendEvent e, Pool pool, Collector<CatalogUpdate> out) {
        SpendSettings spend = pool.settings().spend();
        try {
            if (!spend.paced()) {
                state.clear();
                return null;
            }
            SpendPacer.State s = state.value();
            s =
                    s == null
                            ? SpendPacer.start(spend, pool.settings().lambda())
                            : SpendPacer.retarget(s, spend);
            SpendPacer.observe(s, spend, e.queries, e.decided, e.cost, e.predicted);
            state.update(s);
            Double last = sent.value();
            if (last == null || Math.abs(s.logLambda - last) >= Math.log1p(RESEND / 100.0)) {
                sent.update(s.logLambda);
                out.collect(CatalogUpdate.pacing(e.pool, s.logLambda, s.budget, e.ts));
            }
            return null;
        } catch (Exception ex) {
            throw new IllegalStateException("spend pacer of " + e.pool, ex);
        }
    }

    @Override
    KafkaRecord source(SpendEvent e) {
        return KafkaRecord.derived(Topics.FEEDBACK, Decoders.utf8(e.pool), null, e.ts);
    }

    @Override
    String pool(SpendEvent e) {
        return e.pool;
    }
}

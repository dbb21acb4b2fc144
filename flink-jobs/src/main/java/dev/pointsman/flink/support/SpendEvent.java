package dev.pointsman.flink.support;

import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;
import org.jspecify.annotations.Nullable;

/**
 * What a support shard learned a pool paid: the cost of the outcomes it had not stored before, what
 * their decision predicted they would cost, and whether they answered a query it had not seen (a
 * new example). Re-sent examples add nothing, so the spend is counted once however often the ledger
 * re-emits a query's merged outcomes. A Flink POJO.
 */
public class SpendEvent {
    /** The shards' side output of spend. */
    public static final OutputTag<SpendEvent> TAG =
            new OutputTag<>("spend", TypeInformation.of(SpendEvent.class));

    public String pool;

    /** New answered queries: 1 for a new example, 0 for more outcomes of a known one. */
    public int queries;

    /** Of {@link #queries}, those a decision predicted (an outcome carries its ĉ): 0 or 1. */
    public int decided;

    /** USD of the outcomes not stored before. */
    public double cost;

    /** The decision's ĉ of those outcomes that carry one, USD. */
    public double predicted;

    /** Event time of the example. */
    public long ts;

    public SpendEvent() {}

    /**
     * What {@code example} adds to the pool's spend: every outcome of a new example ({@code known}
     * null), else the outcomes {@code known} lacks.
     */
    public static SpendEvent of(
            String pool,
            long ts,
            FeedbackExample example,
            @Nullable Map<String, ObservedOutcome> known) {
        SpendEvent e = new SpendEvent();
        e.pool = pool;
        e.ts = ts;
        e.queries = known == null ? 1 : 0;
        boolean predictedAny = false;
        for (Map.Entry<String, ObservedOutcome> o : example.getOutcomes().entrySet()) {
            if (known != null && known.containsKey(o.getKey())) {
                continue;
            }
            e.cost += o.getValue().getCost();
            Double predicted = o.getValue().getPredictedCost();
            if (predicted != null) {
                e.predicted += predicted;
                predictedAny = true;
            }
        }
        e.decided = known == null && predictedAny ? 1 : 0;
        return e;
    }
}

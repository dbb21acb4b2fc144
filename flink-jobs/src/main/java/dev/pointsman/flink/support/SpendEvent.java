package dev.pointsman.flink.support;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/**
 * What a support shard learned a pool paid: the cost of the outcomes it had not stored before, and
 * whether they answered a query it had not seen (a new example). Re-sent examples add nothing, so
 * the spend is counted once however often the ledger re-emits a query's merged outcomes. A Flink
 * POJO.
 */
public class SpendEvent {
    /** The shards' side output of spend. */
    public static final OutputTag<SpendEvent> TAG =
            new OutputTag<>("spend", TypeInformation.of(SpendEvent.class));

    public String pool;

    /** New answered queries: 1 for a new example, 0 for more outcomes of a known one. */
    public int queries;

    /** USD of the outcomes not stored before. */
    public double cost;

    /** Event time of the example. */
    public long ts;

    public SpendEvent() {}

    public SpendEvent(String pool, int queries, double cost, long ts) {
        this.pool = pool;
        this.queries = queries;
        this.cost = cost;
        this.ts = ts;
    }
}

package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.schemas.WindowMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The learning curve through the streaming router: a pool seeded with a few in-distribution rows,
 * then the rest replayed as live traffic with the router's own exploration and partial feedback, no
 * shift. Every answered query becomes a feedback example, so the support set grows by each window's
 * queries; each window is judged on every decided query ({@link Judged}) against the live trend,
 * and its lift is read against the support it was routed with.
 */
public final class StreamingCurve {
    /** One closed window: the support it started with, and its judged quality. */
    public record Row(long support, long queries, double auc, double trend, long explored) {
        public double lift() {
            return auc - trend;
        }
    }

    private StreamingCurve() {}

    /**
     * The in-distribution rows (a file's train and test splits, not its ood one; every row without
     * splits) shuffled with {@code seed}: the first {@code seedRows} seed the pool, the next at
     * most {@code maxQueries} are the traffic.
     */
    public static TrafficSplit traffic(Benchmark data, int seedRows, int maxQueries, long seed) {
        List<BenchmarkRow> rows = new ArrayList<>();
        for (BenchmarkRow r : data.rows()) {
            if (!"ood".equals(r.split())) {
                rows.add(r);
            }
        }
        Collections.shuffle(rows, new Random(seed));
        if (rows.size() <= seedRows) {
            throw new IllegalArgumentException(
                    "--sizes: the first size ("
                            + seedRows
                            + ") leaves no traffic of the "
                            + rows.size()
                            + " in-distribution rows");
        }
        int end = (int) Math.min(rows.size(), (long) seedRows + maxQueries);
        return new TrafficSplit(
                List.copyOf(rows.subList(0, seedRows)),
                List.copyOf(rows.subList(seedRows, end)),
                List.of());
    }

    /** Replays {@code traffic} through the online router and reads each judged window. */
    public static List<Row> run(
            AdaptExperiment experiment, Benchmark data, TrafficSplit traffic, AtomicBoolean stop)
            throws Exception {
        AdaptExperiment.Pass pass = experiment.run("streaming", true, data, traffic, stop);
        return rows(pass, traffic.seed().size());
    }

    /** The pass's windows with the support each started with: the seed plus earlier windows. */
    static List<Row> rows(AdaptExperiment.Pass pass, long seedRows) {
        List<Row> out = new ArrayList<>();
        long support = seedRows;
        for (WindowMetrics w : pass.windows()) {
            Double auc = pass.auc(w);
            Double trend = pass.trendAuc(w);
            if (auc != null && trend != null) {
                out.add(new Row(support, w.getN(), auc, trend, w.getShadowQueries()));
            }
            support += w.getN();
        }
        return out;
    }
}

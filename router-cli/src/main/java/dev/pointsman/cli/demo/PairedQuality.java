package dev.pointsman.cli.demo;

import dev.pointsman.core.monitor.ShadowRow;
import dev.pointsman.core.monitor.WindowQuality;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Two replays of the same traffic judged on the very same queries: each one's Pareto-AUC over the
 * queries both decided (paired by their place in the replay), and the standard error of the
 * difference from a seeded bootstrap over those queries. Windowed figures compare windows that hold
 * different queries (a window's bounds fall where the clock puts them, and one pass may lag the
 * other), and after a shift only two or three windows settle, so their difference is mostly the
 * difference between the queries; on the same queries it is the routers'.
 *
 * @param queries the queries both replays decided that {@code keep} kept
 * @param first the first replay's AUC on them
 * @param second the second's
 * @param differenceStd the bootstrap standard deviation of {@code second − first}
 */
public record PairedQuality(int queries, double first, double second, double differenceStd) {
    static final int RESAMPLES = 200;

    public double difference() {
        return second - first;
    }

    /**
     * @param keep which queries count (by the first replay's judgement: before or after the shift,
     *     and how far into it)
     * @return null when the replays share no kept query with a model common to all
     */
    public static @Nullable PairedQuality of(
            List<Judged> first, List<Judged> second, Predicate<Judged> keep, long seed) {
        Map<Integer, Judged> byIndex = new HashMap<>();
        for (Judged j : second) {
            if (j.index() >= 0) {
                byIndex.put(j.index(), j);
            }
        }
        List<ShadowRow> a = new ArrayList<>();
        List<ShadowRow> b = new ArrayList<>();
        for (Judged j : first) {
            Judged other = j.index() >= 0 ? byIndex.get(j.index()) : null;
            if (other != null && keep.test(j)) {
                a.add(j.row());
                b.add(other.row());
            }
        }
        Double aucA = auc(a);
        Double aucB = auc(b);
        if (aucA == null || aucB == null) {
            return null;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (int r = 0; r < RESAMPLES; r++) {
            List<ShadowRow> ra = new ArrayList<>(a.size());
            List<ShadowRow> rb = new ArrayList<>(b.size());
            for (int i = 0; i < a.size(); i++) {
                int pick = random.nextInt(a.size());
                ra.add(a.get(pick));
                rb.add(b.get(pick));
            }
            Double x = auc(ra);
            Double y = auc(rb);
            if (x != null && y != null) {
                double d = y - x;
                sum += d;
                squares += d * d;
                n++;
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        double std =
                n < 2 ? Double.NaN : Math.sqrt(Math.max(0, (squares - n * mean * mean) / (n - 1)));
        return new PairedQuality(a.size(), aucA, aucB, std);
    }

    private static @Nullable Double auc(List<ShadowRow> rows) {
        WindowQuality q = WindowQuality.of(rows, Map.of());
        return q == null ? null : q.auc();
    }
}

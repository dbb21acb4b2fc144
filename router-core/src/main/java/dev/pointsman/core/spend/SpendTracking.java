package dev.pointsman.core.spend;

import dev.pointsman.core.monitor.ShadowRow;
import java.util.List;

/**
 * How well a replay held its budget, and what its routing bought at that spend: the figures of
 * {@code pointsman bench budget}. Queries are in replay order.
 */
public final class SpendTracking {
    private SpendTracking() {}

    /**
     * @param budget target USD per query
     * @param meanSpend mean paid per query after the warm-up
     * @param withinBefore share of the trailing windows that start after the warm-up and end before
     *     the price change whose spend is within the tolerance of the budget (NaN: none)
     * @param worstBefore the largest |spend/budget − 1| of those windows
     * @param within share of all the trailing windows after the warm-up within the tolerance
     * @param over share of them more than the tolerance above the budget: overspend, where a window
     *     below is one in which the router found nothing worth the money
     * @param backWithin queries after the change until the first trailing window wholly after it is
     *     within the tolerance: back on target at the new prices; -1 if none is, 0 without a change
     * @param toRecover queries after the price change until every later trailing window is within
     *     the tolerance; -1 if the run ends outside it, 0 without a change
     * @param withinAfter share of the trailing windows wholly after the change (the first ends
     *     {@code window} queries after it) within the tolerance: how well the budget is held at the
     *     new prices, where {@code toRecover} is set by the last window that strays (NaN: no
     *     change, or no such window)
     * @param quality mean true score of the chosen models
     * @param chosenSpend mean true cost of the chosen models (exploration aside)
     * @param hindsight mean true score the best fixed λ in hindsight gets at {@code chosenSpend},
     *     routing by the same predictions
     * @param floor the same window figures for the steadiest policy there is without feedback: the
     *     fixed λ, chosen in hindsight, that spends exactly the budget on the queries before the
     *     change, then the one that does on those after it. What it leaves off target is the cost
     *     distribution's own noise, which no pacer can remove.
     */
    public record Result(
            double budget,
            double meanSpend,
            double withinBefore,
            double worstBefore,
            double within,
            double over,
            int backWithin,
            int toRecover,
            double withinAfter,
            double quality,
            double chosenSpend,
            double hindsight,
            Floor floor) {

        /** The router's quality as a share of the best fixed λ's at the same spend. */
        public double qualityRatio() {
            return quality / hindsight;
        }
    }

    /**
     * The window figures of a spend series: {@link Result#withinBefore}, {@link Result#backWithin},
     * {@link Result#toRecover} and {@link Result#withinAfter}, for the noise floor.
     */
    public record Floor(double withinBefore, int backWithin, int toRecover, double withinAfter) {}

    /**
     * @param paid what each query cost the pool (every model asked)
     * @param score the chosen model's true score per query
     * @param rows each query's predictions and every model's true outcome
     * @param warmup queries before the windows count
     * @param window trailing window length
     * @param changeAt query index of the price change; -1 without one
     * @param tolerance e.g. 0.05
     */
    public static Result of(
            double budget,
            double[] paid,
            double[] score,
            double[] chosenCost,
            List<ShadowRow> rows,
            int warmup,
            int window,
            int changeAt,
            double tolerance) {
        int n = paid.length;
        if (score.length != n || chosenCost.length != n || rows.size() != n) {
            throw new IllegalArgumentException("per-query arrays differ in length");
        }
        Floor held = windows(paid, budget, warmup, window, changeAt, tolerance);
        double[] trailing = trailing(paid, window);
        int end = changeAt < 0 ? n : changeAt;
        double worst = 0;
        for (int j = warmup + window - 1; j < end; j++) {
            worst = Math.max(worst, Math.abs(trailing[j] / budget - 1));
        }
        int all = 0;
        int allInside = 0;
        int allOver = 0;
        for (int j = warmup + window - 1; j < n; j++) {
            double dev = trailing[j] / budget - 1;
            all++;
            allInside += Math.abs(dev) <= tolerance ? 1 : 0;
            allOver += dev > tolerance ? 1 : 0;
        }
        double chosen = mean(chosenCost, 0, n);
        return new Result(
                budget,
                mean(paid, warmup, n),
                held.withinBefore(),
                worst,
                all == 0 ? Double.NaN : (double) allInside / all,
                all == 0 ? Double.NaN : (double) allOver / all,
                held.backWithin(),
                held.toRecover(),
                held.withinAfter(),
                mean(score, 0, n),
                chosen,
                hindsight(rows, chosen, budget),
                windows(
                        floorSpend(rows, budget, warmup, changeAt),
                        budget,
                        warmup,
                        window,
                        changeAt,
                        tolerance));
    }

    /**
     * Of the trailing windows of {@code paid}: the share within the tolerance among those after the
     * warm-up and before the change; the queries after the change until every later window is
     * within it; the share within it among those wholly after the change.
     */
    static Floor windows(
            double[] paid, double budget, int warmup, int window, int changeAt, double tolerance) {
        int n = paid.length;
        double[] trailing = trailing(paid, window);
        int end = changeAt < 0 ? n : changeAt;
        int inside = 0;
        int counted = 0;
        for (int j = warmup + window - 1; j < end; j++) {
            inside += Math.abs(trailing[j] / budget - 1) <= tolerance ? 1 : 0;
            counted++;
        }
        // The last window after the change that is off target; the run recovered after it.
        int lastOff = changeAt - 1;
        for (int j = n - 1; changeAt >= 0 && j >= changeAt; j--) {
            if (Math.abs(trailing[j] / budget - 1) > tolerance) {
                lastOff = j;
                break;
            }
        }
        int toRecover = changeAt < 0 ? 0 : lastOff >= n - 1 ? -1 : lastOff + 1 - changeAt;
        int after = 0;
        int afterInside = 0;
        int backWithin = changeAt < 0 ? 0 : -1;
        for (int j = changeAt + window - 1; changeAt >= 0 && j < n; j++) {
            after++;
            boolean on = Math.abs(trailing[j] / budget - 1) <= tolerance;
            afterInside += on ? 1 : 0;
            if (on && backWithin < 0) {
                backWithin = j + 1 - changeAt;
            }
        }
        return new Floor(
                counted == 0 ? Double.NaN : (double) inside / counted,
                backWithin,
                toRecover,
                after == 0 ? Double.NaN : (double) afterInside / after);
    }

    /**
     * What each query costs under the noise-floor policy ({@link Result#floor}): per segment (the
     * queries from the warm-up to the change, and from the change on; the warm-up itself goes with
     * the first), the fixed λ whose mean spend on that segment is closest to the budget.
     */
    static double[] floorSpend(List<ShadowRow> rows, double budget, int warmup, int changeAt) {
        int n = rows.size();
        double[] out = new double[n];
        int split = changeAt < 0 ? n : changeAt;
        fill(out, rows, 0, split, warmup, budget);
        fill(out, rows, split, n, split, budget);
        return out;
    }

    private static void fill(
            double[] out, List<ShadowRow> rows, int from, int to, int tuneFrom, double budget) {
        if (from >= to) {
            return;
        }
        List<ShadowRow> tune = rows.subList(Math.min(tuneFrom, to - 1), to);
        double best = 0;
        double bestGap = Double.POSITIVE_INFINITY;
        for (double lambda : lambdaGrid(budget)) {
            double gap = Math.abs(fixedLambda(tune, lambda)[1] - budget);
            if (gap < bestGap) {
                bestGap = gap;
                best = lambda;
            }
        }
        for (int i = from; i < to; i++) {
            ShadowRow r = rows.get(i);
            out[i] = r.observed().get(choose(r, best))[1];
        }
    }

    /** The mean of the last {@code window} values (fewer at the start) at each index. */
    public static double[] trailing(double[] x, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        double[] out = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i];
            if (i >= window) {
                sum -= x[i - window];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    /** {mean true score, mean true cost} of routing every row by argmax ŝ − λ·ĉ. */
    public static double[] fixedLambda(List<ShadowRow> rows, double lambda) {
        double score = 0;
        double cost = 0;
        for (ShadowRow r : rows) {
            double[] o = r.observed().get(choose(r, lambda));
            score += o[0];
            cost += o[1];
        }
        return new double[] {score / rows.size(), cost / rows.size()};
    }

    /** The model argmax ŝ − λ·ĉ picks for one row. */
    private static String choose(ShadowRow r, double lambda) {
        String best = null;
        double bestUtility = Double.NEGATIVE_INFINITY;
        for (String m : r.models()) {
            double[] p = r.predicted().get(m);
            double u = p[0] - lambda * p[1];
            if (u > bestUtility) {
                bestUtility = u;
                best = m;
            }
        }
        return best;
    }

    /** λ = 0, then λ·{@code scale} from 10⁻⁴ to 10⁴ in 240 steps even on a log scale. */
    private static double[] lambdaGrid(double scale) {
        int steps = 240;
        double[] lambdas = new double[steps + 1];
        for (int i = 1; i <= steps; i++) {
            lambdas[i] = Math.exp(Math.log(1e-4) + Math.log(1e8) * (i - 1) / (steps - 1)) / scale;
        }
        return lambdas;
    }

    /**
     * The mean true score of the fixed λ that spends {@code spend} per query on {@code rows},
     * interpolated between the two λ of a fine grid (λ·{@code scale} from 10⁻⁴ to 10⁴, and 0) whose
     * spends bracket it; the cheapest or dearest end of the grid outside its range.
     */
    public static double hindsight(List<ShadowRow> rows, double spend, double scale) {
        double[] lambdas = lambdaGrid(scale);
        int steps = lambdas.length - 1;
        double[] previous = fixedLambda(rows, lambdas[0]);
        if (spend >= previous[1]) {
            return previous[0];
        }
        for (int i = 1; i <= steps; i++) {
            double[] next = fixedLambda(rows, lambdas[i]);
            if (next[1] <= spend) {
                double span = previous[1] - next[1];
                double t = span == 0 ? 0 : (previous[1] - spend) / span;
                return previous[0] + t * (next[0] - previous[0]);
            }
            previous = next;
        }
        return previous[0];
    }

    private static double mean(double[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += x[i];
        }
        return to > from ? sum / (to - from) : Double.NaN;
    }
}

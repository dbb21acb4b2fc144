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
     */
    public record Result(
            double budget,
            double meanSpend,
            double withinBefore,
            double worstBefore,
            double within,
            double over,
            int toRecover,
            double withinAfter,
            double quality,
            double chosenSpend,
            double hindsight) {

        /** The router's quality as a share of the best fixed λ's at the same spend. */
        public double qualityRatio() {
            return quality / hindsight;
        }
    }

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
        double[] trailing = trailing(paid, window);
        int end = changeAt < 0 ? n : changeAt;
        int inside = 0;
        int counted = 0;
        double worst = 0;
        for (int j = warmup + window - 1; j < end; j++) {
            double dev = Math.abs(trailing[j] / budget - 1);
            worst = Math.max(worst, dev);
            inside += dev <= tolerance ? 1 : 0;
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
        for (int j = changeAt + window - 1; changeAt >= 0 && j < n; j++) {
            after++;
            afterInside += Math.abs(trailing[j] / budget - 1) <= tolerance ? 1 : 0;
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
                counted == 0 ? Double.NaN : (double) inside / counted,
                worst,
                all == 0 ? Double.NaN : (double) allInside / all,
                all == 0 ? Double.NaN : (double) allOver / all,
                toRecover,
                after == 0 ? Double.NaN : (double) afterInside / after,
                mean(score, 0, n),
                chosen,
                hindsight(rows, chosen, budget));
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
            double[] o = r.observed().get(best);
            score += o[0];
            cost += o[1];
        }
        return new double[] {score / rows.size(), cost / rows.size()};
    }

    /**
     * The mean true score of the fixed λ that spends {@code spend} per query on {@code rows},
     * interpolated between the two λ of a fine grid (λ·{@code scale} from 10⁻⁴ to 10⁴, and 0) whose
     * spends bracket it; the cheapest or dearest end of the grid outside its range.
     */
    public static double hindsight(List<ShadowRow> rows, double spend, double scale) {
        int steps = 240;
        double[] lambdas = new double[steps + 1];
        for (int i = 1; i <= steps; i++) {
            lambdas[i] = Math.exp(Math.log(1e-4) + Math.log(1e8) * (i - 1) / (steps - 1)) / scale;
        }
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

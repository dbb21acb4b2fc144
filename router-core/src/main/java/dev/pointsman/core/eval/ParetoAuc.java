package dev.pointsman.core.eval;

import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The λ sweep and Pareto-AUC of shared/EVALUATION.md.
 *
 * <ol>
 *   <li>C = max over models of the model's mean true cost on the evaluated queries.
 *   <li>λ ∈ {0} ∪ {10^t / C : t = 401 values evenly spaced in [−4, 4]} ∪ {∞}; each query picks
 *       argmax ŝ − λ·ĉ (at ∞: argmin ĉ), ties to the first model in name order. λ is score per unit
 *       of cost, so it scales as 1/C and the sweep does not depend on the currency (until
 *       2026-12-02 it read C·10^t, which in dollars stopped short of some models' switch points).
 *   <li>Each λ is the point (mean true cost / C clipped to 1, mean true score).
 *   <li>The frontier is the upper concave envelope of the points and the origin, cut at its highest
 *       point and extended flat to cost 1.
 *   <li>AUC = 100 · ∫₀¹ frontier.
 * </ol>
 *
 * <p>Every mean may be weighted per query (the overloads with {@code weights}): the live windows
 * weight each explored query by its inverse propensity, so that the mean over the explored queries
 * estimates the mean over all of them (a self-normalised inverse-propensity, or Hájek, estimate).
 * Null weights are uniform and give exactly the unweighted figures.
 */
public final class ParetoAuc {
    /** Number of finite positive λ values in the sweep. */
    public static final int SWEEP_STEPS = 401;

    private ParetoAuc() {}

    /** One operating point: normalised mean cost and mean score. */
    public record Point(double cost, double score) {}

    /** C: the mean cost of the most expensive model on these queries. */
    public static double costNormalizer(Outcomes truth) {
        return costNormalizer(truth, null);
    }

    /** C with each query's cost weighted. */
    public static double costNormalizer(Outcomes truth, double @Nullable [] weights) {
        double[][] costs = requireCosts(truth);
        double total = totalWeight(truth, weights);
        double max = 0;
        for (int m = 0; m < truth.modelCount(); m++) {
            double sum = 0;
            for (int i = 0; i < costs.length; i++) {
                sum += weight(weights, i) * costs[i][m];
            }
            max = Math.max(max, sum / total);
        }
        return max;
    }

    /**
     * The λ values of the sweep for normaliser {@code c}, including 0 and +∞. Where every cost is 0
     * ({@code c} 0) the finite λ values only need to be finite: they are taken for C = 1.
     */
    public static double[] lambdas(double c) {
        double scale = c > 0 ? c : 1;
        double[] out = new double[SWEEP_STEPS + 2];
        out[0] = 0;
        for (int i = 0; i < SWEEP_STEPS; i++) {
            double t = -4.0 + 8.0 * i / (SWEEP_STEPS - 1);
            out[i + 1] = Math.pow(10, t) / scale;
        }
        out[SWEEP_STEPS + 1] = Double.POSITIVE_INFINITY;
        return out;
    }

    /** The model each query picks at {@code lambda}: argmax ŝ − λĉ, or argmin ĉ at λ = ∞. */
    public static int choose(double[] scoreHat, double[] costHat, double lambda) {
        int best = 0;
        if (lambda == Double.POSITIVE_INFINITY) {
            for (int m = 1; m < costHat.length; m++) {
                if (costHat[m] < costHat[best]) {
                    best = m;
                }
            }
            return best;
        }
        double bestUtility = scoreHat[0] - lambda * costHat[0];
        for (int m = 1; m < scoreHat.length; m++) {
            double utility = scoreHat[m] - lambda * costHat[m];
            if (utility > bestUtility) {
                best = m;
                bestUtility = utility;
            }
        }
        return best;
    }

    /** The sweep's operating points for a router's predictions. */
    public static List<Point> sweep(Outcomes truth, Predictions predictions) {
        return sweep(truth, predictions, null);
    }

    /** The sweep with weighted means. */
    public static List<Point> sweep(
            Outcomes truth, Predictions predictions, double @Nullable [] weights) {
        double[][] costs = requireCosts(truth);
        if (predictions.costs() == null) {
            throw new IllegalArgumentException("the router predicted no costs");
        }
        checkSize(truth, predictions);
        double normalizer = costNormalizer(truth, weights);
        double total = totalWeight(truth, weights);
        int n = truth.size();
        List<Point> points = new ArrayList<>();
        for (double lambda : lambdas(normalizer)) {
            double cost = 0;
            double score = 0;
            for (int i = 0; i < n; i++) {
                int m = choose(predictions.scores()[i], predictions.costs()[i], lambda);
                double w = weight(weights, i);
                cost += w * costs[i][m];
                score += w * truth.scores()[i][m];
            }
            points.add(new Point(normalise(cost / total, normalizer), score / total));
        }
        return points;
    }

    /**
     * The frontier's vertices from cost 0 to cost 1: the upper concave envelope of {@code points}
     * and the origin, cut at its highest point, then flat to 1.
     */
    public static List<Point> frontier(List<Point> points) {
        List<Point> all = new ArrayList<>(points);
        all.add(new Point(0, 0));
        // Left to right; at equal cost only the highest score can lie on the upper envelope.
        all.sort(
                Comparator.comparingDouble(Point::cost)
                        .thenComparing(Point::score, Comparator.reverseOrder()));
        List<Point> hull = new ArrayList<>();
        for (Point p : all) {
            if (!hull.isEmpty() && hull.get(hull.size() - 1).cost() == p.cost()) {
                continue;
            }
            while (hull.size() >= 2
                    && !turnsRight(hull.get(hull.size() - 2), hull.get(hull.size() - 1), p)) {
                hull.remove(hull.size() - 1);
            }
            hull.add(p);
        }
        int top = 0;
        for (int i = 1; i < hull.size(); i++) {
            if (hull.get(i).score() > hull.get(top).score()) {
                top = i;
            }
        }
        List<Point> frontier = new ArrayList<>(hull.subList(0, top + 1));
        Point highest = hull.get(top);
        if (highest.cost() < 1) {
            frontier.add(new Point(1, highest.score()));
        }
        return frontier;
    }

    /** 100 × the area under a frontier from {@link #frontier}. */
    public static double area(List<Point> frontier) {
        double area = 0;
        for (int i = 1; i < frontier.size(); i++) {
            Point a = frontier.get(i - 1);
            Point b = frontier.get(i);
            area += (b.cost() - a.cost()) * (a.score() + b.score()) / 2;
        }
        return 100 * area;
    }

    /** Pareto-AUC of a router's predictions. */
    public static double auc(Outcomes truth, Predictions predictions) {
        return auc(truth, predictions, null);
    }

    /** Pareto-AUC with weighted means. */
    public static double auc(Outcomes truth, Predictions predictions, double @Nullable [] weights) {
        return area(frontier(sweep(truth, predictions, weights)));
    }

    /** The oracle row: the router that knows the true scores and costs. */
    public static double oracle(Outcomes truth) {
        return oracle(truth, null);
    }

    /** The oracle row with weighted means. */
    public static double oracle(Outcomes truth, double @Nullable [] weights) {
        return auc(truth, new Predictions(truth.scores(), truth.costs()), weights);
    }

    /** The random row: the single point (mean cost over all queries and models / C, mean score). */
    public static double random(Outcomes truth) {
        return random(truth, null);
    }

    /** The random row with weighted means. */
    public static double random(Outcomes truth, double @Nullable [] weights) {
        return area(frontier(List.of(randomPoint(truth, weights))));
    }

    /** The random row's point. */
    public static Point randomPoint(Outcomes truth) {
        return randomPoint(truth, null);
    }

    private static Point randomPoint(Outcomes truth, double @Nullable [] weights) {
        double[][] costs = requireCosts(truth);
        double cost = 0;
        double score = 0;
        for (int i = 0; i < truth.size(); i++) {
            double w = weight(weights, i);
            for (int m = 0; m < truth.modelCount(); m++) {
                cost += w * costs[i][m];
                score += w * truth.scores()[i][m];
            }
        }
        double count = totalWeight(truth, weights) * truth.modelCount();
        return new Point(normalise(cost / count, costNormalizer(truth, weights)), score / count);
    }

    /** Each single model as a point (always routing to that model). */
    public static List<Point> modelPoints(Outcomes truth) {
        double[][] costs = requireCosts(truth);
        double normalizer = costNormalizer(truth);
        List<Point> points = new ArrayList<>();
        for (int m = 0; m < truth.modelCount(); m++) {
            double cost = 0;
            double score = 0;
            for (int i = 0; i < truth.size(); i++) {
                cost += costs[i][m];
                score += truth.scores()[i][m];
            }
            points.add(new Point(normalise(cost / truth.size(), normalizer), score / truth.size()));
        }
        return points;
    }

    /** For quality-only data: mean true score of argmax ŝ (λ = 0, ties to name order). */
    public static double accuracyAtZero(Outcomes truth, Predictions predictions) {
        return accuracyAtZero(truth, predictions, null);
    }

    /** {@link #accuracyAtZero} with weighted queries. */
    public static double accuracyAtZero(
            Outcomes truth, Predictions predictions, double @Nullable [] weights) {
        checkSize(truth, predictions);
        double total = totalWeight(truth, weights);
        double sum = 0;
        double[] noCosts = new double[truth.modelCount()];
        for (int i = 0; i < truth.size(); i++) {
            sum +=
                    weight(weights, i)
                            * truth.scores()[i][choose(predictions.scores()[i], noCosts, 0)];
        }
        return sum / total;
    }

    private static boolean turnsRight(Point o, Point a, Point b) {
        double cross =
                (a.cost() - o.cost()) * (b.score() - o.score())
                        - (a.score() - o.score()) * (b.cost() - o.cost());
        return cross < 0;
    }

    private static double normalise(double meanCost, double normalizer) {
        if (normalizer <= 0) {
            return 0; // every model is free: every point sits at cost 0
        }
        return Math.min(1, meanCost / normalizer);
    }

    private static double weight(double @Nullable [] weights, int i) {
        return weights == null ? 1.0 : weights[i];
    }

    /** The sum of the weights (the query count when uniform); checks them. */
    private static double totalWeight(Outcomes truth, double @Nullable [] weights) {
        if (weights == null) {
            return truth.size();
        }
        if (weights.length != truth.size()) {
            throw new IllegalArgumentException(
                    weights.length + " weights for " + truth.size() + " queries");
        }
        double total = 0;
        for (double w : weights) {
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be finite and > 0, got " + w);
            }
            total += w;
        }
        return total;
    }

    private static double[][] requireCosts(Outcomes truth) {
        if (truth.costs() == null) {
            throw new IllegalArgumentException(
                    "Pareto-AUC needs costs; use accuracy for quality-only data");
        }
        if (truth.size() == 0) {
            throw new IllegalArgumentException("no queries to evaluate");
        }
        return truth.costs();
    }

    private static void checkSize(Outcomes truth, Predictions predictions) {
        if (truth.size() != predictions.size()) {
            throw new IllegalArgumentException(
                    "predictions cover " + predictions.size() + " queries, truth " + truth.size());
        }
    }
}

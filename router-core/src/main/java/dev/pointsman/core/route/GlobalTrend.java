package dev.pointsman.core.route;

import dev.pointsman.core.io.Encoding;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The global-trend baseline: every query gets each model's mean observed score and cost. A router
 * is only useful where it beats this.
 */
public final class GlobalTrend implements UtilityPredictor {
    private final double[] meanScores;
    private final double[] meanCosts;

    private GlobalTrend(double[] meanScores, double[] meanCosts) {
        this.meanScores = meanScores;
        this.meanCosts = meanCosts;
    }

    /**
     * A trend from given per-model means (a catalog's priors, a stream's running means).
     *
     * @param meanCosts null for quality-only pools
     */
    public static GlobalTrend of(double[] meanScores, double[] meanCosts) {
        if (meanCosts != null && meanCosts.length != meanScores.length) {
            throw new IllegalArgumentException("score and cost means differ in length");
        }
        return new GlobalTrend(meanScores.clone(), meanCosts == null ? null : meanCosts.clone());
    }

    void writeTo(DataOutput out) throws IOException {
        Encoding.writeDoubles(out, meanScores);
        out.writeBoolean(meanCosts != null);
        if (meanCosts != null) {
            Encoding.writeDoubles(out, meanCosts);
        }
    }

    static GlobalTrend readFrom(DataInput in) throws IOException {
        double[] scores = Encoding.readDoubles(in);
        return of(scores, in.readBoolean() ? Encoding.readDoubles(in) : null);
    }

    /** Means over the observed (non-NaN) outcomes; a model never observed gets 0. */
    public static GlobalTrend fit(Outcomes outcomes) {
        double[] costs =
                outcomes.hasCosts() ? columnMeans(outcomes.costs(), outcomes.modelCount()) : null;
        return new GlobalTrend(columnMeans(outcomes.scores(), outcomes.modelCount()), costs);
    }

    /**
     * Means over the observed outcomes, each weighted by its inverse propensity (a self-normalised
     * inverse-propensity estimate): a model's outcomes observed mostly where the router chose it
     * would otherwise describe those queries rather than the traffic. A model never observed gets
     * 0.
     */
    public static GlobalTrend fit(TrainingSet set) {
        if (set.propensities() == null) {
            return fit(set.outcomes());
        }
        Outcomes outcomes = set.outcomes();
        int models = outcomes.modelCount();
        double[] weightSum = new double[models];
        double[] scores = new double[models];
        double[] costs = outcomes.hasCosts() ? new double[models] : null;
        for (int i = 0; i < outcomes.size(); i++) {
            for (int m = 0; m < models; m++) {
                double s = outcomes.scores()[i][m];
                if (Double.isNaN(s)) {
                    continue;
                }
                double w = 1.0 / set.propensity(i, m);
                weightSum[m] += w;
                scores[m] += w * s;
                if (costs != null) {
                    costs[m] += w * outcomes.costs()[i][m];
                }
            }
        }
        for (int m = 0; m < models; m++) {
            scores[m] = weightSum[m] == 0 ? 0 : scores[m] / weightSum[m];
            if (costs != null) {
                costs[m] = weightSum[m] == 0 ? 0 : costs[m] / weightSum[m];
            }
        }
        return new GlobalTrend(scores, costs);
    }

    static double[] columnMeans(double[][] rows, int columns) {
        double[] sum = new double[columns];
        int[] count = new int[columns];
        for (double[] row : rows) {
            for (int m = 0; m < columns; m++) {
                if (!Double.isNaN(row[m])) {
                    sum[m] += row[m];
                    count[m]++;
                }
            }
        }
        for (int m = 0; m < columns; m++) {
            sum[m] = count[m] == 0 ? 0 : sum[m] / count[m];
        }
        return sum;
    }

    public double meanScore(int model) {
        return meanScores[model];
    }

    public double meanCost(int model) {
        return meanCosts == null ? 0 : meanCosts[model];
    }

    @Override
    public int modelCount() {
        return meanScores.length;
    }

    @Override
    public boolean predictsCosts() {
        return meanCosts != null;
    }

    @Override
    public void predict(float[] unitQuery, double[] scores, double[] costs) {
        System.arraycopy(meanScores, 0, scores, 0, meanScores.length);
        if (meanCosts != null) {
            System.arraycopy(meanCosts, 0, costs, 0, meanCosts.length);
        }
    }

    /** Trainer form, for router lists. */
    public static RouterTrainer trainer() {
        return new RouterTrainer() {
            @Override
            public String name() {
                return "global-trend";
            }

            @Override
            public UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed) {
                return GlobalTrend.fit(train.outcomes());
            }
        };
    }
}

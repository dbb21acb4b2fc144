package dev.pointsman.core.monitor;

import dev.pointsman.core.eval.ParetoAuc;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Pareto-AUC of a router over one window's shadow queries, with the oracle, random and global-trend
 * rows on the same queries (shared/EVALUATION.md). The models compared are those every row
 * predicted, so a model added or removed mid-window does not leave holes. Each row counts with its
 * {@link ShadowRow#weight}: explored queries by their inverse propensity, so that the window's
 * figures estimate those of all its queries, not only of the regions the router explored most.
 *
 * @param trendAuc null when the global trend does not cover every model yet
 */
public record WindowQuality(
        List<String> models,
        int queries,
        double auc,
        double oracleAuc,
        double randomAuc,
        @Nullable Double trendAuc) {

    /**
     * @param trend model → {mean score, mean cost} from before the window: the global-trend router
     * @return null when there are no rows or no model common to all of them
     */
    public static @Nullable WindowQuality of(
            Collection<ShadowRow> rows, Map<String, double[]> trend) {
        if (rows.isEmpty()) {
            return null;
        }
        TreeSet<String> common = null;
        for (ShadowRow row : rows) {
            if (common == null) {
                common = new TreeSet<>(row.predicted().keySet());
            } else {
                common.retainAll(row.predicted().keySet());
            }
        }
        if (common == null || common.isEmpty()) {
            return null;
        }
        List<String> models = new ArrayList<>(common);
        int n = rows.size();
        int m = models.size();
        double[][] scores = new double[n][m];
        double[][] costs = new double[n][m];
        double[][] scoreHat = new double[n][m];
        double[][] costHat = new double[n][m];
        double[] weights = new double[n];
        boolean uniform = true;
        int i = 0;
        for (ShadowRow row : rows) {
            weights[i] = row.weight();
            uniform &= row.weight() == 1.0;
            for (int j = 0; j < m; j++) {
                double[] observed = row.observed().get(models.get(j));
                double[] predicted = row.predicted().get(models.get(j));
                scores[i][j] = observed[0];
                costs[i][j] = observed[1];
                scoreHat[i][j] = predicted[0];
                costHat[i][j] = predicted[1];
            }
            i++;
        }
        Outcomes truth = new Outcomes(models, scores, costs);
        double[] w = uniform ? null : weights;
        double auc = ParetoAuc.auc(truth, new Predictions(scoreHat, costHat), w);
        Double trendAuc = null;
        if (trend.keySet().containsAll(models)) {
            double[][] trendScores = new double[n][m];
            double[][] trendCosts = new double[n][m];
            for (int j = 0; j < m; j++) {
                double[] mean = trend.get(models.get(j));
                for (int r = 0; r < n; r++) {
                    trendScores[r][j] = mean[0];
                    trendCosts[r][j] = mean[1];
                }
            }
            trendAuc = ParetoAuc.auc(truth, new Predictions(trendScores, trendCosts), w);
        }
        return new WindowQuality(
                List.copyOf(models),
                n,
                auc,
                ParetoAuc.oracle(truth, w),
                ParetoAuc.random(truth, w),
                trendAuc);
    }
}

package dev.pointsman.core.route;

import dev.pointsman.core.vector.VectorSet;
import java.util.stream.IntStream;

/** Predicts every candidate model's quality ŝ(x,m) and cost ĉ(x,m) for a query embedding. */
public interface UtilityPredictor {

    /** Number of models predicted, in name order. */
    int modelCount();

    /** Whether costs are predicted. */
    boolean predictsCosts();

    /**
     * Writes ŝ(x,·) to {@code scores} and, when costs are predicted, ĉ(x,·) to {@code costs}.
     *
     * @param unitQuery the L2-normalised query embedding
     */
    void predict(float[] unitQuery, double[] scores, double[] costs);

    /** Predicts every row of {@code queries}; rows are independent, so they run in parallel. */
    default Predictions predictAll(VectorSet queries) {
        int n = queries.size();
        double[][] scores = new double[n][modelCount()];
        double[][] costs = predictsCosts() ? new double[n][modelCount()] : null;
        IntStream.range(0, n)
                .parallel()
                .forEach(
                        i ->
                                predict(
                                        queries.row(i),
                                        scores[i],
                                        costs == null ? new double[modelCount()] : costs[i]));
        return new Predictions(scores, costs);
    }
}

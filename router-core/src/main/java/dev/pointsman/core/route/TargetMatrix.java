package dev.pointsman.core.route;

/**
 * Packs outcomes into one target matrix for the parametric routers: the model scores in columns
 * {@code 0..M-1} and, with costs, the model costs in columns {@code M..2M-1}. NaN marks a missing
 * outcome, which the training losses skip.
 */
final class TargetMatrix {
    private TargetMatrix() {}

    static int columns(Outcomes outcomes) {
        return outcomes.hasCosts() ? 2 * outcomes.modelCount() : outcomes.modelCount();
    }

    static double[][] of(Outcomes outcomes) {
        int models = outcomes.modelCount();
        double[][] out = new double[outcomes.size()][columns(outcomes)];
        for (int i = 0; i < outcomes.size(); i++) {
            System.arraycopy(outcomes.scores()[i], 0, out[i], 0, models);
            if (outcomes.hasCosts()) {
                System.arraycopy(outcomes.costs()[i], 0, out[i], models, models);
            }
        }
        return out;
    }

    /** Splits one predicted target row into scores and costs. */
    static void unpack(double[] row, int models, double[] scores, double[] costs) {
        System.arraycopy(row, 0, scores, 0, models);
        if (row.length > models) {
            System.arraycopy(row, models, costs, 0, models);
        }
    }
}

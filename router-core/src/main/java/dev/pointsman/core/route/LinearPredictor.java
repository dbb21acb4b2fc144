package dev.pointsman.core.route;

/** A fitted linear router: target t = wₜ·x + bₜ, targets packed as in {@link TargetMatrix}. */
public final class LinearPredictor implements UtilityPredictor, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final double[][] weights;
    private final double[] intercepts;
    private final int models;

    LinearPredictor(double[][] weights, double[] intercepts, int models) {
        this.weights = weights;
        this.intercepts = intercepts;
        this.models = models;
    }

    @Override
    public int modelCount() {
        return models;
    }

    @Override
    public boolean predictsCosts() {
        return weights.length > models;
    }

    @Override
    public void predict(float[] unitQuery, double[] scores, double[] costs) {
        double[] out = new double[weights.length];
        for (int t = 0; t < weights.length; t++) {
            double[] w = weights[t];
            double s = intercepts[t];
            for (int j = 0; j < w.length; j++) {
                s += w[j] * unitQuery[j];
            }
            out[t] = s;
        }
        TargetMatrix.unpack(out, models, scores, costs);
    }
}

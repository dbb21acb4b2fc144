package dev.pointsman.core.route;

import dev.pointsman.core.eval.RoutingQuality;

/**
 * {@code knn-linear}: a blend of {@code knn-shrunk} and {@code linear}, ŝ = w·ŝ_knn + (1 − w)·ŝ_lin
 * and the same for ĉ. Each part is fitted and tuned on its own; w is then chosen on the same
 * validation split by routing quality, the first best of {@link #WEIGHT_GRID} (w = 1 is kNN alone,
 * w = 0 the ridge alone). kNN is local and degrades least out of distribution; the ridge
 * interpolates smoothly where neighbours are thin: their errors are partly independent.
 */
public final class BlendTrainer implements RouterTrainer {
    static final double[] WEIGHT_GRID = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1};

    private double chosenWeight = Double.NaN;

    @Override
    public String name() {
        return "knn-linear";
    }

    @Override
    public UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed) {
        UtilityPredictor knn = new KnnShrunkTrainer().fit(train, validation, seed);
        UtilityPredictor linear = new RidgeTrainer().fit(train, validation, seed);
        Predictions a = knn.predictAll(validation.vectors());
        Predictions b = linear.predictAll(validation.vectors());
        double best = Double.NEGATIVE_INFINITY;
        chosenWeight = 1;
        for (double w : WEIGHT_GRID) {
            double quality = RoutingQuality.of(validation.outcomes(), blend(a, b, w));
            if (quality > best) {
                best = quality;
                chosenWeight = w;
            }
        }
        return new Blend(knn, linear, chosenWeight);
    }

    /** The weight on kNN the last {@link #fit} chose. */
    public double chosenWeight() {
        return chosenWeight;
    }

    static Predictions blend(Predictions a, Predictions b, double w) {
        double[][] s = new double[a.scores().length][];
        double[][] c = a.costs() == null ? null : new double[s.length][];
        for (int i = 0; i < s.length; i++) {
            s[i] = mix(a.scores()[i], b.scores()[i], w);
            if (c != null) {
                c[i] = mix(a.costs()[i], b.costs()[i], w);
            }
        }
        return new Predictions(s, c);
    }

    private static double[] mix(double[] a, double[] b, double w) {
        double[] out = new double[a.length];
        for (int m = 0; m < a.length; m++) {
            out[m] = w * a[m] + (1 - w) * b[m];
        }
        return out;
    }

    /** Two fitted predictors of the same models, blended with weight {@code w} on the first. */
    record Blend(UtilityPredictor first, UtilityPredictor second, double w)
            implements UtilityPredictor {
        @Override
        public int modelCount() {
            return first.modelCount();
        }

        @Override
        public boolean predictsCosts() {
            return first.predictsCosts();
        }

        @Override
        public void predict(float[] unitQuery, double[] scores, double[] costs) {
            int models = modelCount();
            double[] s2 = new double[models];
            double[] c2 = new double[models];
            first.predict(unitQuery, scores, costs);
            second.predict(unitQuery, s2, c2);
            for (int m = 0; m < models; m++) {
                scores[m] = w * scores[m] + (1 - w) * s2[m];
                costs[m] = w * costs[m] + (1 - w) * c2[m];
            }
        }
    }
}

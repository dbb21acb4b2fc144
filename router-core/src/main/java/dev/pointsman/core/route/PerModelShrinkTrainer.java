package dev.pointsman.core.route;

import dev.pointsman.core.eval.RoutingQuality;
import dev.pointsman.core.knn.ExactKnn;
import dev.pointsman.core.knn.Neighbour;
import java.util.stream.IntStream;

/**
 * {@code knn-shrunk-pm}: {@code knn-shrunk} with a prior strength per model. k and a shared α are
 * chosen as {@link KnnShrunkTrainer} does; then each model's α is moved along the same grid, one
 * model at a time, keeping a change only when the validation routing quality rises ({@value
 * #PASSES} passes over the models in name order). A model whose outcomes vary little between
 * neighbourhoods can lean on the trend while another follows its neighbours.
 */
public final class PerModelShrinkTrainer implements RouterTrainer {
    static final int PASSES = 2;

    private double[] chosenAlphas = new double[0];

    @Override
    public String name() {
        return "knn-shrunk-pm";
    }

    @Override
    public UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed) {
        KnnShrunkTrainer shared = new KnnShrunkTrainer();
        shared.fit(train, validation, seed);
        int k = shared.chosenK();
        ExactKnn index = new ExactKnn(train.vectors());
        GlobalTrend trend = GlobalTrend.fit(train);
        Outcomes support = train.outcomes();
        int models = support.modelCount();
        Neighbour[][] neighbours = new Neighbour[validation.size()][];
        IntStream.range(0, validation.size())
                .parallel()
                .forEach(i -> neighbours[i] = index.search(validation.vectors().row(i), k));
        // Each model's validation estimate under every α of the grid, computed once.
        double[] grid = KnnShrunkTrainer.ALPHA_GRID;
        int n = validation.size();
        double[][][] s = new double[grid.length][n][models];
        double[][][] c = new double[grid.length][n][models];
        for (int a = 0; a < grid.length; a++) {
            for (int i = 0; i < n; i++) {
                KnnPredictor.estimate(
                        neighbours[i],
                        neighbours[i].length,
                        support,
                        trend,
                        false,
                        grid[a],
                        s[a][i],
                        c[a][i]);
            }
        }
        int[] pick = new int[models];
        java.util.Arrays.fill(pick, indexOf(grid, shared.chosenAlpha()));
        double best = quality(validation.outcomes(), s, c, pick);
        for (int pass = 0; pass < PASSES; pass++) {
            for (int m = 0; m < models; m++) {
                int keep = pick[m];
                for (int a = 0; a < grid.length; a++) {
                    pick[m] = a;
                    double q = quality(validation.outcomes(), s, c, pick);
                    if (q > best) {
                        best = q;
                        keep = a;
                    }
                }
                pick[m] = keep;
            }
        }
        chosenAlphas = new double[models];
        for (int m = 0; m < models; m++) {
            chosenAlphas[m] = grid[pick[m]];
        }
        return new Predictor(index, support, trend, k, chosenAlphas.clone());
    }

    /** Each model's α, as the last {@link #fit} chose them. */
    public double[] chosenAlphas() {
        return chosenAlphas.clone();
    }

    private static int indexOf(double[] grid, double value) {
        for (int i = 0; i < grid.length; i++) {
            if (grid[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException(value + " is not on the grid");
    }

    private static double quality(Outcomes truth, double[][][] s, double[][][] c, int[] pick) {
        int n = truth.size();
        int models = pick.length;
        double[][] scores = new double[n][models];
        double[][] costs = truth.hasCosts() ? new double[n][models] : null;
        for (int i = 0; i < n; i++) {
            for (int m = 0; m < models; m++) {
                scores[i][m] = s[pick[m]][i][m];
                if (costs != null) {
                    costs[i][m] = c[pick[m]][i][m];
                }
            }
        }
        return RoutingQuality.of(truth, new Predictions(scores, costs));
    }

    /** The k nearest neighbours' estimate, each model shrunk with its own α. */
    record Predictor(ExactKnn index, Outcomes support, GlobalTrend trend, int k, double[] alphas)
            implements UtilityPredictor {
        @Override
        public int modelCount() {
            return support.modelCount();
        }

        @Override
        public boolean predictsCosts() {
            return support.hasCosts();
        }

        @Override
        public void predict(float[] unitQuery, double[] scores, double[] costs) {
            Neighbour[] neighbours = index.search(unitQuery, k);
            int models = modelCount();
            // One estimate per distinct α (the grid has a few), each model read from its own.
            java.util.Map<Double, double[][]> byAlpha = new java.util.HashMap<>();
            for (int m = 0; m < models; m++) {
                double[][] e =
                        byAlpha.computeIfAbsent(
                                alphas[m],
                                alpha -> {
                                    double[][] sc = new double[2][models];
                                    KnnPredictor.estimate(
                                            neighbours,
                                            neighbours.length,
                                            support,
                                            trend,
                                            false,
                                            alpha,
                                            sc[0],
                                            sc[1]);
                                    return sc;
                                });
                scores[m] = e[0][m];
                costs[m] = e[1][m];
            }
        }
    }
}

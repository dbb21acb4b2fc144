package dev.pointsman.core.route;

import dev.pointsman.core.eval.RoutingQuality;
import dev.pointsman.core.knn.ExactKnn;
import dev.pointsman.core.knn.Neighbour;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * {@code knn-shrunk}: the uniform kNN estimate shrunk toward the global trend. k and the prior
 * strength α are chosen together on the validation split by routing quality (Pareto-AUC, or
 * accuracy without costs); the first best pair in grid order wins, so the choice is repeatable.
 */
public final class KnnShrunkTrainer implements RouterTrainer {
    static final int[] K_GRID = {5, 10, 20, 50, 100, 200};
    static final double[] ALPHA_GRID = {0, 1, 2, 5, 10, 20, 50, 100};

    private final int[] kGrid;
    private int chosenK;
    private double chosenAlpha;
    private @Nullable KnnShrinkage shrinkage;

    public KnnShrunkTrainer() {
        this(Integer.MAX_VALUE);
    }

    /**
     * A trainer that considers no k above {@code kLimit}: for a router that only ever finds that
     * many neighbours (the streaming job's --k).
     */
    public KnnShrunkTrainer(int kLimit) {
        if (kLimit <= 0) {
            throw new IllegalArgumentException("k limit must be > 0, got " + kLimit);
        }
        int[] grid = java.util.Arrays.stream(K_GRID).filter(k -> k <= kLimit).toArray();
        this.kGrid = grid.length > 0 ? grid : new int[] {kLimit};
    }

    @Override
    public String name() {
        return "knn-shrunk";
    }

    @Override
    public UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed) {
        ExactKnn index = new ExactKnn(train.vectors());
        GlobalTrend trend = GlobalTrend.fit(train.outcomes());
        int maxK = Math.min(kGrid[kGrid.length - 1], train.size());
        Neighbour[][] neighbours = new Neighbour[validation.size()][];
        IntStream.range(0, validation.size())
                .parallel()
                .forEach(i -> neighbours[i] = index.search(validation.vectors().row(i), maxK));

        int models = train.outcomes().modelCount();
        boolean costs = train.outcomes().hasCosts();
        double best = Double.NEGATIVE_INFINITY;
        int bestK = Math.min(kGrid[0], train.size());
        double bestAlpha = 0;
        for (int k : kGrid) {
            int kk = Math.min(k, train.size());
            for (double alpha : ALPHA_GRID) {
                double[][] s = new double[validation.size()][models];
                double[][] c = costs ? new double[validation.size()][models] : null;
                for (int i = 0; i < validation.size(); i++) {
                    KnnPredictor.estimate(
                            neighbours[i],
                            kk,
                            train.outcomes(),
                            trend,
                            false,
                            alpha,
                            s[i],
                            costs ? c[i] : new double[models]);
                }
                double quality = RoutingQuality.of(validation.outcomes(), new Predictions(s, c));
                if (quality > best) {
                    best = quality;
                    bestK = kk;
                    bestAlpha = alpha;
                }
            }
            if (k >= train.size()) {
                break;
            }
        }
        chosenK = bestK;
        chosenAlpha = bestAlpha;
        boolean[] observed = new boolean[models];
        for (double[] row : train.outcomes().scores()) {
            for (int m = 0; m < models; m++) {
                observed[m] |= !Double.isNaN(row[m]);
            }
        }
        shrinkage = new KnnShrinkage(bestK, bestAlpha, trend, observed);
        return new KnnPredictor(index, train.outcomes(), trend, bestK, false, bestAlpha);
    }

    /** k chosen by the last {@link #fit}. */
    public int chosenK() {
        return chosenK;
    }

    /**
     * What the last {@link #fit} chose, without the index: for a router that finds the neighbours
     * itself.
     */
    public KnnShrinkage shrinkage() {
        if (shrinkage == null) {
            throw new IllegalStateException("not fitted yet");
        }
        return shrinkage;
    }

    /** α chosen by the last {@link #fit}. */
    public double chosenAlpha() {
        return chosenAlpha;
    }
}

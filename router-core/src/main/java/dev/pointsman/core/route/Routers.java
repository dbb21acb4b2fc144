package dev.pointsman.core.route;

import dev.pointsman.core.nn.TrainingConfig;
import java.util.List;

/** Builds routers from their report names. */
public final class Routers {
    /** The routers an evaluation runs when none are named. */
    public static final List<String> DEFAULT =
            List.of(
                    "global-trend",
                    "knn-10",
                    "knn-100",
                    "knn-100-weighted",
                    "knn-shrunk",
                    "linear",
                    "mlp",
                    "linear-mf",
                    "mlp-mf");

    private Routers() {}

    /**
     * The trainer for {@code name}: {@code global-trend}, {@code knn-K}, {@code knn-K-weighted},
     * {@code knn-shrunk}, {@code linear}, {@code mlp}, {@code linear-mf} or {@code mlp-mf}.
     */
    public static RouterTrainer byName(String name) {
        return of(RouterSpec.parse(name));
    }

    /** The trainer for {@code spec}. */
    public static RouterTrainer of(RouterSpec spec) {
        return switch (spec.kind()) {
            case KNN -> KnnPredictor.trainer(spec.k(), spec.weighted());
            case GLOBAL_TREND -> GlobalTrend.trainer();
            case KNN_SHRUNK -> new KnnShrunkTrainer();
            case KNN_REF -> KnnShrunkTrainer.withReferencePrior();
            case KNN_KERNEL -> new KnnShrunkTrainer(Integer.MAX_VALUE, true);
            case KNN_LINEAR -> new BlendTrainer();
            case KNN_SHRUNK_PM -> new PerModelShrinkTrainer();
            case CLUSTERS -> new ClusterTrainer();
            case LINEAR -> new RidgeTrainer();
            case LINEAR_VAL -> new RidgeTrainer(RidgeTrainer.Selection.ROUTING_QUALITY);
            case LINEAR_MSE -> new RidgeTrainer(RidgeTrainer.Selection.SQUARED_ERROR);
            case LINEAR_ENS -> new EnsembleTrainer();
            case MLP -> new NeuralTrainer(NeuralTrainer.Architecture.MLP, TrainingConfig.DEFAULT);
            case LINEAR_MF ->
                    new NeuralTrainer(NeuralTrainer.Architecture.LINEAR_MF, TrainingConfig.DEFAULT);
            case MLP_MF ->
                    new NeuralTrainer(NeuralTrainer.Architecture.MLP_MF, TrainingConfig.DEFAULT);
        };
    }
}

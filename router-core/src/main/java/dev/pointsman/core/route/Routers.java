package dev.pointsman.core.route;

import dev.pointsman.core.nn.TrainingConfig;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern KNN = Pattern.compile("knn-(\\d+)(-weighted)?");

    private Routers() {}

    /**
     * The trainer for {@code name}: {@code global-trend}, {@code knn-K}, {@code knn-K-weighted},
     * {@code knn-shrunk}, {@code linear}, {@code mlp}, {@code linear-mf} or {@code mlp-mf}.
     */
    public static RouterTrainer byName(String name) {
        Matcher knn = KNN.matcher(name);
        if (knn.matches()) {
            int k;
            try {
                k = Integer.parseInt(knn.group(1));
            } catch (NumberFormatException e) {
                k = 0;
            }
            if (k <= 0) {
                throw new IllegalArgumentException(
                        "router '" + name + "': k must be a positive integer");
            }
            return KnnPredictor.trainer(k, knn.group(2) != null);
        }
        return switch (name) {
            case "global-trend" -> GlobalTrend.trainer();
            case "knn-shrunk" -> new KnnShrunkTrainer();
            case "linear" -> new RidgeTrainer();
            case "mlp" -> new NeuralTrainer(NeuralTrainer.Architecture.MLP, TrainingConfig.DEFAULT);
            case "linear-mf" ->
                    new NeuralTrainer(NeuralTrainer.Architecture.LINEAR_MF, TrainingConfig.DEFAULT);
            case "mlp-mf" ->
                    new NeuralTrainer(NeuralTrainer.Architecture.MLP_MF, TrainingConfig.DEFAULT);
            default ->
                    throw new IllegalArgumentException(
                            "unknown router '"
                                    + name
                                    + "'; known: global-trend, knn-K, knn-K-weighted, knn-shrunk,"
                                    + " linear, mlp, linear-mf, mlp-mf");
        };
    }
}

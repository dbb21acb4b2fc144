package dev.pointsman.core.route;

/** Fits a predictor on a training split, using the validation split for its own choices. */
public interface RouterTrainer {

    /** The router's name as it appears in reports, e.g. {@code knn-100}. */
    String name();

    /**
     * @param validation used only for hyper-parameters and early stopping, never for fitting
     * @param seed makes every random choice repeatable
     */
    UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed);
}

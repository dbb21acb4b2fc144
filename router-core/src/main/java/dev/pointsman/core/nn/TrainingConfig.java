package dev.pointsman.core.nn;

/**
 * Mini-batch Adam settings with early stopping on validation loss.
 *
 * @param patience epochs without validation improvement before training stops
 */
public record TrainingConfig(double learningRate, int batchSize, int maxEpochs, int patience) {

    public static final TrainingConfig DEFAULT = new TrainingConfig(1e-3, 64, 200, 10);

    public TrainingConfig {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }
        if (batchSize <= 0 || maxEpochs <= 0 || patience <= 0) {
            throw new IllegalArgumentException(
                    "batch size, max epochs and patience must be > 0, got "
                            + batchSize
                            + ", "
                            + maxEpochs
                            + ", "
                            + patience);
        }
    }
}

package dev.pointsman.core.nn;

import java.util.Arrays;
import java.util.Random;

/**
 * A fully connected layer y = W x + b over a mini-batch, with its gradients and Adam moments.
 * Batches are flat row-major arrays ({@code batch × in} and {@code batch × out}) so the inner loops
 * walk contiguous memory.
 */
final class Dense {
    final int in;
    final int out;
    final double[] weights;
    final double[] bias;
    final double[] weightGrad;
    final double[] biasGrad;
    private final double[] weightM;
    private final double[] weightV;
    private final double[] biasM;
    private final double[] biasV;

    /** Glorot-uniform weights, or He-uniform when a ReLU follows; zero bias. */
    Dense(int in, int out, boolean reluFollows, Random random) {
        this(in, out, initialWeights(in, out, reluFollows, random), new double[out]);
    }

    private static double[] initialWeights(int in, int out, boolean reluFollows, Random random) {
        double[] weights = new double[in * out];
        double limit = reluFollows ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (2 * random.nextDouble() - 1) * limit;
        }
        return weights;
    }

    /** A layer with these parameters (as {@link #weights} and {@link #bias} hold them). */
    Dense(int in, int out, double[] weights, double[] bias) {
        if (weights.length != in * out || bias.length != out) {
            throw new IllegalArgumentException(
                    "a "
                            + in
                            + " × "
                            + out
                            + " layer needs "
                            + in * out
                            + " weights and "
                            + out
                            + " biases, got "
                            + weights.length
                            + " and "
                            + bias.length);
        }
        this.in = in;
        this.out = out;
        this.weights = weights.clone();
        this.bias = bias.clone();
        weightGrad = new double[weights.length];
        biasGrad = new double[out];
        weightM = new double[weights.length];
        weightV = new double[weights.length];
        biasM = new double[out];
        biasV = new double[out];
    }

    void forward(double[] x, int batch, double[] y) {
        for (int b = 0; b < batch; b++) {
            int xOff = b * in;
            int yOff = b * out;
            for (int o = 0; o < out; o++) {
                int wOff = o * in;
                double s = bias[o];
                for (int i = 0; i < in; i++) {
                    s += weights[wOff + i] * x[xOff + i];
                }
                y[yOff + o] = s;
            }
        }
    }

    /**
     * Accumulates gradients from {@code dy}; writes the input gradient to {@code dx} if non-null.
     */
    void backward(double[] x, double[] dy, int batch, double[] dx) {
        if (dx != null) {
            Arrays.fill(dx, 0, batch * in, 0);
        }
        for (int b = 0; b < batch; b++) {
            int xOff = b * in;
            int yOff = b * out;
            for (int o = 0; o < out; o++) {
                double g = dy[yOff + o];
                if (g == 0) {
                    continue;
                }
                biasGrad[o] += g;
                int wOff = o * in;
                for (int i = 0; i < in; i++) {
                    weightGrad[wOff + i] += g * x[xOff + i];
                }
                if (dx != null) {
                    for (int i = 0; i < in; i++) {
                        dx[xOff + i] += g * weights[wOff + i];
                    }
                }
            }
        }
    }

    /** One Adam step (bias-corrected) on the accumulated gradients, which it then clears. */
    void adamStep(double learningRate, int step) {
        Adam.update(weights, weightGrad, weightM, weightV, learningRate, step);
        Adam.update(bias, biasGrad, biasM, biasV, learningRate, step);
    }

    double[] snapshot() {
        double[] copy = new double[weights.length + bias.length];
        System.arraycopy(weights, 0, copy, 0, weights.length);
        System.arraycopy(bias, 0, copy, weights.length, bias.length);
        return copy;
    }

    void restore(double[] snapshot) {
        System.arraycopy(snapshot, 0, weights, 0, weights.length);
        System.arraycopy(snapshot, weights.length, bias, 0, bias.length);
    }
}

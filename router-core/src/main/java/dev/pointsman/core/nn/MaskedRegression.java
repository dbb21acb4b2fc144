package dev.pointsman.core.nn;

import java.util.List;
import java.util.Random;

/**
 * Fits a {@link Network} to multi-output regression targets by mean squared error over the observed
 * entries (NaN targets are skipped), with Adam and early stopping: after every epoch the validation
 * loss is measured and the best weights so far are kept and restored at the end.
 */
public final class MaskedRegression {
    private MaskedRegression() {}

    /** Outcome of a fit: epochs run and the best validation loss. */
    public record Result(int epochs, double bestValidationLoss) {}

    public static Result fit(
            Network net,
            double[][] x,
            double[][] y,
            double[][] xVal,
            double[][] yVal,
            TrainingConfig config,
            Random random) {
        int n = x.length;
        int in = net.inputSize();
        int out = net.outputSize();
        int batchSize = Math.min(config.batchSize(), Math.max(1, n));
        Network.Workspace ws = net.workspace(batchSize);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double best = validationLoss(net, xVal, yVal);
        List<double[]> bestWeights = net.snapshot();
        int sinceBest = 0;
        int step = 0;
        int epoch = 0;
        while (epoch < config.maxEpochs() && sinceBest < config.patience()) {
            epoch++;
            shuffle(order, random);
            for (int start = 0; start < n; start += batchSize) {
                int batch = Math.min(batchSize, n - start);
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(x[order[start + b]], 0, ws.activations[0], b * in, in);
                }
                double[] pred = net.forward(ws, batch);
                double[] grad = ws.gradients[ws.gradients.length - 1];
                int observed = 0;
                for (int b = 0; b < batch; b++) {
                    double[] target = y[order[start + b]];
                    for (int o = 0; o < out; o++) {
                        if (!Double.isNaN(target[o])) {
                            observed++;
                        }
                    }
                }
                if (observed == 0) {
                    continue;
                }
                for (int b = 0; b < batch; b++) {
                    double[] target = y[order[start + b]];
                    for (int o = 0; o < out; o++) {
                        int k = b * out + o;
                        grad[k] =
                                Double.isNaN(target[o]) ? 0 : 2 * (pred[k] - target[o]) / observed;
                    }
                }
                net.backward(ws, batch);
                net.adamStep(config.learningRate(), ++step);
            }
            double loss = validationLoss(net, xVal, yVal);
            if (loss < best) {
                best = loss;
                bestWeights = net.snapshot();
                sinceBest = 0;
            } else {
                sinceBest++;
            }
        }
        net.restore(bestWeights);
        return new Result(epoch, best);
    }

    /** Mean squared error over the observed entries; 0 when nothing is observed. */
    public static double validationLoss(Network net, double[][] x, double[][] y) {
        if (x.length == 0) {
            return 0;
        }
        int in = net.inputSize();
        int out = net.outputSize();
        int capacity = Math.min(256, x.length);
        Network.Workspace ws = net.workspace(capacity);
        double sum = 0;
        long count = 0;
        for (int start = 0; start < x.length; start += capacity) {
            int batch = Math.min(capacity, x.length - start);
            for (int b = 0; b < batch; b++) {
                System.arraycopy(x[start + b], 0, ws.activations[0], b * in, in);
            }
            double[] pred = net.forward(ws, batch);
            for (int b = 0; b < batch; b++) {
                double[] target = y[start + b];
                for (int o = 0; o < out; o++) {
                    if (!Double.isNaN(target[o])) {
                        double e = pred[b * out + o] - target[o];
                        sum += e * e;
                        count++;
                    }
                }
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

package dev.pointsman.core.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written back-propagation against central finite differences of the loss ½ Σ (y − t)²
 * over a mini-batch, for every weight and bias of a network with a ReLU layer and a linear one.
 */
class NetworkGradientTest {
    private static final int BATCH = 4;
    private static final double H = 1e-6;

    @Test
    void backwardGivesTheLossGradientOfEveryParameter() {
        Random random = new Random(17);
        Network net =
                new Network(new int[] {6, 5, 4, 3}, new boolean[] {true, true, false}, random);
        double[] x = new double[BATCH * 6];
        double[] t = new double[BATCH * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        for (int i = 0; i < t.length; i++) {
            t[i] = random.nextGaussian();
        }

        Network.Workspace ws = net.workspace(BATCH);
        System.arraycopy(x, 0, ws.activations[0], 0, x.length);
        double[] y = net.forward(ws, BATCH);
        double[] dy = ws.gradients[net.depth()];
        for (int i = 0; i < t.length; i++) {
            dy[i] = y[i] - t[i];
        }
        net.backward(ws, BATCH);

        int checked = 0;
        for (int l = 0; l < net.depth(); l++) {
            Dense layer = net.layer(l);
            for (int i = 0; i < layer.weights.length; i++) {
                assertClose(layer.weightGrad[i], numeric(net, layer.weights, i, x, t), l, "w" + i);
                checked++;
            }
            for (int o = 0; o < layer.bias.length; o++) {
                assertClose(layer.biasGrad[o], numeric(net, layer.bias, o, x, t), l, "b" + o);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3);
    }

    private static void assertClose(double analytic, double numeric, int layer, String what) {
        double scale = Math.max(1e-3, Math.abs(analytic) + Math.abs(numeric));
        assertThat(Math.abs(analytic - numeric) / scale)
                .as("layer %d %s: analytic %s, numeric %s", layer, what, analytic, numeric)
                .isLessThan(1e-5);
    }

    /** d loss / d params[i] by central differences, leaving params as it was. */
    private static double numeric(Network net, double[] params, int i, double[] x, double[] t) {
        double saved = params[i];
        params[i] = saved + H;
        double up = loss(net, x, t);
        params[i] = saved - H;
        double down = loss(net, x, t);
        params[i] = saved;
        return (up - down) / (2 * H);
    }

    private static double loss(Network net, double[] x, double[] t) {
        Network.Workspace ws = net.workspace(BATCH);
        System.arraycopy(x, 0, ws.activations[0], 0, x.length);
        double[] y = net.forward(ws, BATCH);
        double sum = 0;
        for (int i = 0; i < t.length; i++) {
            sum += 0.5 * (y[i] - t[i]) * (y[i] - t[i]);
        }
        return sum;
    }
}

package dev.pointsman.core.nn;

import dev.pointsman.core.io.Encoding;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A feed-forward stack of dense layers, each optionally followed by a ReLU. */
public final class Network {
    private final List<Dense> layers = new ArrayList<>();
    private final boolean[] relu;

    /**
     * @param sizes layer widths from input to output, e.g. {384, 100, 100, 100, 22}
     * @param relu whether a ReLU follows each layer ({@code sizes.length - 1} entries)
     */
    public Network(int[] sizes, boolean[] relu, Random random) {
        if (relu.length != sizes.length - 1) {
            throw new IllegalArgumentException("need one activation flag per layer");
        }
        this.relu = relu.clone();
        for (int l = 0; l + 1 < sizes.length; l++) {
            layers.add(new Dense(sizes[l], sizes[l + 1], relu[l], random));
        }
    }

    private Network(List<Dense> layers, boolean[] relu) {
        this.layers.addAll(layers);
        this.relu = relu.clone();
    }

    /**
     * Writes the layer shapes, activations and parameters (not the optimiser's state): what {@link
     * #readFrom} needs to predict exactly as this network does.
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(layers.size());
        for (int l = 0; l < layers.size(); l++) {
            Dense d = layers.get(l);
            out.writeInt(d.in);
            out.writeInt(d.out);
            out.writeBoolean(relu[l]);
            Encoding.writeDoubles(out, d.weights);
            Encoding.writeDoubles(out, d.bias);
        }
    }

    /** A network as {@link #writeTo} wrote it. */
    public static Network readFrom(DataInput in) throws IOException {
        int count = Encoding.readLength(in, 1_000);
        List<Dense> layers = new ArrayList<>(count);
        boolean[] relu = new boolean[count];
        for (int l = 0; l < count; l++) {
            int inputs = Encoding.readLength(in, 1 << 20);
            int outputs = Encoding.readLength(in, 1 << 20);
            relu[l] = in.readBoolean();
            layers.add(
                    new Dense(inputs, outputs, Encoding.readDoubles(in), Encoding.readDoubles(in)));
        }
        return new Network(layers, relu);
    }

    /** Layer {@code l}, for the gradient check. */
    Dense layer(int l) {
        return layers.get(l);
    }

    int depth() {
        return layers.size();
    }

    public int inputSize() {
        return layers.get(0).in;
    }

    public int outputSize() {
        return layers.get(layers.size() - 1).out;
    }

    /** Buffers for one mini-batch: activations[0] is the input, the last is the output. */
    final class Workspace {
        final double[][] activations;
        final double[][] gradients;
        final int capacity;

        Workspace(int capacity) {
            this.capacity = capacity;
            activations = new double[layers.size() + 1][];
            gradients = new double[layers.size() + 1][];
            activations[0] = new double[capacity * inputSize()];
            gradients[0] = null;
            for (int l = 0; l < layers.size(); l++) {
                activations[l + 1] = new double[capacity * layers.get(l).out];
                gradients[l + 1] = new double[capacity * layers.get(l).out];
            }
        }
    }

    Workspace workspace(int capacity) {
        return new Workspace(capacity);
    }

    /** Runs the input already in {@code ws.activations[0]}; returns the output buffer. */
    double[] forward(Workspace ws, int batch) {
        for (int l = 0; l < layers.size(); l++) {
            double[] y = ws.activations[l + 1];
            layers.get(l).forward(ws.activations[l], batch, y);
            if (relu[l]) {
                for (int i = 0, n = batch * layers.get(l).out; i < n; i++) {
                    if (y[i] < 0) {
                        y[i] = 0;
                    }
                }
            }
        }
        return ws.activations[layers.size()];
    }

    /** Back-propagates the output gradient already in the last {@code ws.gradients} buffer. */
    void backward(Workspace ws, int batch) {
        for (int l = layers.size() - 1; l >= 0; l--) {
            double[] dy = ws.gradients[l + 1];
            if (relu[l]) {
                double[] y = ws.activations[l + 1];
                for (int i = 0, n = batch * layers.get(l).out; i < n; i++) {
                    if (y[i] <= 0) {
                        dy[i] = 0;
                    }
                }
            }
            layers.get(l).backward(ws.activations[l], dy, batch, l == 0 ? null : ws.gradients[l]);
        }
    }

    void adamStep(double learningRate, int step) {
        for (Dense layer : layers) {
            layer.adamStep(learningRate, step);
        }
    }

    List<double[]> snapshot() {
        List<double[]> out = new ArrayList<>();
        for (Dense layer : layers) {
            out.add(layer.snapshot());
        }
        return out;
    }

    void restore(List<double[]> snapshot) {
        for (int l = 0; l < layers.size(); l++) {
            layers.get(l).restore(snapshot.get(l));
        }
    }

    /** Output for one input vector (allocates; for serving, not training). */
    public double[] predict(double[] input) {
        Workspace ws = new Workspace(1);
        System.arraycopy(input, 0, ws.activations[0], 0, input.length);
        return forward(ws, 1).clone();
    }
}

package dev.pointsman.core.route;

import dev.pointsman.core.io.Encoding;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** A fitted linear router: target t = wₜ·x + bₜ, targets packed as in {@link TargetMatrix}. */
public final class LinearPredictor implements UtilityPredictor {
    private final double[][] weights;
    private final double[] intercepts;
    private final int models;

    LinearPredictor(double[][] weights, double[] intercepts, int models) {
        this.weights = weights;
        this.intercepts = intercepts;
        this.models = models;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(models);
        out.writeInt(weights.length);
        for (double[] w : weights) {
            Encoding.writeDoubles(out, w);
        }
        Encoding.writeDoubles(out, intercepts);
    }

    static LinearPredictor readFrom(DataInput in) throws IOException {
        int models = Encoding.readLength(in, 1 << 20);
        double[][] weights = new double[Encoding.readLength(in, 1 << 21)][];
        for (int t = 0; t < weights.length; t++) {
            weights[t] = Encoding.readDoubles(in);
        }
        double[] intercepts = Encoding.readDoubles(in);
        if (intercepts.length != weights.length) {
            throw new IOException("corrupt linear router: intercepts and targets differ");
        }
        return new LinearPredictor(weights, intercepts, models);
    }

    @Override
    public int modelCount() {
        return models;
    }

    @Override
    public boolean predictsCosts() {
        return weights.length > models;
    }

    @Override
    public void predict(float[] unitQuery, double[] scores, double[] costs) {
        double[] out = new double[weights.length];
        for (int t = 0; t < weights.length; t++) {
            double[] w = weights[t];
            double s = intercepts[t];
            for (int j = 0; j < w.length; j++) {
                s += w[j] * unitQuery[j];
            }
            out[t] = s;
        }
        TargetMatrix.unpack(out, models, scores, costs);
    }
}

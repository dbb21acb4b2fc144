package dev.pointsman.core.route;

import dev.pointsman.core.io.Encoding;
import dev.pointsman.core.nn.MaskedRegression;
import dev.pointsman.core.nn.Network;
import dev.pointsman.core.nn.TrainingConfig;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Random;

/**
 * The learned routers of arXiv 2505.12601, as one network predicting every model's standardised
 * score and cost:
 *
 * <ul>
 *   <li>{@code mlp}: three hidden layers of 100 with ReLU;
 *   <li>{@code linear-mf}: a linear query projection to 128 dimensions, scored against one
 *       128-dimensional embedding per (model, target) plus a bias, i.e. the rows of the last layer;
 *   <li>{@code mlp-mf}: the same with a one-hidden-layer ReLU projection.
 * </ul>
 *
 * Trained with Adam on masked MSE, early stopping on the validation split.
 */
public final class NeuralTrainer implements RouterTrainer {
    static final int HIDDEN = 100;
    static final int MODEL_EMBEDDING = 128;

    /** Network shapes. */
    public enum Architecture {
        MLP("mlp"),
        LINEAR_MF("linear-mf"),
        MLP_MF("mlp-mf");

        private final String routerName;

        Architecture(String routerName) {
            this.routerName = routerName;
        }

        int[] sizes(int in, int out) {
            return switch (this) {
                case MLP -> new int[] {in, HIDDEN, HIDDEN, HIDDEN, out};
                case LINEAR_MF -> new int[] {in, MODEL_EMBEDDING, out};
                case MLP_MF -> new int[] {in, HIDDEN, MODEL_EMBEDDING, out};
            };
        }

        boolean[] relu() {
            return switch (this) {
                case MLP -> new boolean[] {true, true, true, false};
                case LINEAR_MF -> new boolean[] {false, false};
                case MLP_MF -> new boolean[] {true, false, false};
            };
        }
    }

    private final Architecture architecture;
    private final TrainingConfig config;

    public NeuralTrainer(Architecture architecture, TrainingConfig config) {
        this.architecture = architecture;
        this.config = config;
    }

    @Override
    public String name() {
        return architecture.routerName;
    }

    @Override
    public UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed) {
        double[][] y = TargetMatrix.of(train.outcomes());
        Standardizer targets = Standardizer.ofColumns(y);
        Random random = new Random(seed);
        Network net =
                new Network(
                        architecture.sizes(train.vectors().dimension(), y[0].length),
                        architecture.relu(),
                        random);
        MaskedRegression.fit(
                net,
                train.vectors().toDoubleRows(),
                targets.apply(y),
                validation.vectors().toDoubleRows(),
                targets.apply(TargetMatrix.of(validation.outcomes())),
                config,
                random);
        return new NeuralPredictor(net, targets, train.outcomes().modelCount());
    }

    /** A trained network with the target standardisation undone on output. */
    static final class NeuralPredictor implements UtilityPredictor {
        private final Network net;
        private final Standardizer targets;
        private final int models;

        NeuralPredictor(Network net, Standardizer targets, int models) {
            this.net = net;
            this.targets = targets;
            this.models = models;
        }

        void writeTo(DataOutput out) throws IOException {
            out.writeInt(models);
            targets.writeTo(out);
            net.writeTo(out);
        }

        static NeuralPredictor readFrom(DataInput in) throws IOException {
            int models = Encoding.readLength(in, 1 << 20);
            Standardizer targets = Standardizer.readFrom(in);
            return new NeuralPredictor(Network.readFrom(in), targets, models);
        }

        @Override
        public int modelCount() {
            return models;
        }

        @Override
        public boolean predictsCosts() {
            return net.outputSize() > models;
        }

        @Override
        public void predict(float[] unitQuery, double[] scores, double[] costs) {
            double[] in = new double[unitQuery.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = unitQuery[i];
            }
            TargetMatrix.unpack(targets.invert(net.predict(in)), models, scores, costs);
        }
    }
}

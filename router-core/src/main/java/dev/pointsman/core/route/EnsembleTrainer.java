package dev.pointsman.core.route;

import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.core.vector.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code linear-ens}: one {@code linear} router per encoder, their predictions averaged. Its input
 * is a concatenation of encoders' embeddings (an {@code A+B} embedder in {@code eval} and {@code
 * bench ablation}) split into blocks of {@value #BLOCK} dimensions, the size of each of the small
 * encoders offered; each block is normalised and fitted as {@code linear} fits a whole vector (its
 * penalty cross-validated on the training split). Concatenating encoders gives one ridge the union
 * of their features under one penalty; the ensemble instead averages fits whose errors are partly
 * independent. On a vector of one block it is {@code linear}.
 */
public final class EnsembleTrainer implements RouterTrainer {
    static final int BLOCK = 384;

    @Override
    public String name() {
        return "linear-ens";
    }

    @Override
    public UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed) {
        int dimension = train.vectors().dimension();
        int blocks = dimension % BLOCK == 0 ? dimension / BLOCK : 1;
        int width = dimension / blocks;
        List<UtilityPredictor> parts = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            parts.add(
                    new RidgeTrainer()
                            .fit(slice(train, b, width), slice(validation, b, width), seed + b));
        }
        return new Average(parts, width);
    }

    private static TrainingSet slice(TrainingSet set, int block, int width) {
        return new TrainingSet(
                slice(set.vectors(), block, width), set.outcomes(), set.propensities());
    }

    private static VectorSet slice(VectorSet vectors, int block, int width) {
        List<float[]> rows = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            float[] row = vectors.row(i);
            rows.add(Arrays.copyOfRange(row, block * width, (block + 1) * width));
        }
        return VectorSet.ofNormalized(rows);
    }

    /** The mean of fitted predictors, each given its own block of the query, normalised. */
    record Average(List<UtilityPredictor> parts, int width) implements UtilityPredictor {
        @Override
        public int modelCount() {
            return parts.get(0).modelCount();
        }

        @Override
        public boolean predictsCosts() {
            return parts.get(0).predictsCosts();
        }

        @Override
        public void predict(float[] unitQuery, double[] scores, double[] costs) {
            int models = modelCount();
            Arrays.fill(scores, 0);
            Arrays.fill(costs, 0);
            double[] s = new double[models];
            double[] c = new double[models];
            for (int b = 0; b < parts.size(); b++) {
                float[] part =
                        Vectors.l2Normalized(
                                Arrays.copyOfRange(unitQuery, b * width, (b + 1) * width));
                parts.get(b).predict(part, s, c);
                for (int m = 0; m < models; m++) {
                    scores[m] += s[m] / parts.size();
                    costs[m] += c[m] / parts.size();
                }
            }
        }
    }
}

package dev.pointsman.flink.job;

import dev.pointsman.core.eval.Splits;
import dev.pointsman.core.route.KnnShrinkage;
import dev.pointsman.core.route.KnnShrunkTrainer;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.RouterTrainer;
import dev.pointsman.core.route.Routers;
import dev.pointsman.core.route.TrainingSet;
import dev.pointsman.core.route.UtilityPredictor;
import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.codec.Float32Vectors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits a router-core router on a pool's recent examples, and ships what it learned as bytes: a
 * {@link UtilityPredictor} for the parametric routers, a {@link KnnShrinkage} (k, α and the trend,
 * not the index) for knn-shrunk, whose neighbours come from the shards like knn-K's.
 */
final class Training {
    private Training() {}

    /** Whether {@code router} is trained (rather than only searched, like knn-K). */
    static boolean isParametric(String router) {
        return switch (router) {
            case "global-trend", "knn-shrunk", "linear", "mlp", "linear-mf", "mlp-mf" -> true;
            default -> false;
        };
    }

    /**
     * Fits {@code router} on {@code examples} (outcomes for {@code models}, in that order; NaN
     * where an example has none), 90% for fitting and 10% for the trainer's own validation, split
     * by {@code seed}. {@code k}: the neighbours the job finds per query, the most knn-shrunk may
     * choose.
     */
    static Serializable fit(
            String router, List<FeedbackExample> examples, List<String> models, int k, long seed) {
        // knn-shrunk is applied to the k neighbours the shards find: it may not choose more.
        RouterTrainer trainer =
                router.equals("knn-shrunk") ? new KnnShrunkTrainer(k) : Routers.byName(router);
        List<float[]> vectors = new ArrayList<>(examples.size());
        double[][] scores = new double[examples.size()][models.size()];
        double[][] costs = new double[examples.size()][models.size()];
        for (int i = 0; i < examples.size(); i++) {
            FeedbackExample e = examples.get(i);
            vectors.add(Float32Vectors.fromBytes(e.getVector(), e.getDimension()));
            Arrays.fill(scores[i], Double.NaN);
            Arrays.fill(costs[i], Double.NaN);
            for (int m = 0; m < models.size(); m++) {
                ObservedOutcome o = e.getOutcomes().get(models.get(m));
                if (o != null) {
                    scores[i][m] = o.getScore();
                    costs[i][m] = o.getCost();
                }
            }
        }
        TrainingSet all =
                new TrainingSet(
                        VectorSet.ofNormalized(vectors), new Outcomes(models, scores, costs));
        int[] rows = new int[examples.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        Splits.Split split = Splits.random(rows, seed);
        int[] fitRows = concat(split.train(), split.test());
        UtilityPredictor fitted =
                trainer.fit(all.select(fitRows), all.select(split.validation()), seed);
        if (trainer instanceof KnnShrunkTrainer shrunk) {
            return shrunk.shrinkage();
        }
        if (!(fitted instanceof Serializable shippable)) {
            throw new IllegalArgumentException(
                    fitted.getClass().getSimpleName() + " cannot be shipped");
        }
        return shippable;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] serialize(Serializable trained) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(trained);
        } catch (IOException e) {
            throw new IllegalStateException("serialising a trained router failed", e);
        }
        return bytes.toByteArray();
    }

    /** A {@link UtilityPredictor} or a {@link KnnShrinkage}, as {@link #fit} made it. */
    static Object deserialize(byte[] bytes, ClassLoader loader) {
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes)) {
                    @Override
                    protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
                            throws IOException, ClassNotFoundException {
                        String name = desc.getName();
                        // Only router-core's own predictor classes and plain arrays/collections.
                        if (!(name.startsWith("dev.pointsman.core.")
                                || name.startsWith("[")
                                || name.startsWith("java.util.")
                                || name.startsWith("java.lang."))) {
                            throw new java.io.InvalidClassException(name, "not a predictor class");
                        }
                        return Class.forName(name, false, loader);
                    }
                }) {
            Object trained = in.readObject();
            if (!(trained instanceof UtilityPredictor || trained instanceof KnnShrinkage)) {
                throw new java.io.InvalidClassException(
                        trained.getClass().getName(), "not a trained router");
            }
            return trained;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("reading a trained router failed", e);
        }
    }
}

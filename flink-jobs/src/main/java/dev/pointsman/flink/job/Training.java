package dev.pointsman.flink.job;

import dev.pointsman.core.eval.Splits;
import dev.pointsman.core.route.KnnShrinkage;
import dev.pointsman.core.route.KnnShrunkTrainer;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.core.route.RouterTrainer;
import dev.pointsman.core.route.Routers;
import dev.pointsman.core.route.TrainedRouters;
import dev.pointsman.core.route.TrainingSet;
import dev.pointsman.core.route.UtilityPredictor;
import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.codec.Float32Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits a router-core router on a pool's recent examples; what it learned ships as bytes ({@link
 * TrainedRouters}): a {@link UtilityPredictor} for the parametric routers, a {@link KnnShrinkage}
 * (k, α and the trend, not the index, with a reference router where the examples allow one) for
 * knn-shrunk, whose neighbours come from the shards like knn-K's.
 */
final class Training {
    private Training() {}

    /**
     * Fits {@code router} on {@code examples} (outcomes for {@code models}, in that order; NaN
     * where an example has none). knn-shrunk is fitted leave-one-out on all of them ({@link
     * KnnShrunkTrainer#fitLeaveOneOut}), with every outcome weighted by its inverse propensity; the
     * other routers on 90% of them, with the trainer's own validation on the other 10%, split by
     * {@code seed}. {@code k}: the neighbours the job finds per query, the most knn-shrunk may
     * choose.
     */
    static Object fit(
            RouterSpec router,
            List<FeedbackExample> examples,
            List<String> models,
            int k,
            long seed) {
        List<float[]> vectors = new ArrayList<>(examples.size());
        double[][] scores = new double[examples.size()][models.size()];
        double[][] costs = new double[examples.size()][models.size()];
        double[][] propensities = new double[examples.size()][models.size()];
        for (int i = 0; i < examples.size(); i++) {
            FeedbackExample e = examples.get(i);
            vectors.add(Float32Vectors.fromBytes(e.getVector(), e.getDimension()));
            Arrays.fill(scores[i], Double.NaN);
            Arrays.fill(costs[i], Double.NaN);
            Arrays.fill(propensities[i], 1.0);
            for (int m = 0; m < models.size(); m++) {
                ObservedOutcome o = e.getOutcomes().get(models.get(m));
                if (o != null && !Double.isNaN(o.getScore())) { // not an unrated answer's cost
                    scores[i][m] = o.getScore();
                    costs[i][m] = o.getCost();
                    propensities[i][m] = propensity(o);
                }
            }
        }
        TrainingSet all =
                new TrainingSet(
                        VectorSet.ofNormalized(vectors),
                        new Outcomes(models, scores, costs),
                        propensities);
        if (router.kind() == RouterSpec.Kind.KNN_SHRUNK) {
            // Applied to the k neighbours the shards find: it may not choose more.
            KnnShrunkTrainer trainer = new KnnShrunkTrainer(k);
            return trainer.withFittedReference(trainer.fitLeaveOneOut(all, seed), all, seed);
        }
        RouterTrainer trainer = Routers.of(router);
        int[] rows = new int[examples.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        Splits.Split split = Splits.random(rows, seed);
        int[] fitRows = concat(split.train(), split.test());
        return trainer.fit(all.select(fitRows), all.select(split.validation()), seed);
    }

    /** An outcome's propensity; one outside (0, 1] (a producer's bug) counts as certain. */
    private static double propensity(ObservedOutcome o) {
        double p = o.getPropensity();
        return p > 0 && p <= 1 ? p : 1.0;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

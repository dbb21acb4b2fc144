package dev.pointsman.core.route;

import dev.pointsman.core.eval.RoutingQuality;
import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.core.vector.Vectors;
import java.util.Arrays;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * {@code clusters}: cluster profiles. The training queries are grouped by spherical k-means
 * (k-means++ seeding from {@code seed}, cosine assignment, unit centroids); each cluster keeps
 * every model's mean score and cost over its members, shrunk toward the global trend with prior
 * strength α, and a query gets its nearest centroid's profile. The number of clusters and α are
 * chosen together on the validation split by routing quality (the first best in grid order).
 * Coarser than kNN, so steadier where neighbours are few and noisy.
 */
public final class ClusterTrainer implements RouterTrainer {
    static final int[] CLUSTER_GRID = {4, 8, 16, 32, 64};
    static final int ITERATIONS = 20;

    /** Fewest training queries per cluster on average: the grid stops before fewer. */
    static final int MIN_PER_CLUSTER = 10;

    private int chosenClusters;
    private double chosenAlpha;

    @Override
    public String name() {
        return "clusters";
    }

    @Override
    public UtilityPredictor fit(TrainingSet train, TrainingSet validation, long seed) {
        GlobalTrend trend = GlobalTrend.fit(train);
        double best = Double.NEGATIVE_INFINITY;
        Profiles chosen = null;
        for (int clusters : CLUSTER_GRID) {
            if (clusters > 1 && clusters * MIN_PER_CLUSTER > train.size()) {
                break;
            }
            float[][] centroids = kMeans(train.vectors(), clusters, new Random(seed + clusters));
            int[] members = assign(train.vectors(), centroids);
            // The validation queries' clusters depend on the centroids only, not on α.
            int[] validationClusters = assign(validation.vectors(), centroids);
            for (double alpha : KnnShrunkTrainer.ALPHA_GRID) {
                Profiles p = Profiles.of(centroids, members, train.outcomes(), trend, alpha);
                double q = RoutingQuality.of(validation.outcomes(), p.of(validationClusters));
                if (chosen == null || q > best) {
                    best = q;
                    chosen = p;
                    chosenClusters = clusters;
                    chosenAlpha = alpha;
                }
            }
        }
        if (chosen == null) {
            float[][] one = kMeans(train.vectors(), 1, new Random(seed));
            chosen = Profiles.of(one, assign(train.vectors(), one), train.outcomes(), trend, 0);
            chosenClusters = 1;
        }
        return chosen;
    }

    public int chosenClusters() {
        return chosenClusters;
    }

    public double chosenAlpha() {
        return chosenAlpha;
    }

    /**
     * Spherical k-means: k-means++ seeds, then {@value #ITERATIONS} rounds of assign and average.
     */
    static float[][] kMeans(VectorSet vectors, int clusters, Random random) {
        int n = vectors.size();
        int k = Math.min(clusters, n);
        float[][] centroids = new float[k][];
        centroids[0] = vectors.row(random.nextInt(n)).clone();
        double[] distance = new double[n];
        Arrays.fill(distance, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                double d = Math.max(0, 1 - Vectors.dot(vectors.row(i), centroids[c - 1]));
                distance[i] = Math.min(distance[i], d * d);
                total += distance[i];
            }
            double target = random.nextDouble() * total;
            int pick = n - 1;
            for (int i = 0; i < n; i++) {
                target -= distance[i];
                if (target <= 0) {
                    pick = i;
                    break;
                }
            }
            centroids[c] = vectors.row(pick).clone();
        }
        int dim = vectors.dimension();
        for (int round = 0; round < ITERATIONS; round++) {
            int[] members = assign(vectors, centroids);
            float[][] sums = new float[k][dim];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                float[] row = vectors.row(i);
                for (int j = 0; j < dim; j++) {
                    sums[members[i]][j] += row[j];
                }
                counts[members[i]]++;
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] > 0) { // an emptied cluster keeps its centroid
                    centroids[c] = Vectors.l2NormalizeInPlace(sums[c]);
                }
            }
        }
        return centroids;
    }

    static int[] assign(VectorSet vectors, float[][] centroids) {
        int[] out = new int[vectors.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nearest(vectors.row(i), centroids);
        }
        return out;
    }

    static int nearest(float[] query, float[][] centroids) {
        int best = 0;
        float bestSimilarity = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            float s = Vectors.dot(query, centroids[c]);
            if (s > bestSimilarity) {
                bestSimilarity = s;
                best = c;
            }
        }
        return best;
    }

    /** Fitted profiles: per centroid, every model's shrunk mean score and cost. */
    record Profiles(float[][] centroids, double[][] scores, double @Nullable [][] costs)
            implements UtilityPredictor {

        /** ŝ = (Σ sᵢ + α·ḡ) / (n + α) over the cluster's members that observed the model. */
        static Profiles of(
                float[][] centroids,
                int[] members,
                Outcomes outcomes,
                GlobalTrend trend,
                double alpha) {
            int k = centroids.length;
            int models = outcomes.modelCount();
            double[][] scoreSum = new double[k][models];
            double[][] costSum = new double[k][models];
            double[][] count = new double[k][models];
            for (int i = 0; i < members.length; i++) {
                for (int m = 0; m < models; m++) {
                    double s = outcomes.scores()[i][m];
                    if (!Double.isNaN(s)) {
                        scoreSum[members[i]][m] += s;
                        if (outcomes.hasCosts()) {
                            costSum[members[i]][m] += outcomes.costs()[i][m];
                        }
                        count[members[i]][m]++;
                    }
                }
            }
            double[][] scores = new double[k][models];
            double[][] costs = outcomes.hasCosts() ? new double[k][models] : null;
            for (int c = 0; c < k; c++) {
                for (int m = 0; m < models; m++) {
                    double n = count[c][m] + alpha;
                    scores[c][m] =
                            n > 0
                                    ? (scoreSum[c][m] + alpha * trend.meanScore(m)) / n
                                    : trend.meanScore(m);
                    if (costs != null) {
                        costs[c][m] =
                                n > 0
                                        ? (costSum[c][m] + alpha * trend.meanCost(m)) / n
                                        : trend.meanCost(m);
                    }
                }
            }
            return new Profiles(centroids, scores, costs);
        }

        /** The profiles of {@code clusters}, one per query. */
        Predictions of(int[] clusters) {
            double[][] s = new double[clusters.length][];
            double[][] c = costs == null ? null : new double[clusters.length][];
            for (int i = 0; i < clusters.length; i++) {
                s[i] = scores[clusters[i]].clone();
                if (c != null) {
                    c[i] = costs[clusters[i]].clone();
                }
            }
            return new Predictions(s, c);
        }

        @Override
        public int modelCount() {
            return scores[0].length;
        }

        @Override
        public boolean predictsCosts() {
            return costs != null;
        }

        @Override
        public void predict(float[] unitQuery, double[] s, double[] c) {
            int cluster = nearest(unitQuery, centroids);
            System.arraycopy(scores[cluster], 0, s, 0, s.length);
            if (costs != null) {
                System.arraycopy(costs[cluster], 0, c, 0, c.length);
            }
        }
    }
}

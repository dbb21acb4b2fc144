package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An approximate cosine index for large support sets (inverted file): k-means splits the rows into
 * {@code lists} cells around centroids; a search scores the centroids, scans only the rows of the
 * {@code probes} nearest cells exactly, and returns their best k. Recall against {@link ExactKnn}
 * depends on {@code probes} and on how clustered the data is, so it must be measured (see {@link
 * #recall}); with {@code probes == lists} the result is exact. Rows are added after training to
 * their nearest cell. Not thread-safe.
 */
public final class IvfIndex {
    private final int dimension;
    private final float[] centroids;
    private final int lists;
    private final SupportIndex[] cells;

    private IvfIndex(int dimension, float[] centroids, int lists) {
        this.dimension = dimension;
        this.centroids = centroids;
        this.lists = lists;
        this.cells = new SupportIndex[lists];
        for (int c = 0; c < lists; c++) {
            cells[c] = new SupportIndex(dimension, 64);
        }
    }

    /**
     * Trains {@code lists} centroids by k-means (k-means++-free: random distinct rows as seeds,
     * then {@code iterations} Lloyd steps on cosine similarity) over {@code sample} unit rows of
     * {@code dimension}, stored row-major.
     */
    public static IvfIndex train(
            float[] sample, int dimension, int lists, int iterations, long seed) {
        int n = sample.length / dimension;
        if (lists <= 0 || lists > n) {
            throw new IllegalArgumentException(
                    "lists must be in [1, " + n + "] for " + n + " sample rows, got " + lists);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] centroids = new float[lists * dimension];
        for (int c = 0; c < lists; c++) {
            System.arraycopy(sample, order[c] * dimension, centroids, c * dimension, dimension);
        }
        int[] assignment = new int[n];
        for (int it = 0; it < iterations; it++) {
            for (int i = 0; i < n; i++) {
                assignment[i] = nearest(centroids, lists, dimension, sample, i * dimension);
            }
            float[] sums = new float[lists * dimension];
            int[] counts = new int[lists];
            for (int i = 0; i < n; i++) {
                int c = assignment[i];
                counts[c]++;
                for (int j = 0; j < dimension; j++) {
                    sums[c * dimension + j] += sample[i * dimension + j];
                }
            }
            for (int c = 0; c < lists; c++) {
                if (counts[c] == 0) {
                    // An empty cell restarts at a random row.
                    int r = random.nextInt(n);
                    System.arraycopy(sample, r * dimension, sums, c * dimension, dimension);
                }
                float[] mean = Arrays.copyOfRange(sums, c * dimension, (c + 1) * dimension);
                Vectors.l2NormalizeInPlace(mean);
                System.arraycopy(mean, 0, centroids, c * dimension, dimension);
            }
        }
        return new IvfIndex(dimension, centroids, lists);
    }

    private static int nearest(float[] centroids, int lists, int dim, float[] rows, int off) {
        int best = 0;
        float bestSim = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < lists; c++) {
            float sim = Vectors.dot(centroids, c * dim, rows, off, dim);
            if (sim > bestSim) {
                bestSim = sim;
                best = c;
            }
        }
        return best;
    }

    public int lists() {
        return lists;
    }

    /** The trained centroids, row-major (unit vectors). */
    float[] centroids() {
        return centroids;
    }

    /** The cell whose centroid is most similar to the unit vector {@code unit}. */
    int cellOf(float[] unit) {
        return nearest(centroids, lists, dimension, unit, 0);
    }

    /** Adds a row (normalised here) to its nearest cell. */
    public void add(float[] vector, long seq) {
        float[] unit = Vectors.l2Normalized(vector);
        cells[nearest(centroids, lists, dimension, unit, 0)].add(
                vector, seq); // normalises it alike
    }

    public int size() {
        int n = 0;
        for (SupportIndex cell : cells) {
            n += cell.size();
        }
        return n;
    }

    /**
     * The best {@code k} rows among the {@code probes} cells nearest to {@code unitQuery}, best
     * first; {@link Ranked#seq()} identifies the row, {@link Ranked#slot()} is cell-local.
     */
    public Ranked[] search(float[] unitQuery, int k, int probes) {
        Vectors.checkSameDimension(dimension, unitQuery.length);
        int p = Math.min(probes, lists);
        RankedQueue best = new RankedQueue(p);
        for (int c = 0; c < lists; c++) {
            best.offer(Vectors.dot(centroids, c * dimension, unitQuery, 0, dimension), c, c);
        }
        Ranked[] chosen = best.drainBestFirst();
        java.util.List<Ranked[]> partial = new java.util.ArrayList<>(chosen.length);
        for (Ranked cell : chosen) {
            partial.add(cells[cell.slot()].search(unitQuery, k));
        }
        return SupportIndex.merge(partial, k);
    }

    /**
     * Recall@k of {@code approximate} against {@code exact}: the share of the exact top-k (by seq)
     * that the approximate search also returned, averaged over queries.
     */
    public static double recall(Ranked[][] exact, Ranked[][] approximate) {
        double sum = 0;
        for (int q = 0; q < exact.length; q++) {
            java.util.Set<Long> found = new java.util.HashSet<>();
            for (Ranked r : approximate[q]) {
                found.add(r.seq());
            }
            int hit = 0;
            for (Ranked r : exact[q]) {
                if (found.contains(r.seq())) {
                    hit++;
                }
            }
            sum += exact[q].length == 0 ? 1 : (double) hit / exact[q].length;
        }
        return sum / exact.length;
    }
}

package dev.pointsman.core.knn.bench;

import dev.pointsman.core.knn.HnswIndex;
import dev.pointsman.core.knn.IvfIndex;
import dev.pointsman.core.knn.Ranked;
import dev.pointsman.core.knn.SupportIndex;
import dev.pointsman.core.knn.TwoLevelIvf;
import dev.pointsman.core.vector.Vectors;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Recall@k and single-thread latency of {@link IvfIndex} against exact search, on synthetic
 * clustered unit vectors (rows around random centres, as sentence embeddings cluster by topic;
 * uniform random vectors have no neighbourhoods and are the worst case for any IVF). Run with
 * {@code bench/ivf-recall.sh [size] [lists] [k] [queries] [centres] [spread]}: the noise around a
 * centre has {@code spread} times the centre's expected norm, so at 1.0 clusters overlap.
 */
public final class IvfReport {
    private IvfReport() {}

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int lists = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        // One k or several, comma-separated: the index is built once for all of them.
        int[] ks =
                Arrays.stream((args.length > 2 ? args[2] : "10").split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
        int queries = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int dim = 384;
        int centres = args.length > 4 ? Integer.parseInt(args[4]) : Math.max(64, size / 100);
        double spread = args.length > 5 ? Double.parseDouble(args[5]) : 1.0;
        boolean twoLevel = args.length > 6 && args[6].equals("two-level");
        boolean graph = args.length > 6 && args[6].equals("hnsw");
        SplittableRandom random = new SplittableRandom(20261122L);
        float[] centre = new float[centres * dim];
        for (int i = 0; i < centre.length; i++) {
            centre[i] = (float) gaussian(random);
        }
        long t0 = System.nanoTime();
        int sampleRows =
                Math.min(
                        size,
                        twoLevel
                                ? Math.max(20 * lists * lists, 50_000)
                                : Math.max(20 * lists, 20_000));
        float[] sample = new float[sampleRows * dim];
        SupportIndex exact = new SupportIndex(dim, size);
        float[] row = new float[dim];
        IvfIndex ivf = null;
        TwoLevelIvf two = null;
        HnswIndex hnsw = null;
        // Generate once: the first sampleRows rows train the centroids, then all rows are added.
        float[] all = new float[size * dim];
        for (int i = 0; i < size; i++) {
            draw(random, centre, centres, dim, spread, row);
            System.arraycopy(row, 0, all, i * dim, dim);
            exact.add(row, i);
        }
        System.arraycopy(all, 0, sample, 0, sample.length);
        for (int i = 0; i < sampleRows; i++) {
            Vectors.l2NormalizeInPlace(slice(sample, i, dim));
        }
        if (graph) {
            // "lists" is M here; efConstruction 5 M.
            hnsw = new HnswIndex(dim, lists, 5 * lists, 7, size);
            for (int i = 0; i < size; i++) {
                hnsw.add(Arrays.copyOfRange(all, i * dim, (i + 1) * dim), i);
                if ((i + 1) % 100_000 == 0) {
                    System.out.printf(
                            "  hnsw: %d rows in %.1f s%n", i + 1, (System.nanoTime() - t0) / 1e9);
                }
            }
        } else if (twoLevel) {
            two = TwoLevelIvf.train(sample, dim, lists, lists, 6, 7);
            for (int i = 0; i < size; i++) {
                two.add(Arrays.copyOfRange(all, i * dim, (i + 1) * dim), i);
            }
        } else {
            ivf = IvfIndex.train(sample, dim, lists, 6, 7);
            for (int i = 0; i < size; i++) {
                ivf.add(Arrays.copyOfRange(all, i * dim, (i + 1) * dim), i);
            }
        }
        all = null;
        System.out.printf(
                "built %d × %d rows (%d centres, spread %.2f), %s, in %.1f s%n",
                size,
                dim,
                centres,
                spread,
                graph
                        ? "HNSW M " + lists + ", efConstruction " + 5 * lists
                        : twoLevel ? lists + " × " + lists + " two-level cells" : lists + " lists",
                (System.nanoTime() - t0) / 1e9);

        float[][] qs = new float[queries][dim];
        for (int q = 0; q < queries; q++) {
            draw(random, centre, centres, dim, spread, qs[q]);
            qs[q] = Vectors.l2Normalized(qs[q]);
        }
        for (int k : ks) {
            report(exact, ivf, two, hnsw, qs, k, twoLevel, graph, lists);
        }
    }

    private static void report(
            SupportIndex exact,
            IvfIndex ivf,
            TwoLevelIvf two,
            HnswIndex hnsw,
            float[][] qs,
            int k,
            boolean twoLevel,
            boolean graph,
            int lists) {
        int queries = qs.length;
        Ranked[][] truth = new Ranked[queries][];
        double[] exactMs = new double[queries];
        for (int q = 0; q < queries; q++) {
            long s = System.nanoTime();
            truth[q] = exact.search(qs[q], k);
            exactMs[q] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(exactMs);
        System.out.printf(
                "exact: p50 %.2f ms, p99 %.2f ms (k %d, %d queries)%n",
                pct(exactMs, 0.5), pct(exactMs, 0.99), k, queries);
        int[][] configs =
                graph
                        ? new int[][] {{0, 16}, {0, 32}, {0, 64}, {0, 128}, {0, 256}, {0, 512}}
                        : twoLevel
                                ? new int[][] {{4, 16}, {8, 32}, {8, 64}, {16, 128}, {16, 256}}
                                : new int[][] {{0, 2}, {0, 4}, {0, 8}, {0, 16}, {0, 32}};
        if (graph) {
            // The beam is at least k; ef = k stands for every smaller ef.
            configs =
                    java.util.stream.IntStream.concat(
                                    Arrays.stream(configs).mapToInt(c -> c[1]),
                                    java.util.stream.IntStream.of(k))
                            .filter(ef -> ef >= k)
                            .distinct()
                            .sorted()
                            .mapToObj(ef -> new int[] {0, ef})
                            .toArray(int[][]::new);
        }
        for (int[] config : configs) {
            int coarseProbes = config[0];
            int probes = config[1];
            if (!twoLevel && !graph && probes > lists) {
                continue;
            }
            Ranked[][] got = new Ranked[queries][];
            for (int q = 0; q < Math.min(queries, 50); q++) {
                search(ivf, two, hnsw, qs[q], k, coarseProbes, probes); // warm-up
            }
            double[] ms = new double[queries];
            for (int q = 0; q < queries; q++) {
                long s = System.nanoTime();
                got[q] = search(ivf, two, hnsw, qs[q], k, coarseProbes, probes);
                ms[q] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf(
                    "%s probes %3d: recall@%d %.4f, p50 %.2f ms, p99 %.2f ms%n",
                    graph ? "hnsw ef" : twoLevel ? "two-level coarse " + coarseProbes + "," : "ivf",
                    probes,
                    k,
                    IvfIndex.recall(truth, got),
                    pct(ms, 0.5),
                    pct(ms, 0.99));
        }
    }

    private static Ranked[] search(
            IvfIndex ivf,
            TwoLevelIvf two,
            HnswIndex hnsw,
            float[] q,
            int k,
            int coarseProbes,
            int probes) {
        if (hnsw != null) {
            return hnsw.search(q, k, probes);
        }
        return two != null ? two.search(q, k, coarseProbes, probes) : ivf.search(q, k, probes);
    }

    private static float[] slice(float[] rows, int i, int dim) {
        float[] r = Arrays.copyOfRange(rows, i * dim, (i + 1) * dim);
        Vectors.l2NormalizeInPlace(r);
        System.arraycopy(r, 0, rows, i * dim, dim);
        return r;
    }

    private static void draw(
            SplittableRandom random,
            float[] centre,
            int centres,
            int dim,
            double spread,
            float[] out) {
        int c = random.nextInt(centres);
        for (int j = 0; j < dim; j++) {
            out[j] = centre[c * dim + j] + (float) (spread * gaussian(random));
        }
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    private static double pct(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}

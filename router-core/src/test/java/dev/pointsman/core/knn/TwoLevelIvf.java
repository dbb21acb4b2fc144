package dev.pointsman.core.knn;

import dev.pointsman.core.vector.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An inverted-file index with a two-level quantiser, for millions of rows: {@code top} coarse
 * centroids, each split into {@code sub} finer ones, so {@code top × sub} cells cost {@code top +
 * sub} similarity computations to assign a row, instead of one per cell. A search scores the coarse
 * centroids, the fine centroids of the {@code coarseProbes} best coarse cells, and scans the {@code
 * probes} best fine cells exactly. Recall must be measured ({@link IvfIndex#recall}); with every
 * cell probed it is exact. Not thread-safe.
 */
public final class TwoLevelIvf {
    private final int dimension;
    private final IvfIndex coarse;
    private final IvfIndex[] fine;
    private final SupportIndex[][] cells;

    private TwoLevelIvf(int dimension, IvfIndex coarse, IvfIndex[] fine) {
        this.dimension = dimension;
        this.coarse = coarse;
        this.fine = fine;
        this.cells = new SupportIndex[fine.length][];
        for (int t = 0; t < fine.length; t++) {
            cells[t] = new SupportIndex[fine[t].lists()];
            for (int c = 0; c < cells[t].length; c++) {
                cells[t][c] = new SupportIndex(dimension, 16);
            }
        }
    }

    /**
     * Trains {@code top} coarse centroids on the unit rows of {@code sample}, then {@code sub} fine
     * centroids inside each coarse cell on the sample rows it holds.
     */
    public static TwoLevelIvf train(
            float[] sample, int dimension, int top, int sub, int iterations, long seed) {
        IvfIndex coarse = IvfIndex.train(sample, dimension, top, iterations, seed);
        int n = sample.length / dimension;
        List<List<Integer>> members = new ArrayList<>();
        for (int t = 0; t < top; t++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            float[] row = Arrays.copyOfRange(sample, i * dimension, (i + 1) * dimension);
            members.get(coarse.cellOf(row)).add(i);
        }
        IvfIndex[] fine = new IvfIndex[top];
        for (int t = 0; t < top; t++) {
            List<Integer> rows = members.get(t);
            int lists = Math.max(1, Math.min(sub, rows.size()));
            float[] local = new float[Math.max(1, rows.size()) * dimension];
            if (rows.isEmpty()) {
                System.arraycopy(coarse.centroids(), t * dimension, local, 0, dimension);
            }
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(sample, rows.get(i) * dimension, local, i * dimension, dimension);
            }
            fine[t] = IvfIndex.train(local, dimension, lists, iterations, seed + t + 1);
        }
        return new TwoLevelIvf(dimension, coarse, fine);
    }

    public int cells() {
        int n = 0;
        for (IvfIndex f : fine) {
            n += f.lists();
        }
        return n;
    }

    /** Adds a row (normalised here) to its cell. */
    public void add(float[] vector, long seq) {
        float[] unit = Vectors.l2Normalized(vector);
        int t = coarse.cellOf(unit);
        cells[t][fine[t].cellOf(unit)].add(vector, seq); // normalises it alike
    }

    public int size() {
        int n = 0;
        for (SupportIndex[] row : cells) {
            for (SupportIndex cell : row) {
                n += cell.size();
            }
        }
        return n;
    }

    /** The best {@code k} rows of the {@code probes} best cells under the best coarse cells. */
    public Ranked[] search(float[] unitQuery, int k, int coarseProbes, int probes) {
        Vectors.checkSameDimension(dimension, unitQuery.length);
        float[] top = coarse.centroids();
        int topCount = fine.length;
        RankedQueue bestTop = new RankedQueue(Math.min(coarseProbes, topCount));
        for (int t = 0; t < topCount; t++) {
            bestTop.offer(Vectors.dot(top, t * dimension, unitQuery, 0, dimension), t, t);
        }
        Ranked[] chosenTop = bestTop.drainBestFirst();
        int candidates = 0;
        for (Ranked t : chosenTop) {
            candidates += fine[t.slot()].lists();
        }
        RankedQueue bestCells = new RankedQueue(Math.max(1, Math.min(probes, candidates)));
        for (Ranked t : chosenTop) {
            IvfIndex f = fine[t.slot()];
            float[] centroids = f.centroids();
            for (int c = 0; c < f.lists(); c++) {
                // Encode (coarse, fine) in the slot: fine lists are at most 2^16.
                bestCells.offer(
                        Vectors.dot(centroids, c * dimension, unitQuery, 0, dimension),
                        ((long) t.slot() << 16) | c,
                        (t.slot() << 16) | c);
            }
        }
        List<Ranked[]> partial = new ArrayList<>();
        for (Ranked cell : bestCells.drainBestFirst()) {
            partial.add(cells[cell.slot() >>> 16][cell.slot() & 0xffff].search(unitQuery, k));
        }
        return SupportIndex.merge(partial, k);
    }
}

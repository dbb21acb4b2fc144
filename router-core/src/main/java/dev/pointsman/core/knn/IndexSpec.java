package dev.pointsman.core.knn;

import java.io.Serializable;
import java.util.Locale;

/**
 * Which {@link KnnIndex} a support-set shard keeps: {@code exact} (the default; equals the offline
 * evaluation bit for bit) or {@code hnsw} with its graph parameters. A value so a job's functions
 * can carry it.
 *
 * @param m HNSW links per node (unused for exact)
 * @param efConstruction HNSW beam while inserting
 * @param ef HNSW beam while searching; at least k is used
 */
public record IndexSpec(Kind kind, int m, int efConstruction, int ef) implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        EXACT,
        HNSW
    }

    public static final IndexSpec EXACT = new IndexSpec(Kind.EXACT, 16, 80, 128);

    /** Seeds the graph's level draws, so a graph built from the same rows is the same graph. */
    private static final long GRAPH_SEED = 20261122L;

    public IndexSpec {
        if (kind == null) {
            throw new IllegalArgumentException("--index must be exact or hnsw");
        }
        if (m < 2 || m > 128) {
            throw new IllegalArgumentException("--hnsw-m must be in [2, 128], got " + m);
        }
        if (efConstruction < m) {
            throw new IllegalArgumentException(
                    "--hnsw-ef-construction must be >= --hnsw-m ("
                            + m
                            + "), got "
                            + efConstruction);
        }
        if (ef <= 0) {
            throw new IllegalArgumentException("--hnsw-ef must be > 0, got " + ef);
        }
    }

    public static IndexSpec hnsw(int m, int efConstruction, int ef) {
        return new IndexSpec(Kind.HNSW, m, efConstruction, ef);
    }

    /** {@code exact} or {@code hnsw} (case-insensitive), with these graph parameters. */
    public static IndexSpec of(String kind, int m, int efConstruction, int ef) {
        Kind parsed;
        try {
            parsed = Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--index must be exact or hnsw, got '" + kind + "'", e);
        }
        return new IndexSpec(parsed, m, efConstruction, ef);
    }

    /** A new, empty index of this kind. */
    public KnnIndex create(int dimension) {
        return kind == Kind.EXACT
                ? new SupportIndex(dimension, 1024)
                : new GraphSupportIndex(dimension, m, efConstruction, ef, GRAPH_SEED);
    }
}

package dev.pointsman.core.knn;

import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.core.vector.Vectors;

/** Brute-force cosine top-k over a set of unit vectors: the reference every index must match. */
public final class ExactKnn {
    private final VectorSet support;

    public ExactKnn(VectorSet support) {
        this.support = support;
    }

    public VectorSet support() {
        return support;
    }

    /**
     * The {@code k} rows most similar to {@code unitQuery}, best first; ties go to the lower row
     * index. Returns fewer when the set is smaller than {@code k}.
     */
    public Neighbour[] search(float[] unitQuery, int k) {
        Vectors.checkSameDimension(support.dimension(), unitQuery.length);
        NeighbourQueue queue = new NeighbourQueue(Math.min(k, support.size()));
        for (int i = 0; i < support.size(); i++) {
            queue.offer(i, support.dot(i, unitQuery));
        }
        return queue.drainBestFirst();
    }
}

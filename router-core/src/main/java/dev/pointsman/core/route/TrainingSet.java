package dev.pointsman.core.route;

import dev.pointsman.core.vector.VectorSet;

/** Query vectors (unit length) with their outcomes, row for row. */
public record TrainingSet(VectorSet vectors, Outcomes outcomes) {

    public TrainingSet {
        if (vectors.size() != outcomes.size()) {
            throw new IllegalArgumentException(
                    "vectors and outcomes differ in size: "
                            + vectors.size()
                            + " != "
                            + outcomes.size());
        }
    }

    public int size() {
        return vectors.size();
    }

    public TrainingSet select(int[] indices) {
        return new TrainingSet(vectors.select(indices), outcomes.select(indices));
    }
}

package dev.pointsman.cli;

import dev.pointsman.core.knn.IndexSpec;
import picocli.CommandLine.Option;

/** The support-set shards' scan structure, for the commands that start the routing job. */
final class IndexOptions {
    @Option(
            names = "--index",
            defaultValue = "exact",
            paramLabel = "exact|hnsw",
            description =
                    "Each shard's kNN index: exact (decisions equal `pointsman eval` bit for bit) or"
                            + " hnsw (approximate; measure its recall with bench/ivf-recall.sh)."
                            + " Default: ${DEFAULT-VALUE}.")
    String kind;

    @Option(
            names = "--hnsw-m",
            defaultValue = "16",
            description =
                    "HNSW links per node (2M on the bottom layer). Default: ${DEFAULT-VALUE}.")
    int m;

    @Option(
            names = "--hnsw-ef-construction",
            defaultValue = "80",
            description = "HNSW beam while inserting. Default: ${DEFAULT-VALUE}.")
    int efConstruction;

    @Option(
            names = "--hnsw-ef",
            defaultValue = "128",
            description = "HNSW beam while searching (at least k). Default: ${DEFAULT-VALUE}.")
    int ef;

    IndexSpec spec() {
        return IndexSpec.of(kind, m, efConstruction, ef);
    }
}

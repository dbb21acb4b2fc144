package dev.pointsman.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkLoader;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.core.route.GlobalTrend;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.Predictions;
import dev.pointsman.core.vector.VectorSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The oracle, random and global-trend rows on every row of each RouterBench dataset must match the
 * reference points of shared/EVALUATION.md (the unit-free λ sweep). Runs wherever ../shared is
 * checked out beside the repository (as in CI); skipped elsewhere.
 */
class SharedReferencePointsTest {

    @Test
    void oracleAndRandomMatchThePublishedReferencePoints() throws IOException {
        Path file = findShared("data/routerbench/routerbench-0shot-arc-mbpp-winogrande.jsonl");
        assumeTrue(file != null, "../shared/data is not beside the repository");
        Benchmark bench = BenchmarkLoader.load(file);
        // dataset, oracle, random, global trend (shared/EVALUATION.md, to 0.01)
        Object[][] expected = {
            {"arc-challenge", 97.36, 67.52, 90.94},
            {"mbpp", 86.16, 46.24, 66.30},
            {"winogrande", 98.56, 51.99, 78.71}
        };
        for (Object[] row : expected) {
            Outcomes truth = outcomes(bench.onlyDatasets(List.of((String) row[0])));
            assertThat(ParetoAuc.oracle(truth))
                    .as("oracle " + row[0])
                    .isCloseTo((double) row[1], within(0.005));
            assertThat(ParetoAuc.random(truth))
                    .as("random " + row[0])
                    .isCloseTo((double) row[2], within(0.005));
            // The global trend fitted on every row, judged on the same rows.
            Predictions trend = GlobalTrend.fit(truth).predictAll(vectors(truth.size()));
            assertThat(ParetoAuc.auc(truth, trend))
                    .as("global trend " + row[0])
                    .isCloseTo((double) row[3], within(0.005));
        }
    }

    private static Outcomes outcomes(Benchmark b) {
        double[][] s = b.rows().stream().map(BenchmarkRow::scores).toArray(double[][]::new);
        double[][] c = b.rows().stream().map(BenchmarkRow::costs).toArray(double[][]::new);
        return new Outcomes(b.models(), s, c);
    }

    /** The global trend ignores the query: any vectors of the right count will do. */
    private static VectorSet vectors(int n) {
        List<float[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new float[] {1});
        }
        return VectorSet.ofNormalized(rows);
    }

    private static Path findShared(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}

package dev.pointsman.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkLoader;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.core.route.Outcomes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The oracle and random rows on every row of each RouterBench dataset must match the reference
 * points published in shared/data/README.md. Runs wherever ../shared is checked out beside the
 * repository (as in CI); skipped elsewhere.
 */
class SharedReferencePointsTest {

    @Test
    void oracleAndRandomMatchThePublishedReferencePoints() throws IOException {
        Path file = findShared("data/routerbench/routerbench-0shot-arc-mbpp-winogrande.jsonl");
        assumeTrue(file != null, "../shared/data is not beside the repository");
        Benchmark bench = BenchmarkLoader.load(file);
        // dataset, oracle, random (shared/data/README.md, rounded to 0.1)
        Object[][] expected = {
            {"arc-challenge", 97.0, 67.5}, {"mbpp", 85.7, 46.2}, {"winogrande", 98.4, 52.0}
        };
        for (Object[] row : expected) {
            Outcomes truth = outcomes(bench.onlyDatasets(List.of((String) row[0])));
            assertThat(ParetoAuc.oracle(truth))
                    .as("oracle " + row[0])
                    .isCloseTo((double) row[1], within(0.05));
            assertThat(ParetoAuc.random(truth))
                    .as("random " + row[0])
                    .isCloseTo((double) row[2], within(0.05));
        }
    }

    private static Outcomes outcomes(Benchmark b) {
        double[][] s = b.rows().stream().map(BenchmarkRow::scores).toArray(double[][]::new);
        double[][] c = b.rows().stream().map(BenchmarkRow::costs).toArray(double[][]::new);
        return new Outcomes(b.models(), s, c);
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

package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.core.eval.EvalReport;
import dev.pointsman.core.eval.EvalReport.DatasetResult;
import dev.pointsman.core.eval.EvalReport.RowResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {

    private static DatasetResult dataset(String name, String split, double knn0, double knn1) {
        Map<String, RowResult> rows = new LinkedHashMap<>();
        double[] zero = {0, 0};
        rows.put("knn-10", new RowResult(new double[] {knn0, knn1}, zero, zero));
        return new DatasetResult(name, split, 10, rows, null);
    }

    @Test
    void fixedSplitTablesAverageTestAndOodSetsAndShowTheDrop() {
        Map<String, DatasetResult> datasets = new LinkedHashMap<>();
        datasets.put("mmlu", dataset("mmlu", "test", 60, 62));
        datasets.put("gsm8k", dataset("gsm8k", "test", 70, 72));
        datasets.put("mbpp", dataset("mbpp", "ood", 50, 54));
        EvalReport report = new EvalReport("accuracy", List.of("m"), List.of("knn-10"), datasets);
        String table = ResultTable.quality(report);
        assertThat(table.lines().findFirst().orElseThrow())
                .contains(
                        "mmlu",
                        "gsm8k",
                        "mbpp (ood)",
                        "test mean",
                        "ood mean",
                        "drop (test − ood)");
        // test means per seed: 65, 67 → 66 ± 1.41; ood: 50, 54 → 52 ± 2.83; drop: 15, 13 → 14 ±
        // 1.41
        assertThat(table).contains("66.00 ± 1.41", "52.00 ± 2.83", "14.00 ± 1.41");
    }

    @Test
    void perDatasetTablesHaveOneMeanColumn() {
        Map<String, DatasetResult> datasets = new LinkedHashMap<>();
        datasets.put("a", dataset("a", null, 80, 80));
        datasets.put("b", dataset("b", null, 60, 70));
        String table =
                ResultTable.quality(
                        new EvalReport("auc", List.of("m"), List.of("knn-10"), datasets));
        assertThat(table.lines().findFirst().orElseThrow()).endsWith("mean").doesNotContain("drop");
        assertThat(table).contains("72.50 ± 3.54");
    }
}

package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.cli.bench.RouteBenchmark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteSweepTest {
    @Test
    void readsTheSettingAndItsValuesAndNamesTheOptionWhenWrong() {
        RouteSweep sweep = RouteSweep.parse("pools=1, 10,100", 2);
        assertThat(sweep.axis()).isEqualTo("pools");
        assertThat(sweep.values()).containsExactly("1", "10", "100");
        assertThatThrownBy(() -> RouteSweep.parse("pools", 1)).hasMessageContaining("--sweep");
        assertThatThrownBy(() -> RouteSweep.parse("colour=1", 1))
                .hasMessageContaining("unknown setting 'colour'");
        assertThatThrownBy(() -> RouteSweep.parse("load=0.5,x", 1))
                .hasMessageContaining("load takes positive numbers, got 'x'");
        assertThatThrownBy(() -> RouteSweep.parse("k=0", 1)).hasMessageContaining("got '0'");
        assertThatThrownBy(() -> RouteSweep.parse("k=1", 0)).hasMessageContaining("--rounds");
    }

    @Test
    void oddRoundsRunBackwardAndEachValueIsSummarisedOverItsOwnRuns() {
        RouteSweep sweep = RouteSweep.parse("deciders=1,2", 2);
        assertThat(sweep.order(0)).containsExactly("1", "2");
        assertThat(sweep.order(1)).containsExactly("2", "1");
        List<Map<String, Object>> rows = new ArrayList<>();
        // Rounds as run: 1 (100/s), 2 (300/s), then 2 (500/s), 1 (200/s).
        rows.add(row("1", 100));
        rows.add(row("2", 300));
        rows.add(row("2", 500));
        rows.add(row("1", 200));
        String table = sweep.table(rows);
        // 1: mean 150, sample std 70.7; 2: mean 400, std 141.4.
        assertThat(table)
                .contains("| deciders | decisions/s |")
                .contains("| 1 | 150.0 ± 70.7 |")
                .contains("| 2 | 400.0 ± 141.4 |");
    }

    private static Map<String, Object> row(String value, double perSecond) {
        Map<String, Object> row = new HashMap<>();
        row.put("value", value);
        row.put(
                "result",
                new RouteBenchmark.Result(perSecond, perSecond / 2, 1, 2, 3, 1, 2, 1, 2, 3, 10));
        return row;
    }
}

package dev.pointsman.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

class SettingTest {
    private static final Setting<Integer> SHARDS =
            Setting.integer("shards", 4, "Shards per pool.", 1);
    private static final Setting<Integer> PORT = Setting.integer("port", 8080, "A port.", 0, 65535);
    private static final Setting<Duration> WAIT =
            Setting.duration("wait", Duration.ofSeconds(30), "A wait.", Duration.ofMillis(10));
    private static final Setting<Duration> GRACE =
            Setting.nonNegativeDuration("grace", Duration.ZERO, "A grace.");
    private static final Setting<Double> SHARE =
            Setting.number("share", 0.25, "A share.", v -> v > 0 && v <= 1, "must be in (0, 1]");
    private static final Setting<String> HOST = Setting.text("host", null, "A host.");
    private static final Setting<String> URL = Setting.optionalText("url", "A URL.");

    @Test
    void valuesAreParsedAndCheckedWithTheOptionNamedInEveryError() {
        assertThat(SHARDS.parse(" 7 ")).isEqualTo(7);
        assertThat(WAIT.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(WAIT.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(GRACE.parse("0s")).isZero();
        assertThat(SHARE.parse("1")).isEqualTo(1.0);
        assertThatThrownBy(() -> SHARDS.parse("0")).hasMessage("--shards must be > 0, got 0");
        assertThatThrownBy(() -> SHARDS.parse("four"))
                .hasMessage("--shards must be an integer, got 'four'");
        assertThatThrownBy(() -> PORT.parse("70000"))
                .hasMessage("--port must be in [0, 65535], got 70000");
        assertThatThrownBy(() -> WAIT.parse("5ms"))
                .hasMessage("--wait must be at least 10ms, got 5ms");
        assertThatThrownBy(() -> WAIT.parse("soon"))
                .hasMessage(
                        "--wait must be a duration like 250ms, 30s, 5m, 2h or PT1M, got 'soon'");
        assertThatThrownBy(() -> GRACE.parse("-PT1S"))
                .hasMessage("--grace must be >= 0, got PT-1S");
        assertThatThrownBy(() -> SHARE.parse("NaN"))
                .hasMessage("--share must be in (0, 1], got NaN");
        assertThatThrownBy(() -> HOST.check(null)).hasMessage("--host must be set");
        assertThatThrownBy(() -> HOST.parse(" ")).hasMessage("--host must be set, got ");
        assertThat(URL.check(null)).isNull();
    }

    @Test
    void durationsPrintInTheShortestFormThatReadsBackExactly() {
        for (Duration d :
                List.of(
                        Duration.ZERO,
                        Duration.ofMillis(250),
                        Duration.ofSeconds(90),
                        Duration.ofMinutes(5),
                        Duration.ofHours(36),
                        Duration.ofDays(2),
                        Duration.ofNanos(1500))) {
            assertThat(Durations.parse("--d", Durations.format(d))).isEqualTo(d);
        }
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofHours(48))).isEqualTo("2d");
    }

    @Command(name = "test")
    static final class Empty {}

    @Test
    void optionsMadeFromSettingsCarryTheirDefaultsAndRules() {
        CommandLine cli = new CommandLine(new Empty());
        CommandSpec spec = cli.getCommandSpec();
        SettingOptions.add(spec, List.of(SHARDS, WAIT, URL));
        cli.parseArgs("--wait", "2s");
        assertThat(SettingOptions.value(spec, SHARDS)).isEqualTo(4);
        assertThat(SettingOptions.value(spec, WAIT)).isEqualTo(Duration.ofSeconds(2));
        assertThat(SettingOptions.value(spec, URL)).isNull();
        assertThat(cli.getUsageMessage())
                .contains("--shards=N", "Shards per pool. Default: 4.")
                .contains("--wait=DURATION", "Default: 30s.");
        cli.parseArgs("--shards", "0");
        assertThatThrownBy(() -> SettingOptions.value(spec, SHARDS))
                .hasMessage("--shards must be > 0, got 0");
    }
}

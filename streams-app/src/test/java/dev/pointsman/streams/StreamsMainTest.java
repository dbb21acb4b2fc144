package dev.pointsman.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StreamsMainTest {
    @Test
    void optionsBecomeTypedSettings() {
        StreamsApp.Settings s =
                StreamsMain.parse(
                        List.of(
                                "--bootstrap", "broker:9093",
                                "--window", "5m",
                                "--window-grace", "PT45S",
                                "--feedback-grace", "250ms",
                                "--feedback-retention", "2h",
                                "--token", "p=secret",
                                "--alert-drift-psi", "0.4"));
        assertThat(s.bootstrap()).isEqualTo("broker:9093");
        assertThat(s.topology().window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.topology().windowGrace()).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.topology().feedbackGrace()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.topology().alerts().driftPsi()).isEqualTo(0.4);
        assertThat(s.api().tokens()).containsEntry("p", "secret");
        assertThat(s.api().port()).isEqualTo(8080);
        // Not under /tmp, which the OS may clean.
        assertThat(s.stateDir())
                .isEqualTo(
                        java.nio.file.Path.of(
                                System.getProperty("user.home"),
                                ".local",
                                "state",
                                "pointsman",
                                "streams"));
    }

    @Test
    void tokensComeFromAFileToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("tokens");
        java.nio.file.Files.writeString(file, "# pool tokens\np = secret-p\n\nq=secret-q\n");
        StreamsApp.Settings s =
                StreamsMain.parse(
                        List.of("--tokens-file", file.toString(), "--token", "r=secret-r"));
        assertThat(s.api().tokens())
                .containsEntry("p", "secret-p")
                .containsEntry("q", "secret-q")
                .containsEntry("r", "secret-r");
        java.nio.file.Files.writeString(file, "p=ok\njust-a-token\n");
        assertThatThrownBy(() -> StreamsMain.parse(List.of("--tokens-file", file.toString())))
                .hasMessage("--tokens-file " + file + ", line 2: expected POOL=TOKEN");
        assertThatThrownBy(
                        () ->
                                StreamsMain.parse(
                                        List.of("--tokens-file", dir.resolve("none").toString())))
                .hasMessageStartingWith("--tokens-file " + dir.resolve("none") + " cannot be read");
    }

    @Test
    void anInvalidValueNamesItsKey() {
        assertThatThrownBy(() -> StreamsMain.parse(List.of("--window", "soon")))
                .hasMessage(
                        "--window must be a duration like 250ms, 30s, 5m, 2h or PT1M,"
                                + " got 'soon'");
        assertThatThrownBy(
                        () ->
                                StreamsMain.parse(
                                        List.of(
                                                "--feedback-grace",
                                                "2h",
                                                "--feedback-retention",
                                                "1h")))
                .hasMessageStartingWith("--feedback-retention must be >= --feedback-grace");
        assertThatThrownBy(() -> StreamsMain.parse(List.of("--alert-ood-share", "1.5")))
                .hasMessage("--alert-ood-share must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> StreamsMain.parse(List.of("--http-port", "70000")))
                .hasMessage("--http-port must be in [0, 65535], got 70000");
    }

    @Test
    void badSettingsExitWithStatusTwoAndTheReason() {
        StringWriter err = new StringWriter();
        CommandLine cli = StreamsMain.commandLine();
        cli.setErr(new PrintWriter(err));
        java.io.PrintStream previous = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            assertThat(cli.execute("--shadow-cap", "-1")).isEqualTo(2);
        } finally {
            System.setErr(previous);
        }
        assertThat(captured.toString()).contains("--shadow-cap must be >= 0, got -1");
    }

    @Test
    void helpListsTheOptions() {
        StringWriter out = new StringWriter();
        CommandLine cli = StreamsMain.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("--bootstrap", "--window", "--token=POOL=TOKEN");
    }
}

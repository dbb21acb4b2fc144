package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir Path tmp;

    @Test
    void theWorkingDirectoryIsEmptiedOnlyWhenTheDemoMadeIt() throws Exception {
        Path dir = tmp.resolve("demo");
        DemoCommand.emptyWorkingDirectory(dir);
        Files.writeString(dir.resolve("broker.log"), "from the last run");

        DemoCommand.emptyWorkingDirectory(dir);

        assertThat(dir.resolve("broker.log")).doesNotExist();
        assertThat(dir).isDirectory();
    }

    @Test
    void aForeignNonEmptyDirectoryIsRefusedAndKept() throws Exception {
        Path home = tmp.resolve("someone");
        Files.createDirectories(home);
        Files.writeString(home.resolve("thesis.tex"), "precious");

        assertThatThrownBy(() -> DemoCommand.emptyWorkingDirectory(home))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--dir " + home)
                .hasMessageContaining("refusing");
        assertThat(home.resolve("thesis.tex")).hasContent("precious");
    }

    @Test
    void aFileGivenAsTheDirectoryIsRefusedAndKept() throws Exception {
        Path file = tmp.resolve("notes.txt");
        Files.writeString(file, "precious");

        assertThatThrownBy(() -> DemoCommand.emptyWorkingDirectory(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "--dir " + file + " is a file, not a directory; refusing to replace it");
        assertThat(file).hasContent("precious");
    }

    @Test
    void badReplayOptionsExitTwoNamingTheOptionBeforeAnythingStarts() {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        Path dir = tmp.resolve("untouched");

        int status = cli.execute("demo", "--seed-share", "1.5", "--dir", dir.toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("--seed-share must be in (0, 1), got 1.5");
        assertThat(dir).doesNotExist();

        err.getBuffer().setLength(0);
        assertThat(cli.execute("demo", "--shift", "--shift-to", "nope", "--dir", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--shift-to nope is not a dataset of the data");

        err.getBuffer().setLength(0);
        assertThat(cli.execute("demo", "--exploration", "1.5", "--dir", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--exploration must be in [0, 1], got 1.5");
        assertThat(dir).doesNotExist();

        err.getBuffer().setLength(0);
        assertThat(cli.execute("demo", "--router", "knn-zero", "--dir", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--router");
    }
}

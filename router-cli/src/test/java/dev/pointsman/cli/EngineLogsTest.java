package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EngineLogsTest {
    private static final String LOG_FILE = "org.slf4j.simpleLogger.logFile";

    @TempDir Path dir;

    @AfterEach
    void clear() {
        System.clearProperty(LOG_FILE);
    }

    @Test
    void theLongRunningCommandsLogToAFileNamedAfterThem() {
        Path file = EngineLogs.redirect(new String[] {"bench", "budget", "--budgets", "1"}, dir);
        assertThat(file).isNotNull();
        assertThat(file.getParent()).isEqualTo(dir);
        assertThat(file.getFileName().toString()).startsWith("bench-budget-").endsWith(".log");
        assertThat(System.getProperty(LOG_FILE)).isEqualTo(file.toString());
    }

    @Test
    void verboseHelpAndOtherCommandsKeepTheirLogsOnTheTerminal() {
        assertThat(EngineLogs.redirect(new String[] {"demo", "--verbose"}, dir)).isNull();
        assertThat(EngineLogs.redirect(new String[] {"demo", "--help"}, dir)).isNull();
        assertThat(EngineLogs.redirect(new String[] {"eval", "--data", "sample"}, dir)).isNull();
        assertThat(EngineLogs.redirect(new String[] {"embed-worker"}, dir)).isNull();
        assertThat(EngineLogs.redirect(new String[] {}, dir)).isNull();
        assertThat(System.getProperty(LOG_FILE)).isNull();
    }

    @Test
    void everyQuietCommandAcceptsVerbose() {
        CommandLine cli = Main.commandLine();
        for (String[] args :
                new String[][] {
                    {"demo", "--verbose"},
                    {"replay", "--bootstrap", "x:1", "--verbose"},
                    {"route", "--bootstrap", "x:1", "--verbose"},
                    {"bench", "budget", "--verbose"},
                    {"bench", "route", "--verbose"}
                }) {
            CommandLine.ParseResult parsed = cli.parseArgs(args);
            CommandLine.ParseResult leaf = parsed;
            while (leaf.hasSubcommand()) {
                leaf = leaf.subcommand();
            }
            assertThat(leaf.hasMatchedOption("--verbose")).as(String.join(" ", args)).isTrue();
        }
    }
}

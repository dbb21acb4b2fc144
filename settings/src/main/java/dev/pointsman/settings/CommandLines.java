package dev.pointsman.settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import picocli.CommandLine;

/** What every Pointsman command line shares, whichever jar it starts from. */
public final class CommandLines {
    private CommandLines() {}

    /** One way to write a duration on every command line: 250ms, 30s, 5m, 2h or PT1M. */
    public static CommandLine withDurations(CommandLine cli) {
        cli.registerConverter(
                Duration.class,
                text -> {
                    try {
                        return Durations.parse("a duration", text);
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.TypeConversionException(
                                "'" + text + "' is not a duration like 250ms, 30s, 5m, 2h or PT1M");
                    }
                });
        return cli;
    }

    /**
     * Bad input is the user's to fix: say what is wrong after {@code program:}, exit 2, no stack
     * trace.
     */
    public static CommandLine withErrorHandling(CommandLine cli, String program) {
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    if (e instanceof IllegalArgumentException
                            || e instanceof IOException
                            || e instanceof UncheckedIOException) {
                        commandLine.getErr().println(program + ": " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
        return cli;
    }
}

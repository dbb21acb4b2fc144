package dev.pointsman.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the {@code pointsman} command line in this JVM: its exit status and what it printed.
 */
public record CliRun(int exit, String out, String err) {

    public static CliRun execute(String... args) {
        var cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}

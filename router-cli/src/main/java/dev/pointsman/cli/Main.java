package dev.pointsman.cli;

import dev.pointsman.settings.Durations;
import dev.pointsman.settings.SettingOptions;
import dev.pointsman.topics.Replication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pointsman} command. */
@Command(
        name = "pointsman",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Pointsman: an online LLM router on Kafka and Flink.",
        subcommands = {
            EvalCommand.class,
            DemoCommand.class,
            ReplayCommand.class,
            EmbedWorkerCommand.class,
            RouteCommand.class,
            ClusterCommand.class,
            BenchCommand.class,
            dev.pointsman.cli.pool.PoolCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        java.nio.file.Path logs = EngineLogs.redirect(args, EngineLogs.defaultDir());
        if (logs != null) {
            System.out.println("engine logs: " + logs + " (--verbose shows them here)");
        }
        System.exit(commandLine().execute(args));
    }

    /** One way to write a duration on every command line: 250ms, 30s, 5m, 2h or PT1M. */
    static CommandLine withDurations(CommandLine cli) {
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

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = withDurations(new CommandLine(new Main()));
        // route --stop needs no broker; the modes that do fail naming --bootstrap without one
        SettingOptions.addUnenforced(
                cli.getSubcommands().get("route").getCommandSpec(), RouteCommand.SETTINGS);
        // the commands that create the router's topics on a user's cluster
        SettingOptions.add(
                cli.getSubcommands().get("route").getCommandSpec(), Replication.SETTINGS);
        EmbedWorkerCommand.addSettings(cli.getSubcommands().get("embed-worker").getCommandSpec());
        EngineLogs.addVerboseOption(cli);
        return withErrorHandling(cli);
    }

    /** Bad input is the user's to fix: say what is wrong, exit 2, no stack trace. */
    static CommandLine withErrorHandling(CommandLine cli) {
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    if (e instanceof IllegalArgumentException
                            || e instanceof IOException
                            || e instanceof UncheckedIOException) {
                        commandLine.getErr().println("pointsman: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"pointsman " + (v == null ? "(development build)" : v)};
        }
    }
}

package dev.pointsman.cli;

import dev.pointsman.embed.cli.EmbedWorkerCommand;
import dev.pointsman.settings.CommandLines;
import dev.pointsman.settings.SettingOptions;
import dev.pointsman.topics.Replication;
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

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = CommandLines.withDurations(new CommandLine(new Main()));
        // route --stop needs no broker; the modes that do fail naming --bootstrap without one
        SettingOptions.addUnenforced(
                cli.getSubcommands().get("route").getCommandSpec(), RouteCommand.SETTINGS);
        // the commands that create the router's topics on a user's cluster
        SettingOptions.add(
                cli.getSubcommands().get("route").getCommandSpec(), Replication.SETTINGS);
        EmbedWorkerCommand.addSettings(cli.getSubcommands().get("embed-worker").getCommandSpec());
        EngineLogs.addVerboseOption(cli);
        return CommandLines.withErrorHandling(cli, "pointsman");
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

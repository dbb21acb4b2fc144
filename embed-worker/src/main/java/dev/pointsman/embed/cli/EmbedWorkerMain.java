package dev.pointsman.embed.cli;

import dev.pointsman.settings.CommandLines;
import picocli.CommandLine;

/**
 * Entry point of {@code pointsman-embed-worker.jar}: the embed worker alone, with the options of
 * {@code pointsman embed-worker}.
 */
public final class EmbedWorkerMain {
    private EmbedWorkerMain() {}

    public static void main(String[] args) {
        CommandLine cli = CommandLines.withDurations(new CommandLine(new EmbedWorkerCommand()));
        EmbedWorkerCommand.addSettings(cli.getCommandSpec());
        System.exit(CommandLines.withErrorHandling(cli, "pointsman").execute(args));
    }
}

package dev.pointsman.cli;

import picocli.CommandLine;

/**
 * Entry point of {@code pointsman-embed-worker.jar}: the embed worker alone, with the options of
 * {@code pointsman embed-worker}.
 */
public final class EmbedWorkerMain {
    private EmbedWorkerMain() {}

    public static void main(String[] args) {
        System.exit(
                Main.withErrorHandling(new CommandLine(new EmbedWorkerCommand())).execute(args));
    }
}

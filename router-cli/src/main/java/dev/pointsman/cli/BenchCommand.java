package dev.pointsman.cli;

import picocli.CommandLine.Command;

/** {@code pointsman bench}: the project's benchmarks. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks of the running system (not the routing quality: see eval).",
        subcommands = {
            BenchEmbedCommand.class,
            BenchRouteCommand.class,
            BenchAdaptCommand.class,
            BenchLearningCurveCommand.class,
            BenchAblationCommand.class,
            BenchBudgetCommand.class,
            BenchGatewayCommand.class,
            BenchFaultsCommand.class,
            BenchSoakCommand.class
        })
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

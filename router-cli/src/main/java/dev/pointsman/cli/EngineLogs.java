package dev.pointsman.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Keeps the terminal for the commands' own progress and results: the engines' logs (Kafka, Flink,
 * the embed worker, the routing job) of {@code demo}, {@code replay}, {@code route} and {@code
 * bench} go to a file whose path the command prints first, unless {@code --verbose}. slf4j-simple
 * reads its target once, when the first logger is made, so this runs before anything logs.
 */
final class EngineLogs {
    static final String VERBOSE = "--verbose";

    /** The commands whose engine logs go to a file. */
    static final Set<String> QUIET = Set.of("demo", "replay", "route", "cluster", "bench");

    private static final String LOG_FILE = "org.slf4j.simpleLogger.logFile";

    private EngineLogs() {}

    /**
     * Sends the engine logs of the command {@code args} runs to a file under {@code dir} and
     * returns it; null when they stay on the terminal (another command, {@code --verbose}, help).
     */
    static @Nullable Path redirect(String[] args, Path dir) {
        List<String> all = List.of(args);
        if (all.isEmpty()
                || !QUIET.contains(all.get(0))
                || all.contains(VERBOSE)
                || all.contains("-h")
                || all.contains("--help")
                || all.contains("-V")
                || all.contains("--version")
                || System.getProperty(LOG_FILE) != null) {
            return null;
        }
        String name =
                String.join(
                                "-",
                                all.subList(
                                        0, all.get(0).equals("bench") && all.size() > 1 ? 2 : 1))
                        + "-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                        + ".log";
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return null; // the terminal is a better place for them than nowhere
        }
        Path file = dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_"));
        System.setProperty(LOG_FILE, file.toString());
        return file;
    }

    /** Where the files go: {@code $POINTSMAN_LOG_DIR}, else {@code ~/.cache/pointsman/logs}. */
    static Path defaultDir() {
        String env = System.getenv("POINTSMAN_LOG_DIR");
        return env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "pointsman", "logs");
    }

    /** Adds {@code --verbose} to every command whose engine logs go to a file. */
    static void addVerboseOption(CommandLine cli) {
        for (String name : QUIET) {
            CommandLine command = cli.getSubcommands().get(name);
            add(command);
            if (name.equals("bench")) {
                command.getSubcommands().values().forEach(EngineLogs::add);
            }
        }
    }

    private static void add(CommandLine command) {
        command.getCommandSpec()
                .addOption(
                        OptionSpec.builder(VERBOSE)
                                .description(
                                        "Show the engines' logs (Kafka, Flink, the embed worker,"
                                                + " the routing job) here instead of in a file"
                                                + " under ~/.cache/pointsman/logs"
                                                + " ($POINTSMAN_LOG_DIR).")
                                .arity("0")
                                .type(boolean.class)
                                .build());
    }
}

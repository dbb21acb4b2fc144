package dev.pointsman.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories of the benchmarks. */
final class Directories {
    private Directories() {}

    /** Deletes {@code root} and everything under it; says so on stderr when it cannot. */
    static void deleteTree(Path root, String command) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println(command + ": could not delete " + root + ": " + e.getMessage());
        }
    }
}

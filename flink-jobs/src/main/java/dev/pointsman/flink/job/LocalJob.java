package dev.pointsman.flink.job;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.jspecify.annotations.Nullable;

/**
 * Starts the routing job on a Flink mini cluster in this JVM: what {@code pointsman route}, {@code
 * bench route}, the demo and the tests run.
 */
public final class LocalJob {
    private LocalJob() {}

    /**
     * Submits the job and returns once it is running.
     *
     * @param parallelism every operator's parallelism
     * @param restoreFrom a checkpoint or savepoint directory to restore from, or null for a fresh
     *     start
     * @param name the job's name in Flink
     */
    public static JobClient start(
            JobSettings s, int parallelism, @Nullable Path restoreFrom, String name)
            throws Exception {
        if (parallelism <= 0) {
            throw new IllegalArgumentException("--parallelism must be > 0, got " + parallelism);
        }
        Configuration conf = RoutingJob.configuration(s);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toString());
        }
        // A mini cluster in this JVM, or the test cluster where a test provides one.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        RoutingJob.build(env, s);
        return env.executeAsync(name);
    }

    /**
     * The newest completed checkpoint under {@code root} ({@code root/<job>/chk-N}), or savepoint
     * ({@code root/savepoints/savepoint-…}, where {@code pointsman route} stops the job), if any.
     */
    public static Optional<Path> latestCheckpoint(Path root) throws java.io.IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        // root/<job>/chk-N, listed by name only: a job deletes subsumed checkpoints and shared
        // files while this looks, and anything that vanishes meanwhile is simply not a candidate.
        List<Path> completed = new ArrayList<>();
        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(root)) {
            for (Path job : jobs) {
                try (DirectoryStream<Path> checkpoints =
                        Files.newDirectoryStream(job, "{chk-*,savepoint-*}")) {
                    for (Path checkpoint : checkpoints) {
                        if (Files.isRegularFile(checkpoint.resolve("_metadata"))) {
                            completed.add(checkpoint);
                        }
                    }
                } catch (NoSuchFileException | NotDirectoryException e) {
                    // gone meanwhile, or a file beside the job directories
                }
            }
        }
        return completed.stream()
                .max(
                        Comparator.comparingLong(LocalJob::modified)
                                .thenComparingLong(LocalJob::number));
    }

    /** The N of {@code chk-N}: breaks ties of modification times within one job's directory. */
    private static long number(Path checkpoint) {
        try {
            return Long.parseLong(checkpoint.getFileName().toString().substring(4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long modified(Path checkpoint) {
        try {
            return Files.getLastModifiedTime(checkpoint.resolve("_metadata")).toMillis();
        } catch (java.io.IOException e) {
            return 0L;
        }
    }
}

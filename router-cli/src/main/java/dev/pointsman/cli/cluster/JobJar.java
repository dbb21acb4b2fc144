package dev.pointsman.cli.cluster;

import dev.pointsman.flink.job.JobArgs;
import dev.pointsman.flink.job.JobSettings;
import dev.pointsman.flink.job.RoutingJobMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The routing job submitted to a session cluster: the job jar uploaded and run with settings. */
public final class JobJar {
    private JobJar() {}

    /**
     * Uploads {@code pointsman-job.jar}, runs {@link RoutingJobMain} with {@code settings}, and
     * returns the job's id once every task runs.
     *
     * @param restore a savepoint or retained checkpoint to restore from, or null
     */
    public static String submit(
            FlinkRest flink, JobSettings settings, int parallelism, @Nullable String restore)
            throws IOException, InterruptedException {
        if (parallelism <= 0) {
            throw new IllegalArgumentException("--parallelism must be > 0, got " + parallelism);
        }
        Path jar = BuildArtifacts.jobJar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "the job jar is not built: "
                            + jar
                            + " is missing (run: mvn -B -q -pl flink-jobs -am package -DskipTests,"
                            + " or use bin/pointsman, which builds it)");
        }
        String job =
                flink.run(
                        flink.uploadJar(jar),
                        RoutingJobMain.class.getName(),
                        JobArgs.of(settings, JobArgs.DEFAULT_NAME),
                        parallelism,
                        restore);
        flink.awaitRunning(job, Duration.ofMinutes(2));
        return job;
    }
}

package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.schemas.RoutingDecision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar's entry class as a cluster without high availability runs it again after its
 * JobManager restarts (docker-compose's application mode): with {@code --resume-latest} it finds
 * the newest retained checkpoint under {@code --checkpoints} and resumes with the support set it
 * had, though the feedback it came from is not read again.
 */
class RoutingJobMainIT {
    private static final String POOL = "main";
    private static final int EXAMPLES = 10;

    @RegisterExtension static final MiniClusterExtension FLINK = RouterTestKit.miniCluster();

    @TempDir Path dir;

    @Test
    void resumeLatestRestoresTheSupportSetFromTheNewestCheckpoint(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        try (RouterTestKit kit = new RouterTestKit(dir)) {
            Path checkpoints = dir.resolve("checkpoints");
            JobClient first = kit.start(checkpoints, null, "main-router");
            kit.catalog(
                    POOL,
                    Map.of(),
                    RouterTestKit.model("big", null),
                    RouterTestKit.model("small", null));
            kit.bigAndSmallExamples(POOL, EXAMPLES);
            kit.awaitSupport(POOL, EXAMPLES);
            Thread.sleep(1_500); // a checkpoint after the last example (every 300 ms)
            first.cancel().get();
            assertThat(LocalJob.latestCheckpoint(checkpoints)).isPresent();

            // the same settings as the first run, as a restarted JobManager is given them again
            JobSettings settings = kit.settings(checkpoints, "main-router").build();
            List<String> args = new ArrayList<>(JobArgs.of(settings, "main-router"));
            args.add("--resume-latest");
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread main =
                    new Thread(
                            () -> {
                                try {
                                    RoutingJobMain.main(args.toArray(String[]::new));
                                } catch (Throwable t) {
                                    ended.set(t); // cancelled at the end of the test
                                }
                            },
                            "routing-job-main");
            main.start();
            try {
                List<String> after = kit.queries(POOL, "after-", 3);
                Map<String, RoutingDecision> decided = kit.readAll(after);
                assertThat(decided).containsKeys(after.toArray(new String[0]));
                // (readAll also returns the probes decided before the restart)
                assertThat(after.stream().map(decided::get))
                        .allSatisfy(d -> assertThat(d.getSupportSize()).isEqualTo(EXAMPLES));
            } finally {
                for (JobStatusMessage job : client.listJobs().get()) {
                    if (job.getJobState() == JobStatus.RUNNING) {
                        client.cancel(job.getJobId()).get();
                    }
                }
                main.join(60_000);
            }
            assertThat(main.isAlive()).isFalse();
        }
    }
}

package dev.pointsman.flink.job;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job jar's entry class: what a Flink cluster runs when {@code pointsman route --jobmanager}
 * submits {@code pointsman-job.jar} over its REST API, or what an application-mode deployment
 * names. Reads {@link JobArgs}, builds the same dataflow as the local mode ({@link RoutingJob}) and
 * hands it to the cluster's environment; parallelism comes from the submission or the cluster.
 */
public final class RoutingJobMain {
    private RoutingJobMain() {}

    public static void main(String[] args) throws Exception {
        List<String> list = Arrays.asList(args);
        if (list.contains("--help") || list.contains("-h")) {
            System.out.println("pointsman-job.jar: the Pointsman routing job\n" + JobArgs.usage());
            return;
        }
        JobArgs.Parsed parsed = JobArgs.parse(list);
        JobSettings s = parsed.settings();
        Configuration conf = RoutingJob.configuration(s);
        if (parsed.resumeLatest() && "file".equals(s.checkpoints().getScheme())) {
            Optional<Path> latest = LocalJob.latestCheckpoint(Path.of(s.checkpoints()));
            if (latest.isPresent()) {
                System.out.println("pointsman-job.jar: resuming from " + latest.get());
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.get().toString());
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        RoutingJob.build(env, s);
        env.execute(parsed.name());
    }
}

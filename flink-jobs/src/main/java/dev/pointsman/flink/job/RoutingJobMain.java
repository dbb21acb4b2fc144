package dev.pointsman.flink.job;

import java.util.Arrays;
import java.util.List;
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
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(RoutingJob.configuration(s));
        RoutingJob.build(env, s);
        env.execute(parsed.name());
    }
}

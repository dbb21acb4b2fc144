package dev.pointsman.cli;

import dev.pointsman.cli.cluster.ClusterState;
import dev.pointsman.cli.cluster.LoopbackCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pointsman cluster}: the distributed analogue of the demo, on loopback: a Kafka cluster, a
 * Flink session cluster with the routing job submitted to it, embed workers and streams-app
 * instances, every one its own JVM, left running; {@code pointsman cluster down} stops them.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        subcommands = ClusterCommand.Down.class,
        description = {
            "Starts, on this machine's loopback interface, every part of Pointsman as it runs on"
                    + " real clusters, each in its own JVM: a KRaft Kafka cluster (topics with 3"
                    + " replicas, 2 in sync), a Flink standalone session cluster (a JobManager"
                    + " and TaskManagers, started from Flink's runtime jars) running the routing"
                    + " job submitted as a job jar, embed workers and streams-app instances. Prints"
                    + " where everything is and returns; the processes keep running until"
                    + " `pointsman cluster down`, which stops the job with a savepoint. Started"
                    + " again on the same --dir, the cluster keeps its data, and the job resumes"
                    + " from that savepoint.",
            ""
        })
public final class ClusterCommand implements Callable<Integer> {
    static final String DEFAULT_DIR = "${user.home}/.local/state/pointsman/cluster";

    @Spec CommandSpec spec;

    @Option(
            names = "--dir",
            defaultValue = DEFAULT_DIR,
            paramLabel = "DIR",
            description =
                    "Data, logs, checkpoints and the cluster's state file. Default:"
                            + " ${DEFAULT-VALUE}.")
    Path dir;

    @Option(
            names = "--brokers",
            defaultValue = "3",
            description = "Kafka nodes (each broker and controller). Default: ${DEFAULT-VALUE}.")
    int brokers;

    @Option(
            names = "--task-managers",
            defaultValue = "2",
            description = "Flink TaskManagers. Default: ${DEFAULT-VALUE}.")
    int taskManagers;

    @Option(
            names = "--slots",
            defaultValue = "2",
            description = "Task slots per TaskManager. Default: ${DEFAULT-VALUE}.")
    int slots;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description =
                    "The routing job's parallelism (at most the slots of all TaskManagers but one,"
                            + " so that it survives losing one). Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--embed-workers",
            defaultValue = "2",
            description =
                    "Embed workers (0: queries must come pre-embedded). Default: ${DEFAULT-VALUE}.")
    int embedWorkers;

    @Option(
            names = "--streams-apps",
            defaultValue = "2",
            description =
                    "Streams-app instances (API, dashboard, feedback join, metrics). Default: ${DEFAULT-VALUE}.")
    int streamsApps;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description =
                    "The first streams app's API port; the next ones take the ports after it."
                            + " Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        LoopbackCluster cluster =
                LoopbackCluster.start(
                        new LoopbackCluster.Settings(
                                dir,
                                brokers,
                                taskManagers,
                                slots,
                                parallelism,
                                embedWorkers,
                                streamsApps,
                                httpPort,
                                true,
                                b -> b,
                                List.of()),
                        System.err);
        print(cluster.state());
        return 0;
    }

    private void print(ClusterState state) {
        var out = spec.commandLine().getOut();
        out.println("Pointsman cluster up (state in " + dir.resolve(ClusterState.FILE) + ")");
        out.println("  Kafka       " + state.bootstrap() + "  (" + state.replicationText() + ")");
        out.println("  Flink       http://" + state.flink() + "/  job " + state.job());
        for (int port : state.http()) {
            out.println("  API         http://127.0.0.1:" + port + "/  (dashboard, /v1/route)");
        }
        out.println("  logs        " + dir.resolve("log") + ", " + dir.resolve("flink/log"));
        out.println("Next:");
        out.println(
                "  bin/pointsman pool declare --bootstrap "
                        + state.bootstrap()
                        + " --file docs/examples/pool.json");
        out.println("  bin/pointsman cluster down" + (isDefaultDir() ? "" : " --dir " + dir));
        out.flush();
    }

    private boolean isDefaultDir() {
        return dir.equals(
                Path.of(System.getProperty("user.home"), ".local/state/pointsman/cluster"));
    }

    /** {@code pointsman cluster down}: stops the job with a savepoint, then every process. */
    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description =
                    "Stops the cluster `pointsman cluster` started: the routing job with a"
                            + " savepoint (under DIR/checkpoints/savepoints), then every process,"
                            + " newest first.")
    static final class Down implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = "--dir",
                defaultValue = DEFAULT_DIR,
                paramLabel = "DIR",
                description = "The cluster's directory. Default: ${DEFAULT-VALUE}.")
        Path dir;

        @Override
        public Integer call() throws Exception {
            ClusterState state = ClusterState.read(dir);
            if (state == null) {
                throw new IllegalArgumentException("no cluster was started from " + dir);
            }
            String savepoint = state.stopJob();
            if (savepoint != null) {
                spec.commandLine().getOut().println("routing job stopped; savepoint " + savepoint);
            }
            List<String> stopped = new ArrayList<>(state.stopAll(System.err));
            spec.commandLine().getOut().println("stopped " + String.join(", ", stopped));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}

package dev.pointsman.cli;

import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.flink.job.JobSettings;
import picocli.CommandLine.Option;

/** {@code --router}: what the commands that declare a pool write into its catalog. */
final class RouterOption {
    @Option(
            names = "--router",
            paramLabel = "NAME",
            description =
                    "The pool's router: knn-K, knn-K-weighted (K at most the job's k),"
                            + " knn-shrunk, global-trend, linear, mlp, linear-mf or mlp-mf."
                            + " Default: ${DEFAULT-VALUE}, the best on mixed traffic (README,"
                            + " Results).")
    String router = JobSettings.ROUTER.defaultValue();

    /** The router, checked; an unknown name is an error naming the option. */
    String name() {
        try {
            return RouterSpec.parseLive(router).name();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--router: " + e.getMessage(), e);
        }
    }
}

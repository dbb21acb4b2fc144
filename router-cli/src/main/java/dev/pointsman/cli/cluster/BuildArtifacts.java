package dev.pointsman.cli.cluster;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Where the pieces the CLI starts in other JVMs were built: the streams app's jar, the job jar and
 * Flink's runtime jars. A system property names each ({@code bin/pointsman} and the tests set
 * them); without it, the path beside this build's modules.
 */
public final class BuildArtifacts {
    private BuildArtifacts() {}

    /** {@code pointsman-streams.jar}. */
    public static Path streamsJar() {
        return locate("pointsman.streams.jar", "streams-app/target/pointsman-streams.jar");
    }

    /** {@code pointsman-job.jar}, the routing job as a Flink cluster takes it. */
    public static Path jobJar() {
        return locate("pointsman.job.jar", "flink-jobs/target/pointsman-job.jar");
    }

    /** The directory of Flink's runtime jars a standalone cluster runs on. */
    public static Path flinkLib() {
        return locate("pointsman.flink.lib", "flink-cluster/target/lib");
    }

    private static Path locate(String property, String fromRoot) {
        String configured = System.getProperty(property);
        if (configured != null) {
            return Path.of(configured);
        }
        try {
            Path self =
                    Path.of(
                            BuildArtifacts.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            // self is router-cli/target/pointsman.jar or router-cli/target/classes: up to the root
            return self.getParent().getParent().getParent().resolve(fromRoot);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

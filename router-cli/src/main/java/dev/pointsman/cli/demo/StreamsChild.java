package dev.pointsman.cli.demo;

import dev.pointsman.cli.cluster.BuildArtifacts;
import dev.pointsman.cli.cluster.JvmProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The streams app as a child JVM ({@code pointsman-streams.jar}): Kafka Streams' RocksDB and
 * Flink's cannot share a JVM. Its output goes to a log file.
 */
public final class StreamsChild implements AutoCloseable {
    /** The streams app jar's entry class (its manifest names the same). */
    private static final String MAIN = "dev.pointsman.streams.StreamsMain";

    private final JvmProcess process;
    private final int port;

    private StreamsChild(JvmProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Where the jar is: {@code -Dpointsman.streams.jar}, else next to this build's modules. */
    public static Path locateJar() {
        return BuildArtifacts.streamsJar();
    }

    /** Starts the app and waits until its {@code /healthz} answers 200. */
    public static StreamsChild start(Path jar, List<String> args, int port, Path log)
            throws IOException, InterruptedException {
        return start(jar, args, port, log, false);
    }

    /** {@link #start}; {@code detached}: the app outlives this program ({@link JvmProcess}). */
    public static StreamsChild start(
            Path jar, List<String> args, int port, Path log, boolean detached)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "the streams app is not built: "
                            + jar
                            + " is missing (run: mvn -B -q -pl streams-app -am package"
                            + " -DskipTests, or use bin/pointsman, which builds it)");
        }
        requireFree(port);
        List<String> all = new ArrayList<>(args);
        all.add("--http-port");
        all.add(Integer.toString(port));
        // the jar's manifest puts its lib/ on the classpath, as java -jar would
        StreamsChild child =
                new StreamsChild(
                        JvmProcess.start(
                                "the streams app",
                                jar.toString(),
                                List.of("-Xmx1g"),
                                MAIN,
                                all,
                                log,
                                detached),
                        port);
        child.awaitHealthy(Duration.ofSeconds(120));
        return child;
    }

    /**
     * Fails, naming the option, when something already listens on {@code port}: the health check
     * would otherwise be answered by that other process (say, a streams app left over from an
     * earlier run) while this one could not bind, and the run would go on without its metrics.
     */
    static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the streams app's HTTP port "
                            + port
                            + " is in use (another streams app still running?); choose a free one"
                            + " with --http-port");
        }
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            process.checkAlive();
            try {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/healthz"))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                "the streams app did not become healthy within "
                        + timeout
                        + "; see "
                        + process.log());
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public Path log() {
        return process.log();
    }

    /** SIGKILL: the app gets no chance to close anything, as when its machine dies. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGTERM, so that the app closes Kafka Streams cleanly; SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}

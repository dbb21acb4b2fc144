package dev.pointsman.cli.demo;

import dev.pointsman.cli.cluster.BuildArtifacts;
import dev.pointsman.cli.cluster.JvmProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The streams app as a child JVM ({@code pointsman-streams.jar}): Kafka Streams' RocksDB and
 * Flink's cannot share a JVM. Its output goes to a log file.
 */
public final class StreamsChild implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private StreamsChild(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
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
        List<String> command = new ArrayList<>(JvmProcess.javaCommand(detached));
        command.addAll(List.of("-Xmx1g", "-jar", jar.toString()));
        command.addAll(args);
        command.add("--http-port");
        command.add(Integer.toString(port));
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        StreamsChild child = new StreamsChild(process, log, port);
        child.awaitHealthy(Duration.ofSeconds(120));
        return child;
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the streams app exited with status "
                                + process.exitValue()
                                + "; its log ("
                                + log
                                + ") ends with:\n"
                                + tail());
            }
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
                "the streams app did not become healthy within " + timeout + "; see " + log);
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /** SIGKILL: the app gets no chance to close anything, as when its machine dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, so that the app closes Kafka Streams cleanly; SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}

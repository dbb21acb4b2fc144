package dev.pointsman.cli.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service in its own JVM, on this machine's Java, with its output in a log file: what a cluster
 * on loopback is made of. {@link #kill} is {@code kill -9} (no shutdown hook runs), for fault
 * tests.
 */
public final class JvmProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private JvmProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} on {@code classpath} (a directory of jars, or jars, joined with the
     * path separator).
     */
    public static JvmProcess start(
            String name,
            String classpath,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Path log)
            throws IOException {
        return start(name, classpath, jvmOptions, mainClass, args, log, false);
    }

    /**
     * {@link #start}, and with {@code detached} in a session of its own ({@code setsid}), so that
     * it outlives this program and a Ctrl-C in its terminal: the services of {@code pointsman
     * cluster}, which {@code pointsman cluster down} stops.
     */
    public static JvmProcess start(
            String name,
            String classpath,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Path log,
            boolean detached)
            throws IOException {
        List<String> command = javaCommand(detached);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        Files.createDirectories(log.getParent());
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!detached) {
            // A child that is not detached ends with this program, however it ends (SIGTERM from
            // a script included): one left behind would hold its ports for the next run.
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(process::destroy, name + "-stop-with-parent"));
        }
        return new JvmProcess(name, process, log);
    }

    /**
     * This machine's {@code java}, in a session of its own ({@code setsid}) when {@code detached}:
     * the start of every child JVM's command line.
     */
    public static List<String> javaCommand(boolean detached) {
        List<String> command = new ArrayList<>();
        if (detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return command;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Fails, with the end of its log, when the process has exited. */
    public void checkAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException(
                    name
                            + " exited with status "
                            + process.exitValue()
                            + "; its log ("
                            + log
                            + ") ends with:\n"
                            + tail(20));
        }
    }

    /** The last {@code n} lines of its log. */
    public String tail(int n) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** SIGKILL: the process gets no chance to clean up, as when a machine dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, and SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}

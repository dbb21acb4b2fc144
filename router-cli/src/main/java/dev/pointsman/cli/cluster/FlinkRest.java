package dev.pointsman.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The few calls of a Flink cluster's REST API that Pointsman needs: upload the job jar, run it,
 * follow the job, stop it with a savepoint. Plain HTTP and JSON, so that submitting needs no Flink
 * client on the caller's side and works the same against any session cluster, local or remote.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A client of the JobManager whose REST endpoint is {@code hostPort} ({@code HOST:PORT}). */
    public FlinkRest(String hostPort) {
        if (!hostPort.matches("[^:/\\s]+:\\d{1,5}")) {
            throw new IllegalArgumentException(
                    "--jobmanager must be HOST:PORT of the JobManager's REST endpoint, got '"
                            + hostPort
                            + "'");
        }
        this.base = URI.create("http://" + hostPort + "/");
    }

    public String address() {
        return base.getAuthority();
    }

    /** What the cluster has: {@code taskmanagers}, {@code slots-total}, {@code slots-available}. */
    public JsonNode overview() throws IOException, InterruptedException {
        return get("overview");
    }

    /** Uploads {@code jar} and returns the id the cluster gave it. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "pointsman-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\";"
                                + " filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer =
                send(
                        HttpRequest.newBuilder(base.resolve("jars/upload"))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                                .timeout(Duration.ofMinutes(2))
                                .build());
        String file = answer.path("filename").asText("");
        if (file.isEmpty()) {
            throw new IllegalStateException("the cluster did not take the jar: " + answer);
        }
        return Path.of(file).getFileName().toString();
    }

    /**
     * Runs {@code entryClass} of an uploaded jar with {@code args} and returns the job's id.
     *
     * @param savepoint a savepoint or retained checkpoint to restore from, or null
     */
    public String run(
            String jarId,
            String entryClass,
            List<String> args,
            int parallelism,
            @Nullable String savepoint)
            throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        request.put("entryClass", entryClass);
        request.set("programArgsList", JSON.valueToTree(args));
        request.put("parallelism", parallelism);
        if (savepoint != null) {
            request.put("savepointPath", savepoint);
            request.put("allowNonRestoredState", false);
        }
        JsonNode answer = post("jars/" + jarId + "/run", request, Duration.ofMinutes(2));
        String job = answer.path("jobid").asText("");
        if (job.isEmpty()) {
            throw new IllegalStateException("the cluster did not start the job: " + answer);
        }
        return job;
    }

    /** The job's state: CREATED, RUNNING, RESTARTING, FAILED, CANCELED, FINISHED… */
    public String state(String job) throws IOException, InterruptedException {
        return get("jobs/" + job).path("state").asText("UNKNOWN");
    }

    /** Whether the job and every task of it are running (sources are reading). */
    public boolean allRunning(String job) throws IOException, InterruptedException {
        JsonNode details = get("jobs/" + job);
        if (!"RUNNING".equals(details.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : details.path("vertices")) {
            if (!"RUNNING".equals(vertex.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Waits until {@link #allRunning}; fails at once if the job ends. */
    public void awaitRunning(String job, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allRunning(job)) {
            String state = state(job);
            if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                throw new IllegalStateException(
                        "job " + job + " is " + state + ": " + failure(job));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "job " + job + " is not running after " + timeout + " (" + state + ")");
            }
            Thread.sleep(200);
        }
    }

    /** How many failures the job has recovered from (or is recovering from). */
    public int failures(String job) throws IOException, InterruptedException {
        return get("jobs/" + job + "/exceptions").path("exceptionHistory").path("entries").size();
    }

    /** The root exception of the job's last failure, or an empty string. */
    public String failure(String job) throws IOException, InterruptedException {
        return get("jobs/" + job + "/exceptions").path("root-exception").asText("");
    }

    /**
     * Stops the job with a savepoint (sources stop, a last savepoint is taken, sinks commit) and
     * returns where it is once the job has ended.
     *
     * @param directory where the savepoint goes; null for the cluster's {@code
     *     execution.checkpointing.savepoint-dir}
     */
    public String stopWithSavepoint(String job, @Nullable String directory, Duration timeout)
            throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        request.put("drain", false);
        request.put("formatType", "CANONICAL");
        if (directory != null) {
            request.put("targetDirectory", directory);
        }
        String trigger =
                post("jobs/" + job + "/stop", request, Duration.ofSeconds(30))
                        .path("request-id")
                        .asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("jobs/" + job + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.hasNonNull("failure-cause")) {
                    throw new IllegalStateException(
                            "the savepoint failed: "
                                    + operation.path("failure-cause").path("stack-trace").asText());
                }
                // the savepoint is reported before the job has wound down; callers expect it gone
                while (!List.of("FINISHED", "CANCELED", "FAILED").contains(state(job))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                return operation.path("location").asText();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no savepoint of job " + job + " within " + timeout);
    }

    /** Cancels the job without a savepoint (its retained checkpoints stay). */
    public void cancel(String job) throws IOException, InterruptedException {
        send(
                HttpRequest.newBuilder(base.resolve("jobs/" + job + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(30))
                        .build());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build());
    }

    private JsonNode post(String path, JsonNode body, Duration timeout)
            throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .timeout(timeout)
                        .build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException(
                    "no Flink JobManager answers at " + base.getAuthority() + " (" + e + ")", e);
        }
        JsonNode body =
                response.body().isBlank()
                        ? JSON.createObjectNode()
                        : JSON.readTree(response.body());
        if (response.statusCode() / 100 != 2) {
            // Flink answers {"errors": [...]}, the first a message, the rest a stack trace
            JsonNode errors = body.path("errors");
            String reason =
                    errors.isArray() && !errors.isEmpty()
                            ? errors.get(0).asText()
                            : body.toString();
            throw new IOException(
                    "Flink at "
                            + base.getAuthority()
                            + " answered "
                            + response.statusCode()
                            + " to "
                            + request.method()
                            + " /"
                            + base.relativize(request.uri())
                            + ": "
                            + firstLines(reason, 6));
        }
        return body;
    }

    private static String firstLines(String text, int n) {
        String[] lines = text.split("\n");
        return String.join(
                "\n", java.util.Arrays.asList(lines).subList(0, Math.min(n, lines.length)));
    }
}

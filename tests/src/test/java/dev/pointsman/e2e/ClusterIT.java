package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.cli.CliRun;
import dev.pointsman.cli.cluster.ClusterState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pointsman cluster} as a user runs it: 3 Kafka nodes, a Flink session cluster running the
 * submitted job jar, an embed worker and a streams app, every one its own JVM. Queries routed over
 * HTTP pass through all of them; a Kafka node killed with SIGKILL loses nothing a query needs
 * (topics keep 3 replicas, 2 in sync); {@code cluster down} stops the job with a savepoint and
 * leaves no process behind.
 */
class ClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aClusterOnLoopbackRoutesThroughEveryPartAndOutlivesAKilledBroker() throws Exception {
        int port = E2e.freePort();
        CliRun up =
                cli(
                        "cluster",
                        "--dir",
                        dir.toString(),
                        "--embed-workers",
                        "1",
                        "--streams-apps",
                        "1",
                        "--http-port",
                        Integer.toString(port));
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(up.out()).contains("3 replicas, 2 in sync").contains("127.0.0.1:" + port);
        ClusterState state = ClusterState.read(dir);
        assertThat(state.pids()).hasSize(3 + 3 + 1 + 1);

        Path pool = dir.resolve("pool.json");
        Files.writeString(
                pool,
                "{\"pool\": \"it\", \"models\": ["
                        + "{\"name\": \"big\", \"inputPricePerMillion\": 5,"
                        + " \"outputPricePerMillion\": 15},"
                        + "{\"name\": \"small\", \"inputPricePerMillion\": 0.1,"
                        + " \"outputPricePerMillion\": 0.4}]}");
        CliRun declare =
                cli("pool", "declare", "--bootstrap", state.bootstrap(), "--file", pool.toString());
        assertThat(declare.exit()).as(declare.err()).isZero();

        for (int i = 0; i < 3; i++) {
            assertThat(route(port, "before " + i).path("model").asText()).isIn("big", "small");
        }
        ProcessHandle.of(state.pid("Kafka node 1")).orElseThrow().destroyForcibly();
        for (int i = 0; i < 3; i++) {
            JsonNode decision = route(port, "after " + i);
            assertThat(decision.path("model").asText()).isIn("big", "small");
            assertThat(decision.path("predictions")).hasSize(2);
        }

        CliRun down = cli("cluster", "down", "--dir", dir.toString());
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(down.out()).contains("savepoint file:" + dir.resolve("checkpoints/savepoints"));
        assertThat(state.pids())
                .allSatisfy(
                        pid ->
                                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                                        .as("pid " + pid)
                                        .isNotEqualTo(java.util.Optional.of(true)));
        assertThat(dir.resolve(ClusterState.FILE)).doesNotExist();
    }

    @AfterEach
    void stopWhatIsLeft() throws Exception {
        ClusterState left = ClusterState.read(dir);
        if (left != null) {
            left.stopAll(System.err);
        }
    }

    /** A decision through {@code /v1/route}, waiting up to 60 s (a broker may be failing over). */
    private JsonNode route(int port, String text) throws Exception {
        HttpResponse<String> r = post(port, text);
        // the app takes the catalog up from router.catalog a moment after it is declared
        for (int i = 0; i < 120 && r.statusCode() == 404; i++) {
            Thread.sleep(250);
            r = post(port, text);
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> post(int port, String text) throws Exception {
        return http.send(
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://127.0.0.1:" + port + "/v1/route?timeoutMs=60000"))
                        .timeout(Duration.ofSeconds(90))
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"pool\": \"it\", \"text\": \"" + text + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static CliRun cli(String... args) {
        return CliRun.execute(args);
    }
}

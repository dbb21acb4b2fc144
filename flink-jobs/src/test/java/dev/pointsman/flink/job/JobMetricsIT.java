package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job started as {@code pointsman route} starts it (its own local cluster, not the ITs' shared
 * one) with {@code --metrics-port}: Flink's Prometheus reporter serves the job's own metrics.
 */
class JobMetricsIT {
    @TempDir Path dir;

    @Test
    void theJobsMetricsAreServedInThePrometheusFormat() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        int metricsPort = port;
        try (RouterTestKit kit = new RouterTestKit(dir)) {
            JobClient job =
                    kit.start(
                            dir.resolve("checkpoints"),
                            null,
                            "metrics-router",
                            s -> s.metricsPort(metricsPort));
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest scrape =
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                .timeout(Duration.ofSeconds(5))
                                .build();
                String body = "";
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (!body.contains("routerVersion") && System.nanoTime() < deadline) {
                    try {
                        body = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
                    } catch (java.io.IOException notYet) {
                        // the reporter starts with the task manager
                    }
                    if (!body.contains("routerVersion")) {
                        Thread.sleep(500);
                    }
                }
                assertThat(body)
                        .contains("# TYPE flink_taskmanager_job_task_operator_routerVersion gauge")
                        .contains("job_name=\"metrics_router\"");
            } finally {
                job.cancel().get();
            }
        }
    }
}

package dev.pointsman.embed.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    @Test
    void servesCountersAndTheCpuFallbackReasonOverHttp() throws Exception {
        WorkerMetrics metrics = new WorkerMetrics();
        metrics.recordBatch(8, 1_000_000_000L);
        metrics.recordBatch(4, 1_000_000_000L);
        metrics.deadLettered.addAndGet(3);
        try (MetricsEndpoint endpoint =
                new MetricsEndpoint(
                        "127.0.0.1",
                        0,
                        metrics,
                        "all-minilm-l6-v2/tail/128",
                        false,
                        "CUDA execution provider unavailable: \"libcudart.so.12\" missing")) {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + endpoint.port()
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            String body = response.body();
            String labels = "{embedder=\"all-minilm-l6-v2/tail/128\"}";
            assertThat(body)
                    .contains("pointsman_embed_embedded_total" + labels + " 12.0\n")
                    .contains("pointsman_embed_dead_lettered_total" + labels + " 3.0\n")
                    .contains("pointsman_embed_batches_total" + labels + " 2.0\n")
                    .contains("pointsman_embed_batch_size" + labels + " 4.0\n")
                    .contains("pointsman_embed_batch_size_max" + labels + " 8.0\n")
                    .contains("pointsman_embed_embeddings_per_second" + labels + " 6.0\n")
                    .contains(
                            "pointsman_embed_cuda{device=\"cpu\","
                                    + "embedder=\"all-minilm-l6-v2/tail/128\","
                                    + "reason=\"CUDA execution provider"
                                    + " unavailable: \\\"libcudart.so.12\\\" missing\"} 0.0\n")
                    .contains("# TYPE pointsman_embed_embedded_total counter");
            // What docker-compose.yml's Grafana dashboard and alerting rules query is exported.
            Path deploy = Path.of("..", "deploy");
            Matcher used =
                    Pattern.compile("\\bpointsman_embed_[a-z_]+")
                            .matcher(
                                    Files.readString(
                                                    deploy.resolve(
                                                            "grafana/dashboards/pointsman.json"))
                                            + Files.readString(deploy.resolve("alerts.yml")));
            int queried = 0;
            while (used.find()) {
                queried++;
                assertThat(body).containsPattern("(?m)^# TYPE " + used.group() + " ");
            }
            assertThat(queried).isPositive();
        }
    }
}

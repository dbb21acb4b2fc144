package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.RoutingDecision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts that act: live windows on router.metrics in which the pool's router stays below the global
 * trend make the job route by the trend, say so on router.alerts, and return once the router beats
 * the trend again.
 */
class FallbackIT {
    private static final String POOL = "referee";
    private static final Map<String, double[]> TREND =
            Map.of("big", new double[] {0.2, 0.01}, "small", new double[] {0.8, 0.001});

    @RegisterExtension static final MiniClusterExtension FLINK = RouterTestKit.miniCluster();

    @TempDir Path dir;

    @Test
    void aRouterBelowTheTrendForTwoWindowsFallsBackAndComesBack() throws Exception {
        try (RouterTestKit kit = new RouterTestKit(dir)) {
            JobClient job = kit.start(dir.resolve("checkpoints"), null, "fallback");
            try {
                kit.catalog(
                        POOL,
                        Map.of("exploration", "0", "fallback.windows", "2"),
                        RouterTestKit.model("big", null),
                        RouterTestKit.model("small", null));
                kit.bigAndSmallExamples(POOL, 10);
                kit.awaitSupport(POOL, 10);
                assertThat(probe(kit, "before").getModel()).isEqualTo("big");

                // One window below does not act; a window of another router does not count.
                kit.window(POOL, "knn-5", 10_000, 70, 80, TREND);
                kit.window(POOL, "linear", 20_000, 70, 80, TREND);
                assertThat(probe(kit, "one-below").getFallback()).isNull();
                kit.window(POOL, "knn-5", 30_000, 72, 80, TREND);
                RoutingDecision fellBack = awaitFallback(kit, true);
                assertThat(fellBack.getModel()).isEqualTo("small"); // the trend's choice
                assertThat(fellBack.getRouter()).isEqualTo("knn-5");
                assertThat(fellBack.getPredictions().get(0).getScore())
                        .as("still the router's ŝ of big")
                        .isEqualTo(0.9);

                kit.window(POOL, "knn-5", 40_000, 85, 80, TREND);
                kit.window(POOL, "knn-5", 50_000, 86, 80, TREND);
                RoutingDecision back = awaitFallback(kit, false);
                assertThat(back.getModel()).isEqualTo("big");

                List<Alert> alerts = kit.alerts(2, Duration.ofSeconds(60));
                assertThat(alerts)
                        .extracting(Alert::getKind)
                        .containsExactly("fallback/knn-5", "recovered/knn-5");
                assertThat(alerts.get(0).getValue()).isEqualTo(-8.0);
                assertThat(alerts.get(0).getWindowEnd().toEpochMilli()).isEqualTo(30_000);
                assertThat(alerts.get(1).getValue()).isEqualTo(6.0);
            } finally {
                job.cancel().get();
            }
        }
    }

    private static int probes;

    private static RoutingDecision probe(RouterTestKit kit, String name) throws Exception {
        List<String> id = kit.queries(POOL, name + "-" + probes++ + "-", 1);
        return kit.readOne(id.get(0));
    }

    /** Probes until a decision's fallback is {@code active}. */
    private static RoutingDecision awaitFallback(RouterTestKit kit, boolean active)
            throws Exception {
        for (int i = 0; i < 60; i++) {
            RoutingDecision d = probe(kit, "probe");
            if (d != null && (d.getFallback() != null) == active) {
                return d;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("decisions never turned fallback " + active);
    }
}

package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.core.vector.Vectors;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.RoutingDecision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pool configured with a trained router: the trainer refits it from the feedback stream and the
 * deciders switch to the newest version. linear learns the outcome function; knn-shrunk shrinks the
 * neighbours' estimate toward the pool's trend.
 */
class TrainerIT {
    private static final String POOL = "trained";

    @RegisterExtension static final MiniClusterExtension FLINK = RouterTestKit.miniCluster();

    @TempDir Path dir;

    /** The true quality of "big" for a vector: linear in its first unit component. */
    private static double truth(float[] v) {
        return 0.5 + 0.4 * Vectors.l2Normalized(v)[0];
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "knn-shrunk"})
    void decisionsSwitchToTheNewestTrainedVersion(String router) throws Exception {
        try (RouterTestKit kit = new RouterTestKit(dir)) {
            JobClient job =
                    kit.start(
                            dir.resolve("checkpoints"),
                            null,
                            "trainer-router",
                            s -> s.training(1_000, 100, Duration.ofMinutes(10)));
            try {
                kit.catalog(
                        POOL,
                        Map.of("router", router, "exploration", "0"),
                        RouterTestKit.model("big", null),
                        RouterTestKit.model("small", null));
                for (int i = 0; i < 300; i++) {
                    float[] v = kit.vector();
                    kit.example(
                            POOL,
                            "x" + i,
                            v,
                            i,
                            Map.of(
                                    "big", new ObservedOutcome(truth(v), 0.01, 1.0, null),
                                    "small", new ObservedOutcome(0.5, 0.001, 1.0, null)));
                }
                kit.producer.flush();
                // Five fits as the window grows by half (30, 60, 90, 135, 202 examples), then,
                // once the feed has been quiet for Trainer.QUIET_MS, a sixth on all 300: a pool
                // whose feed stops is not left with a fit on two thirds of it. Wait for the sixth.
                RoutingDecision last = null;
                for (int probe = 0; probe < 100; probe++) {
                    List<String> id = kit.queries(POOL, "probe" + probe + "-", 1);
                    last = kit.readOne(id.get(0));
                    if (last != null && last.getRouterVersion() == 6) {
                        break;
                    }
                    Thread.sleep(300);
                }
                assertThat(last.getRouter()).isEqualTo(router);
                assertThat(last.getRouterVersion()).isEqualTo(6);

                List<float[]> vectors = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    vectors.add(kit.vector());
                }
                List<String> ids = kit.queries(POOL, "q", vectors);
                Map<String, RoutingDecision> decisions =
                        kit.read(ids, Duration.ofSeconds(60), new HashMap<>());
                double error = 0;
                for (int i = 0; i < ids.size(); i++) {
                    RoutingDecision d = decisions.get(ids.get(i));
                    assertThat(d.getRouter()).isEqualTo(router);
                    ModelPrediction big = d.getPredictions().get(0);
                    assertThat(big.getModel()).isEqualTo("big");
                    error += Math.abs(big.getScore() - truth(vectors.get(i)));
                    if (router.equals("knn-shrunk")) {
                        // Every neighbour and the trend saw "small" score 0.5: so does the
                        // shrunk estimate, exactly, whatever k and α were chosen.
                        assertThat(d.getPredictions().get(1).getScore()).isEqualTo(0.5);
                        assertThat(d.getNeighbours()).hasSize(5);
                    }
                }
                if (router.equals("linear")) {
                    assertThat(error / ids.size())
                            .as("mean absolute error of ŝ(big)")
                            .isLessThan(0.05);
                }
            } finally {
                job.cancel().get();
            }
        }
    }
}

package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.RoutingDecision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Models join and leave a pool at run time through router.catalog. */
class CatalogIT {
    private static final String POOL = "catalog";

    @RegisterExtension static final MiniClusterExtension FLINK = RouterTestKit.miniCluster();

    @TempDir Path dir;

    @Test
    void anAddedModelIsExploredAndARemovedOneIsNeverChosen() throws Exception {
        try (RouterTestKit kit = new RouterTestKit(dir)) {
            JobClient job = kit.start(dir.resolve("checkpoints"), null, "catalog-router");
            try {
                kit.catalog(
                        POOL,
                        Map.of("exploration", "0"),
                        RouterTestKit.model("big", null),
                        RouterTestKit.model("small", null));
                kit.bigAndSmallExamples(POOL, 20);
                kit.awaitSupport(POOL, 20);
                List<String> before = kit.queries(POOL, "before", 20);
                Map<String, RoutingDecision> first =
                        kit.read(before, Duration.ofSeconds(60), new HashMap<>());
                assertThat(before)
                        .allSatisfy(id -> assertThat(first.get(id).getModel()).isEqualTo("big"));

                // "fresh" joins with a low prior and a 50% exploration share; "big" leaves.
                kit.catalog(
                        POOL,
                        Map.of("exploration", "0.5"),
                        RouterTestKit.model("small", null),
                        RouterTestKit.model("fresh", 0.1));
                awaitCatalogWith(kit, "fresh");
                List<String> after = kit.queries(POOL, "after", 40);
                Map<String, RoutingDecision> second =
                        kit.read(after, Duration.ofSeconds(60), new HashMap<>());
                long explored = 0;
                for (String id : after) {
                    RoutingDecision d = second.get(id);
                    // Nobody observed "fresh" yet: the user gets "small", and "fresh" is asked
                    // too with at least the pool's share (more while the pool's mean
                    // uncertainty, at the floor before "fresh" came, catches up:
                    // Exploration.Budget).
                    assertThat(d.getModel()).isEqualTo("small");
                    assertThat(d.getPredictions())
                            .extracting(ModelPrediction::getModel)
                            .containsExactly("fresh", "small");
                    assertThat(d.getExploreProbability()).isBetween(0.5, 1.0);
                    if (d.getExplore()) {
                        explored++;
                        assertThat(d.getExploreModels()).containsExactly("fresh");
                    }
                }
                assertThat(explored).isGreaterThanOrEqualTo(15L);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Probes until decisions are made with a catalog that lists {@code model}. */
    private static void awaitCatalogWith(RouterTestKit kit, String model) throws Exception {
        for (int i = 0; i < 60; i++) {
            List<String> id = kit.queries(POOL, "catalog-probe" + i + "-", 1);
            RoutingDecision d = kit.readOne(id.get(0));
            if (d != null
                    && d.getPredictions().stream().anyMatch(p -> p.getModel().equals(model))) {
                return;
            }
        }
        throw new AssertionError("decisions never saw " + model);
    }
}

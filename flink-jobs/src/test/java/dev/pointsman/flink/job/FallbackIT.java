package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
 * the trend again; a challenger measured on the same queries that beats the router is promoted.
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

    @Test
    void aChallengerThatBeatsTheRouterForTwoWindowsIsPromotedAndDecides() throws Exception {
        try (RouterTestKit kit = new RouterTestKit(dir)) {
            JobClient job =
                    kit.start(
                            dir.resolve("checkpoints"),
                            null,
                            "challenge",
                            s -> s.training(1_000, 100, Duration.ofMinutes(10)));
            try {
                kit.catalog(
                        POOL,
                        Map.of(
                                "router",
                                "knn-shrunk",
                                "exploration",
                                "0",
                                "fallback.windows",
                                "2",
                                "shrink.prior",
                                "live-trend"),
                        RouterTestKit.model("big", null),
                        RouterTestKit.model("small", null));
                kit.bigAndSmallExamples(POOL, 40);
                kit.awaitSupport(POOL, 40);
                RoutingDecision trained = awaitRouter(kit, "knn-shrunk");
                assertThat(trained.getChallengers()).as("no live trend yet").isEmpty();

                // The live trend arrives with the router's first window: its challenger is the
                // trained trend, measured on the same queries. It wins two windows in a row.
                kit.window(POOL, "knn-shrunk", 10_000, 70, 60, TREND);
                kit.window(POOL, "knn-shrunk@trained-trend", 10_000, 75, 60, TREND);
                kit.window(POOL, "knn-shrunk@trained-trend", 20_000, 74, 60, TREND);
                kit.window(POOL, "knn-shrunk", 20_000, 71, 60, TREND);
                RoutingDecision promoted = awaitChallenger(kit, "knn-shrunk@live-trend");
                assertThat(promoted.getRouter()).isEqualTo("knn-shrunk");
                // It decides with the trained trend now (big's 0.9, the neighbours' own), the live
                // trend (big 0.2) only challenges.
                assertThat(promoted.getPredictions().get(0).getScore())
                        .isCloseTo(0.9, within(1e-9));
                assertThat(promoted.getChallengers().get(0).getPredictions().get(0).getScore())
                        .isLessThan(0.9);
                assertThat(trained.getPredictions().get(0).getScore()).isCloseTo(0.9, within(1e-9));

                List<Alert> alerts = kit.alerts(1, Duration.ofSeconds(60));
                assertThat(alerts)
                        .extracting(Alert::getKind)
                        .containsExactly("promoted/knn-shrunk@trained-trend");
                assertThat(alerts.get(0).getValue()).isEqualTo(74.0);
                assertThat(alerts.get(0).getWindowEnd().toEpochMilli()).isEqualTo(20_000);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Probes until a decision is made by {@code router}. */
    private static RoutingDecision awaitRouter(RouterTestKit kit, String router) throws Exception {
        for (int i = 0; i < 120; i++) {
            RoutingDecision d = probe(kit, "router");
            if (d != null && d.getRouter().equals(router)) {
                return d;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no decision by " + router);
    }

    /** Probes until a decision lists {@code challenger} as its challenger. */
    private static RoutingDecision awaitChallenger(RouterTestKit kit, String challenger)
            throws Exception {
        for (int i = 0; i < 60; i++) {
            RoutingDecision d = probe(kit, "challenger");
            if (d != null
                    && !d.getChallengers().isEmpty()
                    && d.getChallengers().get(0).getRouter().equals(challenger)) {
                return d;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no decision challenged by " + challenger);
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

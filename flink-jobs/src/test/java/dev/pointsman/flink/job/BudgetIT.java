package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.RoutingDecision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool's spend held to its budget by the job's pacer, through a catalog price change: queries are
 * answered as a gateway would (the chosen model's outcome, at the price of the moment, on
 * router.feedback), in rounds of {@value #ROUND} queries.
 */
class BudgetIT {
    private static final int ROUND = 5;
    private static final int ROUNDS = 24;

    /** $5 per 1,000 queries: between small's $1 and big's $10 (then $20). */
    private static final double BUDGET = 0.005;

    @RegisterExtension static final MiniClusterExtension FLINK = RouterTestKit.miniCluster();

    @TempDir Path dir;

    private record Phase(
            double meanPaid, double bigShare, double meanLambda, double predictedBig) {}

    @Test
    void thePacerHoldsTheSpendToTheBudgetThroughAPriceRiseAndSaysWhenABudgetCannotBeMet()
            throws Exception {
        try (RouterTestKit kit = new RouterTestKit(dir)) {
            JobClient job = kit.start(dir.resolve("checkpoints"), null, "budget");
            try {
                Map<String, String> paced =
                        Map.of(
                                "exploration",
                                "0",
                                "budget.per-1k-queries",
                                "5",
                                "budget.step",
                                "0.1");
                kit.catalog("paced", paced, priced("big", 1), priced("small", 1));
                kit.catalog(
                        "tight",
                        Map.of(
                                "exploration",
                                "0",
                                "budget.per-1k-queries",
                                "0.1",
                                "budget.step",
                                "0.1"),
                        priced("big", 1),
                        priced("small", 1));
                kit.bigAndSmallExamples("paced", 10);
                kit.bigAndSmallExamples("tight", 10);
                kit.awaitSupport("paced", 10);
                kit.awaitSupport("tight", 10);

                Phase before = phase(kit, "before", 1.0);
                // The provider doubles big's price: the catalog says so, the answers cost it.
                kit.catalog("paced", paced, priced("big", 2), priced("small", 1));
                Phase after = phase(kit, "after", 2.0);

                // The integral action: a phase's mean spend is the budget up to how far log λ
                // moved over it, divided by step × answers.
                assertThat(before.meanPaid()).isCloseTo(BUDGET, within(0.3 * BUDGET));
                assertThat(after.meanPaid()).isCloseTo(BUDGET, within(0.3 * BUDGET));
                assertThat(before.bigShare()).isBetween(0.15, 0.85);
                assertThat(after.bigShare()).isLessThan(before.bigShare());
                // The quality big must add over small to be bought, λ·(ĉ big − ĉ small), rises.
                assertThat(after.meanLambda() * (after.predictedBig() - 0.001))
                        .isGreaterThan(before.meanLambda() * (before.predictedBig() - 0.001));
                // What big's answers cost is read at today's prices from the change on: every
                // neighbour paid the old price, yet ĉ of big doubles at once (the seed examples
                // and the first phase's answers would otherwise keep it near the old 0.01).
                assertThat(before.predictedBig()).isCloseTo(0.01, within(0.001));
                assertThat(after.predictedBig()).isCloseTo(0.02, within(0.002));

                List<Alert> alerts = kit.alerts(1, Duration.ofSeconds(30));
                assertThat(alerts).extracting(Alert::getPool).containsExactly("tight");
                assertThat(alerts.get(0).getKind()).isEqualTo("budget-unreachable");
                assertThat(alerts.get(0).getThreshold()).isCloseTo(0.1, within(1e-9));
                assertThat(alerts.get(0).getValue()).isGreaterThan(0.1);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** A model whose catalog price puts its cost prior at its seed examples' cost, times factor. */
    private static CatalogModel priced(String name, double factor) {
        double perQuery = name.equals("big") ? 0.01 : 0.001;
        double price = perQuery / 750 * factor; // the default 500 + 250 tokens
        return CatalogModel.newBuilder()
                .setName(name)
                .setInputPrice(price)
                .setOutputPrice(price)
                .build();
    }

    /**
     * {@value #ROUNDS} rounds: {@value #ROUND} queries to each pool, their decisions read, the
     * chosen model's outcome sent back at big's price times {@code bigFactor}.
     */
    private static Phase phase(RouterTestKit kit, String name, double bigFactor) throws Exception {
        double paid = 0;
        int big = 0;
        double lambda = 0;
        double predictedBig = 0;
        int n = 0;
        for (int r = 0; r < ROUNDS; r++) {
            for (String pool : List.of("paced", "tight")) {
                List<float[]> vectors = new ArrayList<>();
                for (int i = 0; i < ROUND; i++) {
                    vectors.add(kit.vector());
                }
                List<String> ids = kit.queries(pool, pool + "-" + name + r + "-", vectors);
                Map<String, RoutingDecision> decisions = kit.readAll(ids);
                for (int i = 0; i < ROUND; i++) {
                    RoutingDecision d = decisions.get(ids.get(i));
                    assertThat(d).as("decision of " + ids.get(i)).isNotNull();
                    boolean isBig = d.getModel().equals("big");
                    double cost = isBig ? 0.01 * bigFactor : 0.001;
                    // Stamped with its query's event time, as the ledger does.
                    kit.example(
                            pool,
                            ids.get(i),
                            vectors.get(i),
                            d.getTs().toEpochMilli() - 1_000,
                            Map.of(
                                    d.getModel(),
                                    new ObservedOutcome(
                                            isBig ? 0.9 : 0.5,
                                            cost,
                                            1.0,
                                            predicted(d, d.getModel()))));
                    if (pool.equals("paced")) {
                        paid += cost;
                        big += isBig ? 1 : 0;
                        lambda += d.getLambda();
                        predictedBig += predicted(d, "big");
                        n++;
                    }
                }
                kit.producer.flush();
            }
        }
        return new Phase(paid / n, (double) big / n, lambda / n, predictedBig / n);
    }

    /** The decision's ĉ of {@code model} (the chosen one: as the ledger copies it). */
    private static double predicted(RoutingDecision d, String model) {
        return d.getPredictions().stream()
                .filter(p -> p.getModel().equals(model))
                .findFirst()
                .orElseThrow()
                .getCost();
    }
}

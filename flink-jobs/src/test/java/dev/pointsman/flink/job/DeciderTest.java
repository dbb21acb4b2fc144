package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.route.Exploration;
import dev.pointsman.core.route.GlobalTrend;
import dev.pointsman.core.route.KnnShrinkage;
import dev.pointsman.core.route.LinearPredictor;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.core.route.RidgeTrainer;
import dev.pointsman.core.route.TrainingSet;
import dev.pointsman.core.spend.PriceHistory;
import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.flink.support.Neighbourhood;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.RoutingDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class DeciderTest {
    /** Four neighbours that observed "big" (score 0.8, cost 0.1) and "small" (0.6, 0.01). */
    private static Neighbourhood hood(String queryId) {
        Neighbourhood n = new Neighbourhood();
        n.queryId = queryId;
        n.pool = "p";
        n.ts = 1L;
        n.shards = 1;
        n.supportSize = 4;
        n.lambda = Double.NaN;
        n.ids = new String[] {"a", "b", "c", "d"};
        n.similarities = new float[] {0.9f, 0.8f, 0.7f, 0.6f};
        n.seqs = new long[] {1, 2, 3, 4};
        n.models = new String[] {"big", "gone", "small"};
        n.scores = new double[12];
        n.costs = new double[12];
        for (int i = 0; i < 4; i++) {
            n.scores[i * 3] = 0.8;
            n.costs[i * 3] = 0.1;
            n.scores[i * 3 + 1] = 1.0; // a model the catalog no longer lists
            n.costs[i * 3 + 1] = 0.0;
            n.scores[i * 3 + 2] = 0.6;
            n.costs[i * 3 + 2] = 0.01;
        }
        return n;
    }

    private static PoolCatalog catalog(Map<String, String> defaults, CatalogModel... models) {
        return PoolCatalog.newBuilder()
                .setPool("p")
                .setModels(List.of(models))
                .setDefaults(defaults)
                .build();
    }

    /** A knn-shrunk pool of big and small, no exploration, shrinking toward {@code prior}. */
    private static PoolCatalog knnShrunk(String prior) {
        return catalog(
                Map.of("router", "knn-shrunk", "exploration", "0", "shrink.prior", prior),
                model("big", null),
                model("small", null));
    }

    private static CatalogModel model(String name, Double prior) {
        return CatalogModel.newBuilder()
                .setName(name)
                .setInputPrice(0)
                .setOutputPrice(0)
                .setPrior(prior)
                .build();
    }

    @Test
    void predictsFromNeighboursAndPriorsAndNeverChoosesARemovedModel() {
        RoutingDecision d =
                Decider.decide(
                        hood("q"),
                        Pool.of(
                                catalog(
                                        Map.of("exploration", "0"),
                                        model("small", null),
                                        model("big", null),
                                        model("fresh", 0.3))),
                        4);
        assertThat(d.getPredictions())
                .extracting(ModelPrediction::getModel)
                .containsExactly("big", "fresh", "small");
        assertThat(d.getPredictions().get(0).getScore()).isEqualTo(0.8);
        assertThat(d.getPredictions().get(0).getCost()).isEqualTo(0.1, within(1e-15));
        assertThat(d.getPredictions().get(1).getScore()).isEqualTo(0.3); // its prior
        assertThat(d.getModel()).isEqualTo("big"); // λ = 0; "gone" scored 1.0 but is not listed
        assertThat(d.getRouter()).isEqualTo("knn-4");
        assertThat(d.getNeighbours()).hasSize(4);
    }

    @Test
    void aModelNoNeighbourObservedCostsWhatItsPricesSayForATypicalQueryNotNothing() {
        CatalogModel fresh =
                CatalogModel.newBuilder()
                        .setName("fresh")
                        .setInputPrice(2e-6)
                        .setOutputPrice(8e-6)
                        .setPrior(0.9)
                        .build();
        PoolCatalog cat =
                catalog(
                        Map.of("exploration", "0", "lambda", "10", "tokens.input", "1000"),
                        model("big", null),
                        model("small", null),
                        fresh);
        RoutingDecision d = Decider.decide(hood("q"), Pool.of(cat), 4);
        // 1,000 input tokens at $2/M and the default 250 output tokens at $8/M
        assertThat(d.getPredictions().get(1).getModel()).isEqualTo("fresh");
        assertThat(d.getPredictions().get(1).getCost()).isCloseTo(0.004, within(1e-15));
        // 0.9 − 10·0.004 = 0.86 beats small's 0.5: a cost prior, not a free model
        assertThat(d.getModel()).isEqualTo("fresh");
    }

    @Test
    void aQueryBudgetLeavesOutTheModelsPredictedToCostMoreAndFallsToTheCheapest() {
        PoolCatalog cat =
                catalog(Map.of("exploration", "0"), model("big", null), model("small", null));
        Neighbourhood capped = hood("q");
        capped.budget = 0.05;
        assertThat(Decider.decide(hood("q"), Pool.of(cat), 4).getModel()).isEqualTo("big");
        assertThat(Decider.decide(capped, Pool.of(cat), 4).getModel()).isEqualTo("small");
        assertThat(Decider.choose(new double[] {0.9, 0.5}, new double[] {0.3, 0.2}, 0, 0.1))
                .isEqualTo(1);
        assertThat(Decider.choose(new double[] {0.9, 0.5}, new double[] {0.3, 0.2}, 0, Double.NaN))
                .isZero();
    }

    @Test
    void aPacedPoolDecidesWithThePacersLambdaUnlessTheQueryGivesItsOwn() {
        PoolCatalog cat =
                catalog(
                        Map.of("exploration", "0", "budget.per-1k-queries", "20"),
                        model("big", null),
                        model("small", null));
        Pool pool = Pool.of(cat);
        // The pacer's λ of 10: 0.8 − 1 < 0.6 − 0.1
        RoutingDecision paced =
                Decider.decide(hood("q"), pool, 4, null, null, 10, PriceHistory.EMPTY, null);
        assertThat(paced.getModel()).isEqualTo("small");
        assertThat(paced.getLambda()).isEqualTo(10);
        assertThat(paced.getSpendTarget()).isCloseTo(0.02, within(1e-15));
        Neighbourhood own = hood("q");
        own.lambda = 0;
        assertThat(
                        Decider.decide(own, pool, 4, null, null, 10, PriceHistory.EMPTY, null)
                                .getModel())
                .isEqualTo("big");
        assertThat(
                        Decider.decide(hood("q"), Pool.of(catalog(Map.of(), model("big", null))), 4)
                                .getSpendTarget())
                .isNull();
    }

    @Test
    void costsPaidBeforeAPriceChangeAreReadAtTodaysPrices() {
        // "big" doubles its prices at t = 3: neighbours a and b (asked at 1 and 2) paid 0.1 at the
        // old prices, so 0.2 at today's; c and d (3 and 4) already paid today's.
        Neighbourhood n = hood("q");
        n.costs[6] = 0.2;
        n.costs[9] = 0.2;
        n.ts = 5;
        PriceHistory prices =
                PriceHistory.EMPTY
                        .with(0, Map.of("big", new double[] {1e-6, 1e-6}))
                        .with(3, Map.of("big", new double[] {2e-6, 2e-6}));
        Pool pool = Pool.of(catalog(Map.of("exploration", "0"), model("big", null)));
        RoutingDecision d = Decider.decide(n, pool, 4, null, null, Double.NaN, prices, null);
        assertThat(d.getPredictions().get(0).getCost()).isCloseTo(0.2, within(1e-12));
        RoutingDecision stale =
                Decider.decide(n, pool, 4, null, null, Double.NaN, PriceHistory.EMPTY, null);
        assertThat(stale.getPredictions().get(0).getCost()).isCloseTo(0.15, within(1e-12));
        // The trend the live verdict carries is read at today's prices too: observed entirely
        // before the change (it ends at 2), its cost doubles.
        WindowEvent w = new WindowEvent();
        w.pool = "p";
        w.windowStart = 2;
        w.windowEnd = 3;
        w.trendModels = new String[] {"big"};
        w.trendScores = new double[] {0.5};
        w.trendCosts = new double[] {0.05};
        CatalogUpdate verdict = CatalogUpdate.verdict(w, true, false);
        RoutingDecision fallback = Decider.decide(n, pool, 4, null, verdict, 1, prices, null);
        assertThat(fallback.getFallback()).isNotNull();
        assertThat(Decider.trendCost(verdict, 0, prices, pool.settings().spend()))
                .isCloseTo(0.1, within(1e-12));
    }

    @Test
    void lambdaTradesQualityForCost() {
        PoolCatalog cat =
                catalog(
                        Map.of("exploration", "0", "lambda", "10"),
                        model("big", null),
                        model("small", null));
        // 0.8 − 10·0.1 = −0.2 < 0.6 − 10·0.01 = 0.5
        assertThat(Decider.decide(hood("q"), Pool.of(cat), 4).getModel()).isEqualTo("small");
        Neighbourhood own = hood("q");
        own.lambda = 0;
        assertThat(Decider.decide(own, Pool.of(cat), 4).getModel()).isEqualTo("big");
        assertThat(Decider.decide(own, Pool.of(cat), 4).getLambda()).isZero();
    }

    @Test
    void aNewModelIsExploredAtTheFullShareWhileTheUserStillGetsTheBestModel() {
        PoolCatalog cat =
                catalog(
                        Map.of("exploration", "0.2"),
                        model("big", null),
                        model("small", null),
                        model("fresh", 0.0));
        List<Boolean> explored = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            RoutingDecision d = Decider.decide(hood("query-" + i), Pool.of(cat), 4);
            // No neighbour observed "fresh": the router is as unsure as it gets, p = 0.2 · 1.
            assertThat(d.getExploreProbability()).isEqualTo(0.2);
            assertThat(d.getModel()).isEqualTo("big");
            assertThat(d.getRouter()).isEqualTo("knn-4");
            explored.add(d.getExplore());
            if (d.getExplore()) {
                assertThat(d.getExploreModels()).containsExactly("fresh", "small");
            } else {
                assertThat(d.getExploreModels()).isEmpty();
            }
        }
        assertThat(explored.stream().filter(e -> e).count() / 2000.0).isCloseTo(0.2, within(0.03));
        // Deterministic: the same query id explores the same way again.
        assertThat(Decider.decide(hood("query-7"), Pool.of(cat), 4).getExplore())
                .isEqualTo(explored.get(7));
    }

    /** The exploration probability of a decision with k 4. */
    private static double explore(
            Neighbourhood n,
            PoolCatalog cat,
            @Nullable CatalogUpdate verdict,
            Exploration.@Nullable Budget budget) {
        return Decider.decide(
                        n, Pool.of(cat), 4, null, verdict, Double.NaN, PriceHistory.EMPTY, budget)
                .getExploreProbability();
    }

    @Test
    void aWellObservedRegionIsExploredAtTheFloorAndAnOutOfDistributionOneAtTheFullShare() {
        PoolCatalog cat = catalog(Map.of("exploration", "0.2"), model("big", null));
        Neighbourhood known = hood("q");
        known.oodScore = 1.0;
        // Four neighbours observed "big", more than exploration.min-observed (3): p = 0.2 · 0.5.
        assertThat(Decider.decide(known, Pool.of(cat), 4).getExploreProbability()).isEqualTo(0.1);
        // One neighbour: 1 − 1/3 of the share.
        assertThat(Decider.decide(known, Pool.of(cat), 1).getExploreProbability())
                .isEqualTo(0.2 * 2 / 3, within(1e-15));
        Neighbourhood far = hood("q");
        far.oodScore = 3.5; // above the default threshold of 3
        assertThat(Decider.decide(far, Pool.of(cat), 4).getExploreProbability()).isEqualTo(0.2);
        // After a window with a drift alert every query is explored as an unsure one.
        WindowEvent w = new WindowEvent();
        w.pool = "p";
        w.trendModels = new String[0];
        w.trendScores = new double[0];
        w.trendCosts = new double[0];
        w.drifted = true;
        assertThat(explore(known, cat, CatalogUpdate.verdict(w, false, false), null))
                .isEqualTo(0.2);
        w.drifted = false;
        assertThat(explore(known, cat, CatalogUpdate.verdict(w, false, false), null))
                .isEqualTo(0.1);
        // With the pool's budget a sure query gets the whole share while every query is sure,
        // and an out-of-distribution one 1 / (mean uncertainty) of it.
        Exploration.Budget budget = new Exploration.Budget();
        explore(known, cat, null, budget);
        assertThat(explore(known, cat, null, budget)).isCloseTo(0.2, within(1e-15));
        assertThat(explore(far, cat, null, budget)).isCloseTo(0.2 / (0.5 + 0.5 / 3), within(1e-15));
        // A single-model pool has nothing to explore.
        for (int i = 0; i < 200; i++) {
            assertThat(Decider.decide(hood("q" + i), Pool.of(cat), 4).getExplore()).isFalse();
        }
    }

    @Test
    void aHalfLifeMakesRecentOutcomesCountMore() {
        Neighbourhood n = hood("q");
        n.ts = 1_000_000L;
        // The two oldest neighbours saw "big" fail, the two newest saw it succeed.
        n.seqs = new long[] {0, 0, 1_000_000L, 1_000_000L};
        for (int i = 0; i < 4; i++) {
            n.scores[i * 3] = i < 2 ? 0.0 : 1.0;
        }
        PoolCatalog plain =
                catalog(Map.of("exploration", "0"), model("big", null), model("small", null));
        assertThat(Decider.decide(n, Pool.of(plain), 4).getPredictions().get(0).getScore())
                .isEqualTo(0.5);
        PoolCatalog decayed =
                catalog(
                        Map.of("exploration", "0", "decay.half-life-s", "100"),
                        model("big", null),
                        model("small", null));
        // Age 1000 s = 10 half-lives: weight 2^-10 against 1.
        double w = Math.pow(0.5, 10);
        assertThat(Decider.decide(n, Pool.of(decayed), 4).getPredictions().get(0).getScore())
                .isCloseTo(2 / (2 + 2 * w), within(1e-12));
    }

    @Test
    void anExploredNeighboursOutcomeWeighsByItsInversePropensity() {
        Neighbourhood n = hood("q");
        // "big" succeeded on the three queries it was chosen for and failed on the one explored
        // with probability 1/5, which stands for five such queries: (3·1 + 5·0) / 8.
        for (int i = 0; i < 4; i++) {
            n.scores[i * 3] = i < 3 ? 1.0 : 0.0;
        }
        n.propensities = new double[12];
        java.util.Arrays.fill(n.propensities, 1.0);
        n.propensities[3 * 3] = 0.2;
        PoolCatalog cat =
                catalog(Map.of("exploration", "0"), model("big", null), model("small", null));
        assertThat(Decider.decide(n, Pool.of(cat), 4).getPredictions().get(0).getScore())
                .isCloseTo(3.0 / 8, within(1e-12));
        // "small" was certain everywhere: its plain mean.
        assertThat(Decider.decide(n, Pool.of(cat), 4).getPredictions().get(1).getScore())
                .isCloseTo(0.6, within(1e-12));
        n.propensities = null; // a neighbourhood from before propensities were carried
        assertThat(Decider.decide(n, Pool.of(cat), 4).getPredictions().get(0).getScore())
                .isEqualTo(0.75);
    }

    @Test
    void aKnnShrunkVersionShrinksTheBestKNeighboursTowardItsTrend() {
        PoolCatalog catalog =
                catalog(
                        Map.of("router", "knn-shrunk", "exploration", "0"),
                        model("big", null),
                        model("small", null));
        // k 2, α 2, trend big 0.2 / 0.5, small 0.9 / 0.05.
        KnnShrinkage shrinkage =
                new KnnShrinkage(
                        2,
                        2,
                        GlobalTrend.of(new double[] {0.2, 0.9}, new double[] {0.5, 0.05}),
                        new boolean[] {true, true});
        Decider.Parametric version =
                new Decider.Parametric("knn-shrunk", 7, List.of("big", "small"), shrinkage);
        RoutingDecision d = Decider.decide(hood("q"), Pool.of(catalog), 4, version, null);
        assertThat(d.getRouter()).isEqualTo("knn-shrunk");
        assertThat(d.getRouterVersion()).isEqualTo(7);
        // Two of the four neighbours: big (2 × 0.8 + 2 × 0.2) / 4, small (2 × 0.6 + 2 × 0.9) / 4.
        ModelPrediction big = d.getPredictions().get(0);
        ModelPrediction small = d.getPredictions().get(1);
        assertThat(big.getScore()).isCloseTo(0.5, within(1e-12));
        assertThat(big.getCost()).isCloseTo((0.2 + 1.0) / 4, within(1e-12));
        assertThat(small.getScore()).isCloseTo(0.75, within(1e-12));
        assertThat(small.getCost()).isCloseTo((0.02 + 0.1) / 4, within(1e-12));
        // λ 0: the higher ŝ wins, though plain knn-4 prefers big (0.8 > 0.6).
        assertThat(d.getModel()).isEqualTo("small");
        assertThat(Decider.decide(hood("q"), Pool.of(catalog), 4).getModel()).isEqualTo("big");
        // Out of distribution, α is four times 2: big (2 × 0.8 + 8 × 0.2) / 10.
        Neighbourhood far = hood("q");
        far.oodScore = 5;
        RoutingDecision ood = Decider.decide(far, Pool.of(catalog), 4, version, null);
        assertThat(ood.getPredictions().get(0).getScore()).isCloseTo(0.32, within(1e-12));
        assertThat(ood.getPredictions().get(1).getScore()).isCloseTo(0.84, within(1e-12));
        // A version fitted for another model list is not used.
        Decider.Parametric stale =
                new Decider.Parametric("knn-shrunk", 8, List.of("big", "gone"), shrinkage);
        assertThat(Decider.decide(hood("q"), Pool.of(catalog), 4, stale, null).getRouter())
                .isEqualTo("knn-4");

        // A verdict with the live trend (no fallback): big shrinks toward the live 0.6, small
        // toward its trained 0.9, which the live trend lacks.
        WindowEvent w = new WindowEvent();
        w.pool = "p";
        w.windowEnd = 60_000;
        w.trendModels = new String[] {"big", "gone"};
        w.trendScores = new double[] {0.6, 1.0};
        w.trendCosts = new double[] {0.3, 0.0};
        java.util.function.BiFunction<PoolCatalog, CatalogUpdate, RoutingDecision> decide =
                (c, verdict) -> Decider.decide(hood("q"), Pool.of(c), 4, version, verdict);
        RoutingDecision live = decide.apply(catalog, CatalogUpdate.verdict(w, false, false));
        assertThat(live.getFallback()).isNull();
        assertThat(live.getPredictions().get(0).getScore()).isCloseTo(0.7, within(1e-12));
        assertThat(live.getPredictions().get(0).getCost())
                .isCloseTo((0.2 + 0.6) / 4, within(1e-12));
        assertThat(live.getPredictions().get(1).getScore()).isCloseTo(0.75, within(1e-12));
        // Its challenger: the same neighbours shrunk toward the trained trend (big 0.5, as the
        // trained-trend pool below decides).
        assertThat(live.getChallengers()).hasSize(1);
        assertThat(live.getChallengers().get(0).getRouter()).isEqualTo("knn-shrunk@trained-trend");
        assertThat(live.getChallengers().get(0).getPredictions().get(0).getScore())
                .isCloseTo(0.5, within(1e-12));
        assertThat(ood.getChallengers()).as("no live trend, no challenger").isEmpty();
        // Once the referee has promoted the trained trend, it decides and the live one challenges.
        RoutingDecision promoted = decide.apply(catalog, CatalogUpdate.verdict(w, false, true));
        assertThat(promoted.getRouter()).isEqualTo("knn-shrunk");
        assertThat(promoted.getPredictions().get(0).getScore()).isCloseTo(0.5, within(1e-12));
        assertThat(promoted.getChallengers().get(0).getRouter()).isEqualTo("knn-shrunk@live-trend");
        assertThat(promoted.getChallengers().get(0).getPredictions().get(0).getScore())
                .isCloseTo(0.7, within(1e-12));
        // A pool that keeps its trained trend ignores the live one.
        PoolCatalog trained = knnShrunk("trained-trend");
        RoutingDecision pinned = decide.apply(trained, CatalogUpdate.verdict(w, false, true));
        assertThat(pinned.getPredictions().get(0).getScore()).isCloseTo(0.5, within(1e-12));
        assertThat(pinned.getChallengers())
                .as("a pool pinned to its trained trend has no challenger, promoted or not")
                .isEmpty();
        assertThatThrownBy(() -> PoolSettings.parse("p", Map.of("shrink.prior", "yesterday")))
                .hasMessageContaining(
                        "shrink.prior must be live-trend, trained-trend or reference");
    }

    @Test
    void aReferencePoolStartsFromItsReferenceAtTheQueryAndOnlyLiveRowsMoveIt() {
        List<float[]> vectors = new ArrayList<>();
        double[][] scores = new double[120][];
        double[][] costs = new double[120][];
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 120; i++) {
            float x = (float) random.nextGaussian();
            vectors.add(new float[] {x, (float) random.nextGaussian()});
            scores[i] = new double[] {x > 0 ? 1 : 0, 0.6};
            costs[i] = new double[] {0.1, 0.01};
        }
        TrainingSet seed =
                new TrainingSet(
                        VectorSet.ofNormalized(vectors),
                        new Outcomes(List.of("big", "small"), scores, costs));
        LinearPredictor reference = RidgeTrainer.crossValidated(seed, 1);
        assertThat(reference).isNotNull();
        KnnShrinkage shrinkage =
                new KnnShrinkage(
                                2,
                                2,
                                GlobalTrend.of(new double[] {0.2, 0.9}, new double[] {0.5, 0.05}),
                                new boolean[] {true, true})
                        .withReference(reference);
        Decider.Parametric version =
                new Decider.Parametric("knn-shrunk", 9, List.of("big", "small"), shrinkage);
        PoolCatalog catalog = knnShrunk("reference");
        double[] p = new double[2];
        double[] pc = new double[2];
        reference.predict(new float[] {1f, 0f}, p, pc);
        for (int m = 0; m < 2; m++) {
            p[m] = Math.min(1, Math.max(0, p[m]));
            pc[m] = Math.max(0, pc[m]);
        }
        Neighbourhood seeded = hood("q");
        seeded.vector = new float[] {3f, 0f}; // normalised before the reference reads it
        RoutingDecision d = Decider.decide(seeded, Pool.of(catalog), 4, version, null);
        // Every neighbour observed both models with certainty: knn-shrunk over them (k 2, α 2)
        // toward the reference's prediction instead of the trend.
        double[] q = {(1.6 + 2 * p[0]) / 4, (1.2 + 2 * p[1]) / 4};
        double[] qc = {(0.2 + 2 * pc[0]) / 4, (0.02 + 2 * pc[1]) / 4};
        assertThat(d.getPredictions().get(0).getScore()).isCloseTo(q[0], within(1e-12));
        assertThat(d.getPredictions().get(1).getScore()).isCloseTo(q[1], within(1e-12));
        assertThat(d.getPredictions().get(0).getCost()).isCloseTo(qc[0], within(1e-12));
        assertThat(p[0]).as("big scores where x₀ > 0").isGreaterThan(0.7);

        // Neighbour d observed big only (a live query that chose it): it moves that estimate.
        // Level δ = (0.8 − q_big) / (1 + α/M); ŝ_big = (0.8 + 2(q_big + δ)) / 3, ŝ_small = q_small
        // + δ; costs scaled by r = (0.1 + qc_big) / (qc_big + qc_big).
        Neighbourhood live = hood("q");
        live.vector = new float[] {3f, 0f};
        live.scores[3 * 3 + 2] = Double.NaN;
        RoutingDecision moved = Decider.decide(live, Pool.of(catalog), 4, version, null);
        double level = (0.8 - q[0]) / 2;
        double r = (0.1 + qc[0]) / (2 * qc[0]);
        assertThat(moved.getPredictions().get(0).getScore())
                .isCloseTo((0.8 + 2 * (q[0] + level)) / 3, within(1e-12));
        assertThat(moved.getPredictions().get(1).getScore()).isCloseTo(q[1] + level, within(1e-12));
        assertThat(moved.getPredictions().get(0).getCost())
                .isCloseTo((0.1 + 2 * qc[0] * r) / 3, within(1e-12));
        assertThat(moved.getPredictions().get(1).getCost()).isCloseTo(qc[1] * r, within(1e-12));
        assertThat(moved.getChallengers()).isEmpty();

        // Without a reference (too few fully observed examples) the pool follows the live trend
        // meanwhile, as a live-trend pool does: big toward the live 0.6, (2·0.8 + 2·0.6) / 4.
        WindowEvent w = new WindowEvent();
        w.pool = "p";
        w.windowEnd = 60_000;
        w.trendModels = new String[] {"big", "small"};
        w.trendScores = new double[] {0.6, 0.9};
        w.trendCosts = new double[] {0.3, 0.05};
        Decider.Parametric plain =
                new Decider.Parametric(
                        "knn-shrunk",
                        10,
                        List.of("big", "small"),
                        new KnnShrinkage(
                                2,
                                2,
                                GlobalTrend.of(new double[] {0.2, 0.9}, new double[] {0.5, 0.05}),
                                new boolean[] {true, true}));
        RoutingDecision unseeded =
                Decider.decide(
                        seeded, Pool.of(catalog), 4, plain, CatalogUpdate.verdict(w, false, false));
        assertThat(unseeded.getPredictions().get(0).getScore()).isCloseTo(0.7, within(1e-12));
        assertThat(unseeded.getChallengers()).hasSize(1);

        // A live-trend pool running the same version ignores the reference: its trained trend.
        PoolCatalog trend = knnShrunk("live-trend");
        assertThat(
                        Decider.decide(seeded, Pool.of(trend), 4, version, null)
                                .getPredictions()
                                .get(0)
                                .getScore())
                .isCloseTo(0.5, within(1e-12));
    }

    @Test
    void aPoolThatFellBackChoosesByTheTrendButStillListsItsRoutersPredictions() {
        PoolCatalog cat =
                catalog(
                        Map.of("exploration", "0"),
                        model("big", null),
                        model("small", null),
                        model("fresh", 0.1));
        WindowEvent w = new WindowEvent();
        w.pool = "p";
        w.windowEnd = 60_000;
        // The trend knows nothing of "fresh" (it keeps the router's 0.1) and prefers small.
        w.trendModels = new String[] {"big", "small", "gone"};
        w.trendScores = new double[] {0.2, 0.7, 1.0};
        w.trendCosts = new double[] {0.1, 0.01, 0.0};
        RoutingDecision d =
                Decider.decide(
                        hood("q"), Pool.of(cat), 4, null, CatalogUpdate.verdict(w, true, false));
        assertThat(d.getModel()).isEqualTo("small");
        assertThat(d.getFallback()).isEqualTo("global-trend");
        assertThat(d.getRouter()).isEqualTo("knn-4");
        assertThat(d.getPredictions().get(0).getScore()).isEqualTo(0.8); // big, the router's
        RoutingDecision normal = Decider.decide(hood("q"), Pool.of(cat), 4);
        assertThat(normal.getModel()).isEqualTo("big");
        assertThat(normal.getFallback()).isNull();
    }

    @Test
    void aCatalogsKnnVariantUsesItsBestKNeighboursAndItsWeights() {
        Neighbourhood n = hood("q");
        // big scores 1, 0, 0, 1 on the four neighbours (similarities 0.9, 0.8, 0.7, 0.6).
        for (int i = 0; i < 4; i++) {
            n.scores[i * 3] = i == 0 || i == 3 ? 1.0 : 0.0;
        }
        PoolCatalog two =
                catalog(
                        Map.of("router", "knn-2", "exploration", "0"),
                        model("big", null),
                        model("small", null));
        RoutingDecision d = Decider.decide(n, Pool.of(two), 4);
        assertThat(d.getRouter()).isEqualTo("knn-2");
        assertThat(d.getPredictions().get(0).getScore()).isEqualTo(0.5); // (1 + 0) / 2
        assertThat(d.getNeighbours()).extracting(r -> r.getId()).containsExactly("a", "b");

        PoolCatalog weighted =
                catalog(
                        Map.of("router", "knn-3-weighted", "exploration", "0"),
                        model("big", null),
                        model("small", null));
        d = Decider.decide(n, Pool.of(weighted), 4);
        assertThat(d.getRouter()).isEqualTo("knn-3-weighted");
        double w0 = 0.9f;
        double w1 = 0.8f;
        double w2 = 0.7f;
        assertThat(d.getPredictions().get(0).getScore()).isEqualTo(w0 / (w0 + w1 + w2));

        // More neighbours than the job finds: plain knn with the job's k (the catalog was
        // dead-lettered on the way in; see IntakeTest).
        PoolCatalog tooMany =
                catalog(Map.of("router", "knn-9", "exploration", "0"), model("big", null));
        assertThat(Decider.decide(n, Pool.of(tooMany), 4).getRouter()).isEqualTo("knn-4");
    }
}

package dev.pointsman.streams.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.Upstream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankingTest {
    private static CatalogModel model(String name, boolean upstream) {
        return CatalogModel.newBuilder()
                .setName(name)
                .setInputPrice(1e-6)
                .setOutputPrice(2e-6)
                .setUpstream(
                        upstream
                                ? Upstream.newBuilder().setBaseUrl("http://127.0.0.1:1/v1").build()
                                : null)
                .build();
    }

    private static ModelPrediction p(String model, double score, double cost) {
        return ModelPrediction.newBuilder().setModel(model).setScore(score).setCost(cost).build();
    }

    private static final PoolCatalog CATALOG =
            PoolCatalog.newBuilder()
                    .setPool("p")
                    .setModels(
                            List.of(
                                    model("a", true),
                                    model("b", true),
                                    model("c", true),
                                    model("d", false)))
                    .build();

    /** λ 10: utilities a 0.9 − 0.5 = 0.4, b 0.6 − 0.1 = 0.5, c 0.8 − 0.2 = 0.6, d 0.99. */
    private static final RoutingDecision DECISION =
            RoutingDecision.newBuilder()
                    .setQueryId("q")
                    .setPool("p")
                    .setModel("a")
                    .setLambda(10)
                    .setPredictions(
                            List.of(
                                    p("a", 0.9, 0.05),
                                    p("b", 0.6, 0.01),
                                    p("c", 0.8, 0.02),
                                    p("d", 0.99, 0)))
                    .setRouter("knn-20")
                    .setRouterVersion(1)
                    .setNeighbours(List.of())
                    .setSupportSize(0)
                    .setShardsMissing(0)
                    .setTs(Instant.EPOCH)
                    .setExplore(false)
                    .setExploreModels(List.of())
                    .setExploreProbability(0)
                    .setChallengers(List.of())
                    .build();

    private static List<String> names(List<CatalogModel> ms) {
        return ms.stream().map(CatalogModel::getName).toList();
    }

    @Test
    void theChoiceComesFirstThenTheRestByUtilityAndOnlyModelsWithAnUpstream() {
        // a was chosen (e.g. explored or under a budget), then c 0.6 before b 0.5; d has none.
        assertThat(names(Gateway.ranking(CATALOG, DECISION, null))).containsExactly("a", "c", "b");
    }

    @Test
    void aSessionKeepsItsModelFirst() {
        assertThat(names(Gateway.ranking(CATALOG, DECISION, "b"))).containsExactly("b", "a", "c");
        // A session model that left the catalog is passed over.
        assertThat(names(Gateway.ranking(CATALOG, DECISION, "gone")))
                .containsExactly("a", "c", "b");
    }
}

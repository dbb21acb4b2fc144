package dev.pointsman.streams.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Upstream;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class JudgeTest {
    private static PoolCatalog catalog(Map<String, String> defaults) {
        CatalogModel withUpstream =
                CatalogModel.newBuilder()
                        .setName("grader")
                        .setInputPrice(1e-6)
                        .setOutputPrice(2e-6)
                        .setUpstream(
                                Upstream.newBuilder().setBaseUrl("http://127.0.0.1:1/v1").build())
                        .build();
        CatalogModel without =
                CatalogModel.newBuilder()
                        .setName("local")
                        .setInputPrice(0)
                        .setOutputPrice(0)
                        .build();
        return PoolCatalog.newBuilder()
                .setPool("p")
                .setModels(List.of(withUpstream, without))
                .setDefaults(defaults)
                .build();
    }

    @Test
    void aReplysFirstNumberOnTheTenPointScaleIsTheScore() {
        assertThat(Judge.parse("7")).isEqualTo(0.7);
        assertThat(Judge.parse(" 10\n")).isEqualTo(1.0);
        assertThat(Judge.parse("Score: 8.5 out of 10")).isEqualTo(0.85);
        assertThat(Judge.parse("0")).isEqualTo(0.0);
        assertThat(Judge.parse("42")).isNull();
        assertThat(Judge.parse("excellent")).isNull();
        assertThat(Judge.parse("")).isNull();
    }

    @Test
    void aCatalogNamesItsJudgeAndTheShareOfAnswersItGrades() {
        assertThat(Judge.Settings.of(catalog(Map.of()))).isNull();
        Judge.Settings all = Judge.Settings.of(catalog(Map.of("judge.model", "grader")));
        assertThat(all.model().getName()).isEqualTo("grader");
        assertThat(all.model().getInputPrice()).isEqualTo(1e-6);
        assertThat(all.share()).isEqualTo(1.0);
        assertThat(all.grades("any")).isTrue();
        Judge.Settings some =
                Judge.Settings.of(catalog(Map.of("judge.model", "grader", "judge.share", "0.25")));
        long graded = IntStream.range(0, 4000).filter(i -> some.grades("decision-" + i)).count();
        assertThat(graded).isBetween(900L, 1100L);
        assertThat(some.grades("decision-1")).isEqualTo(some.grades("decision-1"));
    }

    @Test
    void aJudgeTheGatewayCannotAskIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Judge.Settings.of(catalog(Map.of("judge.model", "nobody"))))
                .hasMessageContaining("judge.model 'nobody' is not one of its models");
        assertThatThrownBy(() -> Judge.Settings.of(catalog(Map.of("judge.model", "local"))))
                .hasMessageContaining("judge.model 'local' has no upstream");
        assertThatThrownBy(
                        () ->
                                Judge.Settings.of(
                                        catalog(
                                                Map.of(
                                                        "judge.model",
                                                        "grader",
                                                        "judge.share",
                                                        "1.5"))))
                .hasMessageContaining("judge.share must be in [0, 1], got '1.5'");
        assertThatThrownBy(() -> Judge.Settings.of(catalog(Map.of("judge.share", "0.5"))))
                .hasMessageContaining("judge.share is set without judge.model");
    }
}

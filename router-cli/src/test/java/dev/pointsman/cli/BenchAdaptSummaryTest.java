package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.cli.demo.AdaptExperiment;
import dev.pointsman.core.monitor.WindowQuality;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.WindowMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The JSON summary of {@code bench adapt}, on hand-made windows of 10 s around a shift at 30 s. */
class BenchAdaptSummaryTest {
    private static final long SHIFT = 30_000;

    private static WindowMetrics window(
            long startS, long n, @Nullable Double auc, @Nullable Double trend) {
        return WindowMetrics.newBuilder()
                .setPool("adapt")
                .setRouter("knn-shrunk")
                .setWindowStart(Instant.ofEpochMilli(startS * 1000))
                .setWindowEnd(Instant.ofEpochMilli(startS * 1000 + 10_000))
                .setAuc(auc)
                .setGlobalTrendAuc(trend)
                .setMeanScore(0.5)
                .setMeanCost(0)
                .setOodShare(0)
                .setN(n)
                .setShadowQueries(n)
                .setTrend(java.util.Map.of()) // a default would need Avro's trusted classes
                .build();
    }

    private static AdaptExperiment.Pass pass(String name, WindowMetrics... windows) {
        return new AdaptExperiment.Pass(name, List.of(windows), List.of(), SHIFT);
    }

    @Test
    void levelsAverageTheWindowsBeforeAndAfterTheFirstPostShiftWindow() throws Exception {
        AdaptExperiment.Pass still =
                pass(
                        "static",
                        window(0, 20, 80.0, null), // no trend yet: not in before_trend
                        window(10, 20, 82.0, 78.0),
                        window(20, 20, 84.0, 80.0),
                        window(30, 20, 10.0, 90.0), // first after the shift: left out
                        window(40, 20, 70.0, 72.0),
                        window(50, 20, 74.0, 76.0));
        AdaptExperiment.Pass online =
                pass(
                        "online",
                        window(20, 30, 85.0, 80.0),
                        window(30, 25, 60.0, 70.0),
                        window(40, 25, 75.0, 70.0), // above, but falls back below next
                        window(50, 25, 65.0, 70.0),
                        window(60, 25, null, null), // no figures: counted, run unbroken
                        window(70, 25, 78.0, 72.0), // from here on above: 25 * 4 + 25 = 125
                        window(80, 25, null, 71.0),
                        window(90, 25, 80.0, 71.0));
        JsonNode json = new ObjectMapper().readTree(BenchAdaptCommand.summary(still, online, 0));
        assertThat(json.get("static").get("before_auc").asDouble()).isCloseTo(82.0, within(1e-9));
        assertThat(json.get("static").get("before_trend").asDouble()).isCloseTo(79.0, within(1e-9));
        assertThat(json.get("static").get("after_auc").asDouble()).isCloseTo(72.0, within(1e-9));
        assertThat(json.get("static").get("after_trend").asDouble()).isCloseTo(74.0, within(1e-9));
        assertThat(json.get("online").get("before_auc").asDouble()).isCloseTo(85.0, within(1e-9));
        assertThat(json.get("online").get("after_auc").asDouble())
                .isCloseTo((75.0 + 65.0 + 78.0 + 80.0) / 4, within(1e-9));
        assertThat(json.get("examples_to_positive_lift").asLong()).isEqualTo(125);

        AdaptExperiment.Pass never =
                pass("online", window(20, 30, 85.0, 80.0), window(30, 25, 60.0, 70.0));
        JsonNode none = new ObjectMapper().readTree(BenchAdaptCommand.summary(still, never, 0));
        assertThat(none.get("examples_to_positive_lift").isNull()).isTrue();
        assertThat(none.get("online").get("after_auc").isNull()).as("no settled window").isTrue();
    }

    @Test
    void countsTheJobsFallbacksButNotItsRecoveriesOrOtherAlerts() throws Exception {
        List<Alert> alerts =
                List.of(
                        alert("fallback/knn-shrunk", 60),
                        alert("drift-psi", 40),
                        alert("recovered/knn-shrunk", 90),
                        alert("fallback/knn-shrunk", 120));
        AdaptExperiment.Pass online =
                new AdaptExperiment.Pass(
                        "online", List.of(window(20, 30, 85.0, 80.0)), alerts, SHIFT);
        assertThat(online.fallbacks())
                .extracting(Alert::getKind)
                .containsExactly(
                        "fallback/knn-shrunk", "recovered/knn-shrunk", "fallback/knn-shrunk");
        JsonNode json =
                new ObjectMapper().readTree(BenchAdaptCommand.summary(pass("static"), online, 0));
        assertThat(json.get("online").get("fallbacks").asLong()).isEqualTo(2);
        assertThat(json.get("static").get("fallbacks").asLong()).isZero();
    }

    @Test
    void aWindowJudgedOnEveryQueryIsReadFromThatAndWeighedByItsQueries() throws Exception {
        // Live figures from a handful of explored queries; the replay judged all of them.
        WindowMetrics before = window(0, 100, 50.0, 60.0);
        WindowMetrics first = window(30, 100, 10.0, 10.0);
        WindowMetrics settled = window(40, 100, 95.0, 20.0);
        WindowMetrics lastLiveOnly = window(50, 100, 70.0, 80.0);
        Map<Long, WindowQuality> full =
                Map.of(0L, quality(300, 80.0, 70.0), 40_000L, quality(100, 75.0, 78.0));
        AdaptExperiment.Pass online =
                new AdaptExperiment.Pass(
                        "online",
                        List.of(before, first, settled, lastLiveOnly),
                        List.of(),
                        SHIFT,
                        full);
        assertThat(online.auc(before)).isEqualTo(80.0);
        assertThat(online.trendAuc(settled)).isEqualTo(78.0);
        assertThat(online.auc(lastLiveOnly)).isEqualTo(70.0); // no judged queries: live
        JsonNode json =
                new ObjectMapper().readTree(BenchAdaptCommand.summary(pass("static"), online, 0));
        assertThat(json.get("online").get("before_auc").asDouble()).isEqualTo(80.0);
        // After: the judged window (100 queries, 75) and the live one (100 shadow queries, 70).
        assertThat(json.get("online").get("after_auc").asDouble()).isCloseTo(72.5, within(1e-9));
        assertThat(json.get("online").get("after_trend").asDouble()).isCloseTo(79.0, within(1e-9));
    }

    private static WindowQuality quality(int queries, double auc, double trend) {
        return new WindowQuality(List.of("a", "b"), queries, auc, 99.0, 40.0, trend);
    }

    private static Alert alert(String kind, long endS) {
        return Alert.newBuilder()
                .setPool("adapt")
                .setKind(kind)
                .setValue(-2)
                .setThreshold(0)
                .setWindowStart(Instant.ofEpochMilli(endS * 1000 - 10_000))
                .setWindowEnd(Instant.ofEpochMilli(endS * 1000))
                .build();
    }
}

package dev.pointsman.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.monitor.ShadowRow;
import dev.pointsman.schemas.ModelMean;
import dev.pointsman.schemas.WindowMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo summary's lift over the trend, live and on every decided query. */
class ReplaySummaryTest {
    private static WindowMetrics window(long startS, Double auc, Double trend, boolean hasTrend) {
        return WindowMetrics.newBuilder()
                .setPool("demo")
                .setRouter("knn-shrunk")
                .setWindowStart(Instant.ofEpochMilli(startS * 1000))
                .setWindowEnd(Instant.ofEpochMilli(startS * 1000 + 10_000))
                .setAuc(auc)
                .setGlobalTrendAuc(trend)
                .setMeanScore(0.5)
                .setMeanCost(0)
                .setOodShare(0)
                .setN(2)
                .setTrend(
                        hasTrend
                                ? Map.of(
                                        "a", new ModelMean(0.5, 2.0),
                                        "b", new ModelMean(0.6, 1.0))
                                : Map.of())
                .build();
    }

    /**
     * A decided query at {@code tsS}: a (cost 2) is right, b (cost 1) is wrong; the router guesses
     * so or not.
     */
    private static Judged judged(long tsS, boolean rightGuess) {
        return new Judged(
                tsS * 1000,
                new ShadowRow(
                        Map.of(
                                "a", new double[] {rightGuess ? 0.9 : 0.1, 2},
                                "b", new double[] {0.5, 1}),
                        Map.of("a", new double[] {1, 2}, "b", new double[] {0, 1})));
    }

    @Test
    void judgesEachWindowWithATrendOnItsOwnDecidedQueries() {
        List<WindowMetrics> windows =
                List.of(
                        window(0, 90.0, null, false), // no trend yet: not counted
                        window(10, 40.0, 60.0, true),
                        window(20, null, null, true)); // no explored query, but judged ones
        List<Judged> judged =
                List.of(
                        judged(1, true),
                        judged(12, true),
                        judged(15, true),
                        judged(25, false),
                        judged(31, false)); // after every window
        assertThat(Replayer.Summary.meanLift(windows)).containsExactly(-20.0, 1.0);
        // Window 10: at λ 0 the router picks a, the point (cost 2/2, score 1), and the frontier
        // from the origin to it has area 50; the trend picks b at every λ, (1/2, 0): area 0.
        // Window 20: the router picks b as the trend does: 0 against 0.
        double[] all = Replayer.Summary.judgedLift(windows, judged);
        assertThat(all[1]).isEqualTo(2.0);
        assertThat(all[0]).isCloseTo((50.0 + 0.0) / 2, within(1e-9));
    }
}

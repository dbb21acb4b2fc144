package dev.pointsman.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.core.route.PoolSettings;
import org.junit.jupiter.api.Test;

class AdaptExperimentTest {
    @Test
    void theStaticPassIsTheSameRouterWithoutFeedbackSoOnlyALiveTrendBecomesTheTrainedOne() {
        assertThat(AdaptExperiment.staticPrior(PoolSettings.REFERENCE))
                .isEqualTo(PoolSettings.REFERENCE);
        assertThat(AdaptExperiment.staticPrior(PoolSettings.TRAINED_TREND))
                .isEqualTo(PoolSettings.TRAINED_TREND);
        assertThat(AdaptExperiment.staticPrior(PoolSettings.LIVE_TREND))
                .isEqualTo(PoolSettings.TRAINED_TREND);
    }
}

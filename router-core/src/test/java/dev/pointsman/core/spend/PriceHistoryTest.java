package dev.pointsman.core.spend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceHistoryTest {
    /** 1,000 input and 0 output tokens: a model's cost prior is 1,000 × its input price. */
    private static final SpendSettings TOKENS =
            new SpendSettings(Double.NaN, SpendSettings.DEFAULT_STEP, 1000, 0, true);

    private static Map<String, double[]> price(String model, double input) {
        return Map.of(model, new double[] {input, 1e-5});
    }

    @Test
    void aCostPaidBeforeAPriceChangeScalesByTheRatioOfThePriorsNowAndThen() {
        PriceHistory h =
                PriceHistory.EMPTY
                        .with(100, price("a", 1e-6))
                        .with(200, price("a", 3e-6))
                        .with(300, price("a", 2e-6));
        assertThat(h.factor("a", 50, TOKENS)).isCloseTo(2.0, within(1e-12)); // first prices
        assertThat(h.factor("a", 199, TOKENS)).isCloseTo(2.0, within(1e-12));
        assertThat(h.factor("a", 200, TOKENS)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(h.factor("a", 300, TOKENS)).isEqualTo(1.0);
        assertThat(h.factor("unknown", 50, TOKENS)).isEqualTo(1.0);
        assertThat(h.constant()).isFalse();
    }

    @Test
    void theSameCatalogAgainChangesNothingAndTokenCountsAreNotPrices() {
        PriceHistory h = PriceHistory.EMPTY.with(100, price("a", 1e-6));
        assertThat(h.with(200, price("a", 1e-6))).isSameAs(h);
        assertThat(h.constant()).isTrue();
        // Only the output price changes; with 0 output tokens the prior, and so the factor, stays.
        PriceHistory out = h.with(300, Map.of("a", new double[] {1e-6, 5e-5}));
        assertThat(out.factor("a", 200, TOKENS)).isEqualTo(1.0);
        SpendSettings both =
                new SpendSettings(Double.NaN, SpendSettings.DEFAULT_STEP, 1000, 100, true);
        // 1000·1e-6 + 100·5e-5 = 0.006 now against 1000·1e-6 + 100·1e-5 = 0.002 then
        assertThat(out.factor("a", 200, both)).isCloseTo(3.0, within(1e-12));
    }

    @Test
    void aDecayedMeanIsScaledByItsWeightedMeanPrice() {
        PriceHistory h = PriceHistory.EMPTY.with(0, price("a", 1e-6)).with(1000, price("a", 2e-6));
        // Ending one half-life after the change: half its weight at the new price, half at the old
        // one, so its mean prior is 1.5e-3 and today's 2e-3.
        assertThat(h.decayedFactor("a", 2000, 1000, TOKENS)).isCloseTo(2 / 1.5, within(1e-12));
        // Ending before the change: entirely at the old price.
        assertThat(h.decayedFactor("a", 900, 1000, TOKENS)).isCloseTo(2.0, within(1e-12));
        // Long after: nearly all at the new price.
        assertThat(h.decayedFactor("a", 100_000, 1000, TOKENS)).isCloseTo(1.0, within(1e-12));
        // Without decay it is read as observed at its end.
        assertThat(h.decayedFactor("a", 2000, Double.NaN, TOKENS)).isEqualTo(1.0);
        assertThat(h.decayedFactor("a", 900, Double.NaN, TOKENS)).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void keepsTheNewestChangesAndSurvivesItsEncoding() {
        PriceHistory h = PriceHistory.EMPTY;
        for (int i = 0; i < 40; i++) {
            h = h.with(i * 10L, price("a", (i + 1) * 1e-6));
        }
        // 32 price segments are kept: the oldest left (1e-6 … 8e-6) read as the first kept, 9e-6.
        assertThat(h.factor("a", 0, TOKENS)).isCloseTo(40 / 9.0, within(1e-9));
        assertThat(h.factor("a", 85, TOKENS)).isCloseTo(40 / 9.0, within(1e-9));
        assertThat(h.factor("a", 95, TOKENS)).isCloseTo(40 / 10.0, within(1e-9));
        PriceHistory back = PriceHistory.decode(h.encode());
        assertThat(back.factor("a", 95, TOKENS)).isEqualTo(h.factor("a", 95, TOKENS));
        assertThat(back.decayedFactor("a", 300, 50, TOKENS))
                .isEqualTo(h.decayedFactor("a", 300, 50, TOKENS));
    }
}

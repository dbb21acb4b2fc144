package dev.pointsman.core.spend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.route.PoolSettings;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpendPacerTest {
    /** A budget of $2 per 1,000 queries, step 0.05. */
    private static final SpendSettings TWO_PER_1K = new SpendSettings(0.002, 0.05, 500, 250);

    @Test
    void startsAtAPoolsFixedLambdaOrAtATenthOfAQualityPointPerBudget() {
        assertThat(SpendPacer.start(TWO_PER_1K, 0).lambda()).isCloseTo(0.1 / 0.002, within(1e-9));
        assertThat(SpendPacer.start(TWO_PER_1K, 30).lambda()).isCloseTo(30, within(1e-9));
    }

    @Test
    void anAnswerAboveTheBudgetRaisesLogLambdaByTheStepTimesItsRelativeError() {
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 100);
        SpendPacer.observe(s, TWO_PER_1K, 1, 0.003); // 50% over
        assertThat(s.lambda()).isCloseTo(100 * Math.exp(0.05 * 0.5), within(1e-9));
        SpendPacer.observe(s, TWO_PER_1K, 1, 0.001); // 50% under
        assertThat(s.lambda()).isCloseTo(100, within(1e-9));
        assertThat(s.answered).isEqualTo(2);
    }

    @Test
    void oneVeryExpensiveAnswerMovesLambdaByTenBudgetsAtATimeAndCarriesTheRest() {
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 100);
        SpendPacer.observe(s, TWO_PER_1K, 1, 0.026); // 12 budgets over
        assertThat(s.lambda()).isCloseTo(100 * Math.exp(0.05 * 10), within(1e-9));
        assertThat(s.carried).isCloseTo(2, within(1e-9));
        SpendPacer.observe(s, TWO_PER_1K, 1, 0); // −1, plus the 2 carried
        assertThat(s.lambda()).isCloseTo(100 * Math.exp(0.05 * 11), within(1e-9));
        assertThat(s.carried).isZero();
        SpendPacer.observe(s, TWO_PER_1K, 1, 0);
        assertThat(s.lambda()).isCloseTo(100 * Math.exp(0.05 * 10), within(1e-9));
    }

    /**
     * Every error is counted in the end: after 5 answers 20 budgets over and 100 free ones, λ is
     * back where it started, the carried error spent.
     */
    @Test
    void noErrorIsDroppedSoExpensiveAnswersArePaidBackInFull() {
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 100);
        for (int i = 0; i < 5; i++) {
            SpendPacer.observe(s, TWO_PER_1K, 1, 0.042); // 20 budgets over
        }
        for (int i = 0; i < 100; i++) {
            SpendPacer.observe(s, TWO_PER_1K, 1, 0); // 1 budget under
        }
        assertThat(s.carried).isCloseTo(0, within(1e-9));
        assertThat(s.lambda()).isCloseTo(100, within(1e-6));
    }

    @Test
    void moreOutcomesOfAnAnsweredQueryAddTheirCostWithoutAnotherBudget() {
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 100);
        SpendPacer.observe(s, TWO_PER_1K, 1, 0.002);
        assertThat(s.lambda()).isCloseTo(100, within(1e-9));
        SpendPacer.observe(s, TWO_PER_1K, 0, 0.001); // an explored model's answer: half a budget
        assertThat(s.lambda()).isCloseTo(100 * Math.exp(0.05 * 0.5), within(1e-9));
        assertThat(s.answered).isEqualTo(1);
        assertThat(s.spend).isCloseTo(0.003, within(1e-12));
    }

    /**
     * A pool whose router buys the expensive model (5 budgets) when λ·B < 0.5, else the cheap one
     * (a fifth of a budget), with noise in both costs: the pacer mixes the two so the mean spend of
     * the last 5,000 of 6,000 answers is within 2% of the budget, as the integral action promises.
     */
    @Test
    void holdsTheMeanSpendOfATwoModelPoolToTheBudget() {
        Random random = new Random(7);
        double b = TWO_PER_1K.perQuery();
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 0);
        double spent = 0;
        for (int i = 0; i < 6000; i++) {
            boolean expensive = s.lambda() * b < 0.5;
            double cost = (expensive ? 5 * b : 0.2 * b) * (0.7 + 0.6 * random.nextDouble());
            SpendPacer.observe(s, TWO_PER_1K, 1, cost);
            if (i >= 1000) {
                spent += cost;
            }
        }
        assertThat(spent / 5000 / b).isCloseTo(1.0, within(0.02));
        assertThat(s.unreachable()).isFalse();
    }

    @Test
    void aBudgetBelowEveryModelsCostDrivesLambdaToItsCeilingAndIsUnreachable() {
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 0);
        for (int i = 0; i < 400; i++) {
            SpendPacer.observe(s, TWO_PER_1K, 1, 3 * TWO_PER_1K.perQuery());
        }
        assertThat(s.lambda() * TWO_PER_1K.perQuery())
                .isCloseTo(SpendPacer.MAX_LAMBDA_B, within(1e-6));
        assertThat(s.unreachable()).isTrue();
        SpendPacer.State lower = SpendPacer.start(TWO_PER_1K, 0);
        for (int i = 0; i < 400; i++) {
            SpendPacer.observe(lower, TWO_PER_1K, 1, 0.5 * TWO_PER_1K.perQuery());
        }
        assertThat(lower.unreachable()).isFalse();
    }

    @Test
    void aNewBudgetKeepsLambdaTimesTheBudget() {
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 100);
        SpendSettings doubled = new SpendSettings(0.004, 0.05, 500, 250);
        SpendPacer.State r = SpendPacer.retarget(s, doubled);
        assertThat(r.lambda()).isCloseTo(50, within(1e-9));
        assertThat(r.budget).isEqualTo(0.004);
        assertThat(SpendPacer.retarget(s, TWO_PER_1K)).isSameAs(s);
    }

    @Test
    void aPoolsCatalogSetsTheBudgetPerThousandQueriesAndTheTokenCountsOfItsCostPriors() {
        PoolSettings p =
                PoolSettings.parse(
                        "p",
                        Map.of(
                                SpendSettings.BUDGET, "2",
                                SpendSettings.INPUT_TOKENS, "1000",
                                SpendSettings.OUTPUT_TOKENS, "100"));
        assertThat(p.spend().perQuery()).isCloseTo(0.002, within(1e-15));
        assertThat(p.spend().step()).isEqualTo(SpendSettings.DEFAULT_STEP);
        // $3 per million input tokens, $15 per million output tokens
        assertThat(p.spend().costPrior(3e-6, 15e-6)).isCloseTo(0.0045, within(1e-15));
        assertThat(PoolSettings.parse("p", Map.of()).spend().paced()).isFalse();
        assertThatThrownBy(() -> PoolSettings.parse("p", Map.of(SpendSettings.BUDGET, "-1")))
                .hasMessageContaining("budget.per-1k-queries");
        assertThatThrownBy(() -> PoolSettings.parse("p", Map.of(SpendSettings.STEP, "2")))
                .hasMessageContaining("budget.step");
        assertThatThrownBy(
                        () ->
                                SpendPacer.observe(
                                        SpendPacer.start(TWO_PER_1K, 0), TWO_PER_1K, 1, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.pointsman.core.spend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.route.PoolSettings;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpendPacerTest {
    /** A budget of $2 per 1,000 queries, step 0.05, the pacer alone (no forecast). */
    private static final SpendSettings TWO_PER_1K = new SpendSettings(0.002, 0.05, 500, 250, false);

    /** The same budget with the deciders' forecast. */
    private static final SpendSettings FORECAST = new SpendSettings(0.002, 0.05, 500, 250, true);

    @Test
    void startsAtAPoolsFixedLambdaOrAtATenthOfAQualityPointPerBudget() {
        assertThat(SpendPacer.start(TWO_PER_1K, 0).lambda()).isCloseTo(0.1 / 0.002, within(1e-9));
        assertThat(SpendPacer.start(TWO_PER_1K, 30).lambda()).isCloseTo(30, within(1e-9));
    }

    @Test
    void anAnswerAboveTheBudgetRaisesLogLambdaByTheStepTimesItsRelativeError() {
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 100);
        SpendPacer.observe(s, TWO_PER_1K, 1, 0, 0.003, 0); // 50% over
        assertThat(s.lambda()).isCloseTo(100 * Math.exp(0.05 * 0.5), within(1e-9));
        SpendPacer.observe(s, TWO_PER_1K, 1, 0, 0.001, 0); // 50% under
        assertThat(s.lambda()).isCloseTo(100, within(1e-9));
        assertThat(s.answered).isEqualTo(2);
    }

    @Test
    void oneVeryExpensiveAnswerMovesLambdaByTenBudgetsAtATimeAndCarriesTheRest() {
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 100);
        SpendPacer.observe(s, TWO_PER_1K, 1, 0, 0.026, 0); // 12 budgets over
        assertThat(s.lambda()).isCloseTo(100 * Math.exp(0.05 * 10), within(1e-9));
        assertThat(s.carried).isCloseTo(2, within(1e-9));
        SpendPacer.observe(s, TWO_PER_1K, 1, 0, 0, 0); // −1, plus the 2 carried
        assertThat(s.lambda()).isCloseTo(100 * Math.exp(0.05 * 11), within(1e-9));
        assertThat(s.carried).isZero();
        SpendPacer.observe(s, TWO_PER_1K, 1, 0, 0, 0);
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
            SpendPacer.observe(s, TWO_PER_1K, 1, 0, 0.042, 0); // 20 budgets over
        }
        for (int i = 0; i < 100; i++) {
            SpendPacer.observe(s, TWO_PER_1K, 1, 0, 0, 0); // 1 budget under
        }
        assertThat(s.carried).isCloseTo(0, within(1e-9));
        assertThat(s.lambda()).isCloseTo(100, within(1e-6));
    }

    @Test
    void moreOutcomesOfAnAnsweredQueryAddTheirCostWithoutAnotherBudget() {
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 100);
        SpendPacer.observe(s, TWO_PER_1K, 1, 0, 0.002, 0);
        assertThat(s.lambda()).isCloseTo(100, within(1e-9));
        SpendPacer.observe(s, TWO_PER_1K, 0, 0, 0.001, 0); // an explored model: half a budget
        assertThat(s.lambda()).isCloseTo(100 * Math.exp(0.05 * 0.5), within(1e-9));
        assertThat(s.answered).isEqualTo(1);
    }

    /**
     * With the forecast, a decision counts its predicted cost at once and the pacer only what the
     * real cost adds: a decision predicted at 3 budgets that really cost 4 moves log λ by 2 then by
     * 1, as the pacer alone would by 3 once the answer arrived.
     */
    @Test
    void theForecastCountsPredictedCostAtOnceAndThePacerOnlyTheDifference() {
        SpendPacer.State s = SpendPacer.start(FORECAST, 100);
        SpendPacer.Forecast f = new SpendPacer.Forecast();
        double b = FORECAST.perQuery();
        assertThat(SpendPacer.lambda(f, s.logLambda, b)).isCloseTo(100, within(1e-9));
        SpendPacer.decided(f, FORECAST, 3 * b, s.logLambda);
        assertThat(SpendPacer.lambda(f, s.logLambda, b))
                .isCloseTo(100 * Math.exp(0.05 * 2), within(1e-9));
        SpendPacer.observe(s, FORECAST, 1, 1, 4 * b, 3 * b);
        assertThat(SpendPacer.lambda(f, s.logLambda, b))
                .isCloseTo(100 * Math.exp(0.05 * 3), within(1e-9));
        // An answer no decision predicted counts in full against a budget, as without a forecast.
        SpendPacer.observe(s, FORECAST, 1, 0, 2 * b, 0);
        assertThat(SpendPacer.lambda(f, s.logLambda, b))
                .isCloseTo(100 * Math.exp(0.05 * 4), within(1e-9));
        // Without a forecast the decision moves nothing and the pacer counts the whole error.
        SpendPacer.Forecast none = new SpendPacer.Forecast();
        SpendPacer.decided(none, TWO_PER_1K, 3 * b, Math.log(100));
        assertThat(none.offset).isZero();
        assertThat(none.spend).isCloseTo(3 * b, within(1e-15));
    }

    /**
     * A pool whose router buys the expensive model (5 budgets) when λ·B < 0.5, else the cheap one
     * (a fifth of a budget), with noise in both costs, answers arriving {@code delay} decisions
     * late: the mean spend of the last 5,000 of 6,000 answers is within 2% of the budget, as the
     * integral action promises, with and without the forecast.
     */
    @Test
    void holdsTheMeanSpendOfATwoModelPoolToTheBudgetDespiteLateAnswers() {
        for (SpendSettings settings : new SpendSettings[] {TWO_PER_1K, FORECAST}) {
            double spent = simulate(settings, 20, new Random(7), 6000, 1000);
            assertThat(spent / settings.perQuery()).as("%s", settings).isCloseTo(1.0, within(0.02));
        }
    }

    /**
     * The same pool with answers 40 decisions late: the forecast, which sees each choice at once,
     * keeps 200-answer windows closer to the budget than the pacer alone, which sees it 40 late.
     */
    @Test
    void theForecastKeepsShortWindowsCloserToTheBudgetWhenAnswersAreLate() {
        double alone = windowSpread(TWO_PER_1K);
        double forecast = windowSpread(FORECAST);
        assertThat(forecast).isLessThan(alone);
    }

    private static double windowSpread(SpendSettings settings) {
        double[] costs = new double[6000];
        simulate(settings, 40, new Random(11), costs.length, 0, costs);
        double squares = 0;
        int windows = 0;
        for (int end = 1200; end <= costs.length; end += 200) {
            double sum = 0;
            for (int i = end - 200; i < end; i++) {
                sum += costs[i];
            }
            double dev = sum / 200 / settings.perQuery() - 1;
            squares += dev * dev;
            windows++;
        }
        return Math.sqrt(squares / windows);
    }

    private static double simulate(
            SpendSettings settings, int delay, Random random, int n, int warmup) {
        return simulate(settings, delay, random, n, warmup, new double[n]);
    }

    /** Mean real cost of the decisions after {@code warmup}; each decision's cost in costs. */
    private static double simulate(
            SpendSettings settings, int delay, Random random, int n, int warmup, double[] costs) {
        double b = settings.perQuery();
        SpendPacer.State s = SpendPacer.start(settings, 0);
        SpendPacer.Forecast f = new SpendPacer.Forecast();
        ArrayDeque<double[]> late = new ArrayDeque<>();
        double spent = 0;
        for (int i = 0; i < n; i++) {
            double lambda = SpendPacer.lambda(f, s.logLambda, b);
            boolean expensive = lambda * b < 0.5;
            double predicted = expensive ? 5 * b : 0.2 * b;
            double cost = predicted * (0.7 + 0.6 * random.nextDouble());
            SpendPacer.decided(f, settings, predicted, s.logLambda);
            late.add(new double[] {cost, predicted});
            if (late.size() > delay) {
                double[] answer = late.poll();
                SpendPacer.observe(s, settings, 1, 1, answer[0], answer[1]);
            }
            costs[i] = cost;
            if (i >= warmup) {
                spent += cost;
            }
        }
        return spent / (n - warmup);
    }

    @Test
    void aBudgetBelowEveryModelsCostDrivesLambdaToItsCeilingAndIsUnreachable() {
        for (SpendSettings settings : new SpendSettings[] {TWO_PER_1K, FORECAST}) {
            double b = settings.perQuery();
            SpendPacer.State s = SpendPacer.start(settings, 0);
            SpendPacer.Forecast f = new SpendPacer.Forecast();
            for (int i = 0; i < 400; i++) {
                SpendPacer.decided(f, settings, 3 * b, s.logLambda);
                SpendPacer.observe(s, settings, 1, 1, 3 * b, 3 * b);
            }
            double lambda = SpendPacer.lambda(f, s.logLambda, b);
            assertThat(lambda * b).isCloseTo(SpendPacer.MAX_LAMBDA_B, within(1e-6));
            assertThat(f.unreachable(Math.log(lambda))).isTrue();
            SpendPacer.State lower = SpendPacer.start(settings, 0);
            SpendPacer.Forecast cheap = new SpendPacer.Forecast();
            for (int i = 0; i < 400; i++) {
                SpendPacer.decided(cheap, settings, 0.5 * b, lower.logLambda);
                SpendPacer.observe(lower, settings, 1, 1, 0.5 * b, 0.5 * b);
            }
            assertThat(cheap.unreachable(Math.log(SpendPacer.lambda(cheap, lower.logLambda, b))))
                    .isFalse();
        }
    }

    @Test
    void aNewBudgetKeepsLambdaTimesTheBudget() {
        SpendPacer.State s = SpendPacer.start(TWO_PER_1K, 100);
        SpendSettings doubled = new SpendSettings(0.004, 0.05, 500, 250, false);
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
        assertThat(p.spend().forecast()).isTrue();
        // $3 per million input tokens, $15 per million output tokens
        assertThat(p.spend().costPrior(3e-6, 15e-6)).isCloseTo(0.0045, within(1e-15));
        assertThat(PoolSettings.parse("p", Map.of()).spend().paced()).isFalse();
        assertThat(
                        PoolSettings.parse("p", Map.of(SpendSettings.FORECAST, "false"))
                                .spend()
                                .forecast())
                .isFalse();
        assertThatThrownBy(() -> PoolSettings.parse("p", Map.of(SpendSettings.BUDGET, "-1")))
                .hasMessageContaining("budget.per-1k-queries");
        assertThatThrownBy(() -> PoolSettings.parse("p", Map.of(SpendSettings.STEP, "2")))
                .hasMessageContaining("budget.step");
        assertThatThrownBy(() -> PoolSettings.parse("p", Map.of(SpendSettings.FORECAST, "yes")))
                .hasMessageContaining("budget.forecast");
        assertThatThrownBy(
                        () ->
                                SpendPacer.observe(
                                        SpendPacer.start(TWO_PER_1K, 0), TWO_PER_1K, 1, 0, -1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

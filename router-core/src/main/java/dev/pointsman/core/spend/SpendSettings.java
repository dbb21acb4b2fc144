package dev.pointsman.core.spend;

/**
 * A pool's spend settings, part of its {@code PoolSettings}: the budget its λ is paced to, how fast
 * the pacer moves, and the token counts that turn catalog prices into cost priors.
 *
 * @param perQuery the target spend in USD per answered query ({@code budget.per-1k-queries} /
 *     1000); NaN when the pool has no budget and its λ is fixed
 * @param step the pacer's step η: log λ moves by η·(c − B)/B per answered query ({@code
 *     budget.step}; default {@value #DEFAULT_STEP}, the best of the steps {@code bench budget}
 *     measured)
 * @param inputTokens a typical query's prompt tokens ({@code tokens.input}; default {@value
 *     #DEFAULT_INPUT_TOKENS})
 * @param outputTokens a typical answer's tokens ({@code tokens.output}; default {@value
 *     #DEFAULT_OUTPUT_TOKENS})
 * @param forecast whether the deciders count each decision's predicted cost at once and the pacer
 *     only the difference the real cost makes when it arrives ({@code budget.forecast}; default
 *     true), or the pacer counts each answer's real cost when it arrives (false), seconds later;
 *     see {@link SpendPacer}
 */
public record SpendSettings(
        double perQuery, double step, int inputTokens, int outputTokens, boolean forecast) {
    public static final String BUDGET = "budget.per-1k-queries";
    public static final String STEP = "budget.step";
    public static final String INPUT_TOKENS = "tokens.input";
    public static final String OUTPUT_TOKENS = "tokens.output";
    public static final String FORECAST = "budget.forecast";

    public static final double DEFAULT_STEP = 0.05;
    public static final int DEFAULT_INPUT_TOKENS = 500;
    public static final int DEFAULT_OUTPUT_TOKENS = 250;

    /** No budget; the default token counts. */
    public static final SpendSettings NONE =
            new SpendSettings(
                    Double.NaN, DEFAULT_STEP, DEFAULT_INPUT_TOKENS, DEFAULT_OUTPUT_TOKENS, true);

    public SpendSettings {
        if (!Double.isNaN(perQuery) && !(perQuery > 0 && Double.isFinite(perQuery))) {
            throw new IllegalArgumentException("budget must be > 0 USD, got " + perQuery);
        }
        if (!(step > 0 && step <= 1)) {
            throw new IllegalArgumentException("budget step must be in (0, 1], got " + step);
        }
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException(
                    "token counts must be >= 0, got " + inputTokens + " and " + outputTokens);
        }
    }

    /** Whether the pool's λ is paced to a budget. */
    public boolean paced() {
        return !Double.isNaN(perQuery);
    }

    /**
     * The cost prior of a model with these catalog prices (USD per token): what a typical query
     * costs on it. A model no neighbour observed is predicted to cost this, never 0.
     */
    public double costPrior(double inputPrice, double outputPrice) {
        return inputPrice * inputTokens + outputPrice * outputTokens;
    }
}

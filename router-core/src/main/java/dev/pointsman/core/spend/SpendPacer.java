package dev.pointsman.core.spend;

/**
 * Holds a pool's spend to its budget B (USD per answered query) by moving its λ: a primal-dual
 * pacer on the realised spend. λ is the price of a dollar in units of quality, the dual variable of
 * "mean cost ≤ B"; after each answered query that cost c,
 *
 * <pre>
 *   e      ← (c − B) / B + carried
 *   log λ  ← clamp(log λ + η · min(e, {@value #MAX_ERROR}), log λmin, log λmax)
 *   carried ← e − min(e, {@value #MAX_ERROR})
 * </pre>
 *
 * <p>an integral controller on log λ (multiplicative steps, since λ's scale is unknown and spans
 * decades). Its integral action makes the cumulative overspend a bounded sum: spend above B raises
 * λ until the router buys cheaper models, below B lowers it. Cost is realised cost: it includes a
 * price change or a biased ĉ. One answer moves λ by at most {@value #MAX_ERROR} budgets' worth, so
 * that a very expensive answer cannot throw λ far at once; the rest of its error is carried to the
 * next answers, not dropped (dropping it undercounted exactly the overspend of a price rise: {@code
 * bench budget} overspent 13–18% at budgets a doubled gpt-4 answer exceeded 10-fold). λ·B is kept
 * within [{@value #MIN_LAMBDA_B}, {@value #MAX_LAMBDA_B}]: at the top every model is about as
 * unaffordable as λ can say, and a spend still above B there is one the pool cannot meet ({@link
 * State#unreachable}).
 *
 * <p>The arithmetic is here, the state in the routing job's keyed state (checkpointed).
 */
public final class SpendPacer {
    /** Largest error one answer moves λ by, in budgets; the rest is carried. */
    static final double MAX_ERROR = 10;

    /** λ·B where the pacer starts without a pool λ: a budget's cost is worth 0.1 of quality. */
    static final double START_LAMBDA_B = 0.1;

    static final double MIN_LAMBDA_B = 1e-4;
    static final double MAX_LAMBDA_B = 1e4;

    /** Answers the spend average spans: an exponential mean over about this many. */
    static final int SMOOTHING = 200;

    /** Answers counted before a budget can be called unreachable. */
    static final int MIN_ANSWERS = 50;

    private SpendPacer() {}

    /**
     * A pool's pacing state. A POJO (Flink keyed state).
     *
     * <p>{@code logLambda}: the current log λ; {@code answered}: answers counted; {@code spend}:
     * the exponential mean cost per answer; {@code budget}: the target the state was paced to (a
     * new budget rescales λ, see {@link #retarget}); {@code carried}: error counted but not yet
     * applied to λ, in budgets.
     */
    public static final class State {
        public double logLambda;
        public long answered;
        public double spend;
        public double budget;
        public double carried;

        public State() {}

        public double lambda() {
            return Math.exp(logLambda);
        }

        /**
         * Whether the budget cannot be met: λ is at its ceiling and the recent spend is still more
         * than 5% above the budget (every model the router can choose costs more than that).
         */
        public boolean unreachable() {
            return answered >= MIN_ANSWERS
                    && logLambda >= Math.log(MAX_LAMBDA_B / budget) - 1e-9
                    && spend > 1.05 * budget;
        }
    }

    /**
     * The state a pool starts with: λ = the pool's fixed λ where it has one (> 0), else {@value
     * #START_LAMBDA_B}/B.
     */
    public static State start(SpendSettings settings, double poolLambda) {
        requirePaced(settings);
        State s = new State();
        s.budget = settings.perQuery();
        double lambda = poolLambda > 0 ? poolLambda : START_LAMBDA_B / s.budget;
        s.logLambda = clamp(Math.log(lambda), s.budget);
        s.spend = s.budget;
        return s;
    }

    /**
     * {@code state} paced to the settings' budget: when the budget changed, λ is scaled by old/new
     * budget (the same λ·B, so the same trade-off relative to the new target) and the spend average
     * restarts at the new budget.
     */
    public static State retarget(State state, SpendSettings settings) {
        requirePaced(settings);
        double budget = settings.perQuery();
        if (budget == state.budget) {
            return state;
        }
        State s = new State();
        s.budget = budget;
        s.logLambda = clamp(state.logLambda + Math.log(state.budget / budget), budget);
        s.answered = state.answered;
        s.spend = budget;
        return s;
    }

    /** Counts {@code queries} newly answered queries and {@code cost} USD newly paid. */
    public static void observe(State s, SpendSettings settings, long queries, double cost) {
        requirePaced(settings);
        if (!(cost >= 0) || queries < 0) {
            throw new IllegalArgumentException(
                    "spend must be >= 0 USD over >= 0 queries, got " + cost + " over " + queries);
        }
        double b = s.budget;
        // The error of these answers against their budget; more outcomes of a query already
        // counted (queries = 0) add their cost, as the answer that paid for them would have.
        double error = (cost - queries * b) / b + s.carried;
        double applied = Math.min(MAX_ERROR * Math.max(1, queries), error);
        s.carried = error - applied;
        s.logLambda = clamp(s.logLambda + settings.step() * applied, b);
        s.answered += queries;
        if (s.answered == 0) {
            return;
        }
        // An exponential mean over the last SMOOTHING answers (a plain mean before that); more
        // outcomes of an answer already counted add their cost to it.
        double span = Math.min(SMOOTHING, s.answered);
        if (queries > 0) {
            s.spend += Math.min(1, queries / span) * (cost / queries - s.spend);
        } else {
            s.spend += cost / span;
        }
    }

    private static double clamp(double logLambda, double budget) {
        return Math.max(
                Math.log(MIN_LAMBDA_B / budget),
                Math.min(Math.log(MAX_LAMBDA_B / budget), logLambda));
    }

    private static void requirePaced(SpendSettings settings) {
        if (!settings.paced()) {
            throw new IllegalArgumentException("the pool has no budget to pace to");
        }
    }
}

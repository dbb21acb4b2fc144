package dev.pointsman.core.spend;

/**
 * Holds a pool's spend to its budget B (USD per answered query) by moving its λ: a primal-dual
 * pacer. λ is the price of a dollar in units of quality, the dual variable of "mean cost ≤ B"; log
 * λ integrates the spend's error in budgets,
 *
 * <pre>
 *   e       ← (c − B) / B + carried
 *   log λ   ← clamp(log λ + η · clamp(e, ±{@value #MAX_ERROR}), log λmin, log λmax)
 *   carried ← e − clamp(e, ±{@value #MAX_ERROR})
 * </pre>
 *
 * <p>(multiplicative steps, since λ's scale is unknown and spans decades). Integral action makes
 * the cumulative overspend a bounded sum: spend above B raises λ until the router buys cheaper
 * models, below B lowers it. One answer moves λ by at most {@value #MAX_ERROR} budgets' worth, so
 * that a very expensive answer cannot throw λ far at once; the rest of its error is carried to the
 * next answers, never dropped (dropping it undercounted exactly the overspend of a price rise:
 * {@code bench budget} overspent 13–18% at budgets a doubled gpt-4 answer exceeded 10-fold).
 *
 * <p>Real costs arrive seconds after the decision that incurred them, and an integrator that waits
 * for them swings. With {@link SpendSettings#forecast} the error is split in two sums that add up
 * to the same total once every answer is in (a Smith predictor): the deciders integrate each
 * decision's predicted cost at once ({@link Forecast}, c = ĉ of the models it asks), and the pacer
 * integrates only what the real cost adds to it when it arrives ({@link State}, c − ĉ per outcome,
 * and c − B for an answer no decision predicted). λ is exp of their sum. Without the forecast the
 * pacer integrates c − B itself.
 *
 * <p>λ·B is kept within [{@value #MIN_LAMBDA_B}, {@value #MAX_LAMBDA_B}]: at the top every model is
 * about as unaffordable as λ can say, and a predicted spend still above B there is one the pool
 * cannot meet ({@link Forecast#unreachable}). The arithmetic is here; the states are the routing
 * job's keyed state (checkpointed): {@link State} the pacer's, {@link Forecast} the decider's.
 */
public final class SpendPacer {
    /** Largest error one answer or decision moves λ by, in budgets; the rest is carried. */
    static final double MAX_ERROR = 10;

    /** λ·B where the pacer starts without a pool λ: a budget's cost is worth 0.1 of quality. */
    static final double START_LAMBDA_B = 0.1;

    static final double MIN_LAMBDA_B = 1e-4;
    static final double MAX_LAMBDA_B = 1e4;

    /** Decisions the spend average spans: an exponential mean over about this many. */
    static final int SMOOTHING = 200;

    /** Decisions counted before a budget can be called unreachable. */
    static final int MIN_ANSWERS = 50;

    private SpendPacer() {}

    /**
     * The pacer's state: the part of log λ the real costs set. A POJO (Flink keyed state).
     *
     * <p>{@code logLambda}: log λ's start plus every real-cost error; {@code answered}: answers
     * counted; {@code budget}: the target the state was paced to (a new budget rescales λ, see
     * {@link #retarget}); {@code carried}: error counted but not yet applied, in budgets.
     */
    public static final class State {
        public double logLambda;
        public long answered;
        public double budget;
        public double carried;

        public State() {}

        public double lambda() {
            return Math.exp(logLambda);
        }
    }

    /**
     * The decider's part of a paced pool's λ: each decision's predicted cost, counted at once. A
     * POJO (Flink keyed state).
     *
     * <p>{@code offset}: what the decisions add to the pacer's log λ; {@code carried}: their error
     * not yet applied; {@code decided}: decisions counted; {@code spend}: the exponential mean of
     * their predicted cost; {@code budget}: the budget they were counted against.
     */
    public static final class Forecast {
        public double offset;
        public double carried;
        public long decided;
        public double spend;
        public double budget;

        public Forecast() {}

        /**
         * Whether the budget cannot be met: λ is at its ceiling and the predicted spend of recent
         * decisions is still more than 5% above the budget (every model costs more than that).
         */
        public boolean unreachable(double logLambda) {
            return decided >= MIN_ANSWERS
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
        return s;
    }

    /**
     * {@code state} paced to the settings' budget: when the budget changed, λ is scaled by old/new
     * budget (the same λ·B, so the same trade-off relative to the new target).
     */
    public static State retarget(State state, SpendSettings settings) {
        requirePaced(settings);
        double budget = settings.perQuery();
        if (budget == state.budget) {
            return state;
        }
        State s = new State();
        s.budget = budget;
        s.logLambda = state.logLambda + Math.log(state.budget / budget);
        if (!settings.forecast()) {
            s.logLambda = clamp(s.logLambda, budget);
        }
        s.answered = state.answered;
        return s;
    }

    /**
     * Counts what the pool's shards learned it paid.
     *
     * @param queries newly answered queries (new examples)
     * @param decided how many of those a decision predicted (their budget the deciders counted)
     * @param cost USD of the outcomes not counted before
     * @param predicted the decisions' ĉ of those outcomes, where a decision predicted them
     */
    public static void observe(
            State s,
            SpendSettings settings,
            long queries,
            long decided,
            double cost,
            double predicted) {
        requirePaced(settings);
        if (!(cost >= 0) || !(predicted >= 0) || queries < 0 || decided < 0 || decided > queries) {
            throw new IllegalArgumentException(
                    "spend must be >= 0 USD over >= 0 queries, got "
                            + cost
                            + " (predicted "
                            + predicted
                            + ") over "
                            + queries
                            + " ("
                            + decided
                            + " decided)");
        }
        double b = s.budget;
        // Where the deciders forecast, they counted ĉ − B already: the real cost adds c − ĉ, and
        // an answer none of them predicted its own c − B. Otherwise every answer counts c − B here.
        double counted = settings.forecast() ? predicted + (queries - decided) * b : queries * b;
        double error = (cost - counted) / b + s.carried;
        double applied = clampError(error, Math.max(1, queries));
        s.carried = error - applied;
        s.logLambda += settings.step() * applied;
        if (!settings.forecast()) {
            s.logLambda = clamp(s.logLambda, b);
        }
        // With the forecast only the sum with the deciders' offset is λ, and only it is clamped:
        // clamping this part alone would drop real overspend the offset had not seen (a stale ĉ
        // after a price rise), and λ would stop rising while the pool overspends.
        s.answered += queries;
    }

    /** The λ a decision uses: exp of the pacer's log λ plus the decisions' offset, clamped. */
    public static double lambda(Forecast f, double pacerLogLambda, double budget) {
        return Math.exp(clamp(pacerLogLambda + f.offset, budget));
    }

    /**
     * Counts a decision whose asked models are predicted to cost {@code predicted} USD in all,
     * against the budget: at once, where the pool forecasts ({@link SpendSettings#forecast}).
     * Always keeps the decisions' mean predicted spend (for {@link Forecast#unreachable}).
     */
    public static void decided(
            Forecast f, SpendSettings settings, double predicted, double pacerLogLambda) {
        requirePaced(settings);
        if (!(predicted >= 0)) {
            throw new IllegalArgumentException("predicted cost must be >= 0, got " + predicted);
        }
        double b = settings.perQuery();
        if (f.budget != b) {
            // The pacer keeps λ·B across a new budget; the offset is already relative to it.
            f.budget = b;
            f.carried = 0;
            f.spend = b;
        }
        if (settings.forecast()) {
            double error = (predicted - b) / b + f.carried;
            double applied = clampError(error, 1);
            f.carried = error - applied;
            // Anti-windup: the offset never pushes the sum beyond λ's range.
            f.offset =
                    Math.max(
                            Math.log(MIN_LAMBDA_B / b) - pacerLogLambda,
                            Math.min(
                                    Math.log(MAX_LAMBDA_B / b) - pacerLogLambda,
                                    f.offset + settings.step() * applied));
        }
        f.decided++;
        f.spend += (predicted - f.spend) / Math.min(SMOOTHING, f.decided);
    }

    private static double clampError(double error, long queries) {
        double max = MAX_ERROR * queries;
        return Math.max(-max, Math.min(max, error));
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

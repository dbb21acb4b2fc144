package dev.pointsman.core.route;

import dev.pointsman.core.spend.SpendSettings;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A pool's routing settings, parsed once from its catalog's {@code defaults} map (string keys and
 * values, as a catalog carries them). Every key is optional.
 *
 * @param lambda the pool's λ, for queries that give none ({@code lambda}, ≥ 0; default 0)
 * @param exploration the most share of queries that every model answers, not only the chosen one
 *     ({@code exploration}, in [0, 1]; default {@value #DEFAULT_EXPLORATION}); see {@link
 *     Exploration}
 * @param minObserved a model is under-observed when fewer of a query's neighbours observed it
 *     ({@code exploration.min-observed}; default {@value #DEFAULT_MIN_OBSERVED})
 * @param oodThreshold a query whose out-of-distribution score is above this is explored at the full
 *     share ({@code exploration.ood-threshold}; default {@value #DEFAULT_OOD_THRESHOLD})
 * @param fallbackWindows the pool routes by the global trend after this many live windows in a row
 *     below it, and back by its router after as many above ({@code fallback.windows}; 0 disables;
 *     default {@value #DEFAULT_FALLBACK_WINDOWS})
 * @param fallbackMinQueries a window counts with at least this many fully observed queries ({@code
 *     fallback.min-queries}; default {@value #DEFAULT_FALLBACK_MIN_QUERIES})
 * @param halfLifeS an example's weight halves every this many seconds of age ({@code
 *     decay.half-life-s}; 0, the default, is no decay)
 * @param prior what knn-shrunk shrinks toward ({@code shrink.prior}): the live windows' trend
 *     ({@code live-trend}, the default), only the trend it was trained with ({@code trained-trend}:
 *     a pool, or a benchmark's static pass, that should not follow the traffic), or the prediction
 *     at the query of a linear router fitted on the fully observed examples, corrected by the live
 *     neighbours alone ({@code reference}; {@link KnnShrinkage#estimateFromReference})
 * @param dimension the embedding dimension the pool expects ({@code dimension}), or null for any
 * @param embedder the embedder the pool expects ({@code embedder}), or null for any
 * @param router the router the pool runs ({@code router}), or null for the job's plain kNN
 * @param spend the pool's budget, if any, and the token counts of its cost priors ({@code
 *     budget.per-1k-queries}, {@code budget.step}, {@code tokens.input}, {@code tokens.output})
 */
public record PoolSettings(
        double lambda,
        double exploration,
        int minObserved,
        double oodThreshold,
        int fallbackWindows,
        int fallbackMinQueries,
        double halfLifeS,
        String prior,
        @Nullable Integer dimension,
        @Nullable String embedder,
        @Nullable RouterSpec router,
        SpendSettings spend) {

    public static final double DEFAULT_EXPLORATION = 0.10;
    public static final int DEFAULT_MIN_OBSERVED = 3;
    public static final double DEFAULT_OOD_THRESHOLD = 3.0;
    public static final int DEFAULT_FALLBACK_WINDOWS = 3;
    public static final int DEFAULT_FALLBACK_MIN_QUERIES = 10;

    /** The key that says what knn-shrunk shrinks toward, and its values. */
    public static final String PRIOR = "shrink.prior";

    public static final String LIVE_TREND = "live-trend";
    public static final String TRAINED_TREND = "trained-trend";
    public static final String REFERENCE = "reference";

    /** Whether knn-shrunk shrinks toward the live windows' trend. */
    public boolean liveTrend() {
        return prior.equals(LIVE_TREND);
    }

    /** Whether knn-shrunk starts from its reference router's prediction at the query. */
    public boolean referencePrior() {
        return prior.equals(REFERENCE);
    }

    /**
     * The name a challenger's predictions and windows carry: {@code router@variant}, e.g. {@code
     * knn-shrunk@trained-trend}. No router's own name has an {@code @}.
     */
    public static String challengerName(String router, String variant) {
        return router + '@' + variant;
    }

    /**
     * Whether {@code router} names a challenger ({@link #challengerName}), which decides nothing.
     */
    public static boolean isChallenger(String router) {
        return router.indexOf('@') >= 0;
    }

    /**
     * {@code value} if it is one of {@value #PRIOR}'s values; otherwise an error that starts with
     * {@code setting}, the name the user typed.
     */
    public static String checkPrior(String value, String setting) {
        if (!List.of(LIVE_TREND, TRAINED_TREND, REFERENCE).contains(value)) {
            throw new IllegalArgumentException(
                    setting
                            + " must be "
                            + LIVE_TREND
                            + ", "
                            + TRAINED_TREND
                            + " or "
                            + REFERENCE
                            + ", got "
                            + value);
        }
        return value;
    }

    /** The key by which a pool opts in to dead letters that keep its prompts' text. */
    public static final String DLQ_KEEP_TEXT = "dlq.keep-text";

    /**
     * Whether the pool opted in ({@code dlq.keep-text} {@code true}; default {@code false}) to dead
     * letters that keep its records' prompt text; otherwise they keep its length and SHA-256.
     */
    public static boolean keepsText(String pool, Map<String, String> defaults) {
        String v = defaults.getOrDefault(DLQ_KEEP_TEXT, "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(
                    "catalog of "
                            + pool
                            + ": default "
                            + DLQ_KEEP_TEXT
                            + " must be true or false, got "
                            + v);
        }
        return v.equals("true");
    }

    /** The settings of a catalog with no defaults. */
    public static final PoolSettings DEFAULTS =
            new PoolSettings(
                    0,
                    DEFAULT_EXPLORATION,
                    DEFAULT_MIN_OBSERVED,
                    DEFAULT_OOD_THRESHOLD,
                    DEFAULT_FALLBACK_WINDOWS,
                    DEFAULT_FALLBACK_MIN_QUERIES,
                    0,
                    REFERENCE,
                    null,
                    null,
                    null,
                    SpendSettings.NONE);

    /**
     * Parses {@code defaults}; an error says which key of {@code pool}'s catalog is wrong and why.
     */
    public static PoolSettings parse(String pool, Map<String, String> defaults) {
        keepsText(pool, defaults); // checked with the rest, though the DLQ reads it on its own
        double lambda = number(pool, defaults, "lambda", 0, Double.POSITIVE_INFINITY, false, 0);
        double exploration =
                number(pool, defaults, "exploration", 0, 1, false, DEFAULT_EXPLORATION);
        int minObserved =
                integer(
                        pool,
                        defaults,
                        "exploration.min-observed",
                        0,
                        1_000_000,
                        DEFAULT_MIN_OBSERVED);
        double oodThreshold =
                number(
                        pool,
                        defaults,
                        "exploration.ood-threshold",
                        Double.NEGATIVE_INFINITY,
                        Double.POSITIVE_INFINITY,
                        false,
                        DEFAULT_OOD_THRESHOLD);
        int fallbackWindows =
                integer(pool, defaults, "fallback.windows", 0, 1_000_000, DEFAULT_FALLBACK_WINDOWS);
        int fallbackMinQueries =
                integer(
                        pool,
                        defaults,
                        "fallback.min-queries",
                        1,
                        1_000_000,
                        DEFAULT_FALLBACK_MIN_QUERIES);
        double halfLifeS = number(pool, defaults, "decay.half-life-s", 0, 1e12, false, 0);
        String prior =
                checkPrior(
                        defaults.getOrDefault(PRIOR, REFERENCE),
                        "catalog of " + pool + ": default " + PRIOR);
        Integer dimension =
                defaults.containsKey("dimension")
                        ? integer(pool, defaults, "dimension", 1, 1_000_000, 0)
                        : null;
        RouterSpec router = null;
        String name = defaults.get("router");
        if (name != null) {
            try {
                router = RouterSpec.parseLive(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "catalog of "
                                + pool
                                + ": router '"
                                + name
                                + "' is not one the job runs ("
                                + RouterSpec.LIVE
                                + ")"
                                + (e.getMessage().contains(RouterSpec.OFFLINE_ONLY)
                                        ? ": it is " + RouterSpec.OFFLINE_ONLY
                                        : ""),
                        e);
            }
        }
        return new PoolSettings(
                lambda,
                exploration,
                minObserved,
                oodThreshold,
                fallbackWindows,
                fallbackMinQueries,
                halfLifeS,
                prior,
                dimension,
                defaults.get("embedder"),
                router,
                spend(pool, defaults));
    }

    private static SpendSettings spend(String pool, Map<String, String> defaults) {
        double budget =
                defaults.containsKey(SpendSettings.BUDGET)
                        ? number(pool, defaults, SpendSettings.BUDGET, 1e-12, 1e12, false, 0) / 1000
                        : Double.NaN;
        return new SpendSettings(
                budget,
                number(
                        pool,
                        defaults,
                        SpendSettings.STEP,
                        1e-6,
                        1,
                        false,
                        SpendSettings.DEFAULT_STEP),
                integer(
                        pool,
                        defaults,
                        SpendSettings.INPUT_TOKENS,
                        0,
                        10_000_000,
                        SpendSettings.DEFAULT_INPUT_TOKENS),
                integer(
                        pool,
                        defaults,
                        SpendSettings.OUTPUT_TOKENS,
                        0,
                        10_000_000,
                        SpendSettings.DEFAULT_OUTPUT_TOKENS),
                bool(pool, defaults, SpendSettings.FORECAST, true));
    }

    private static boolean bool(
            String pool, Map<String, String> defaults, String key, boolean fallback) {
        String value = defaults.get(key);
        if (value == null) {
            return fallback;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(
                    "catalog of "
                            + pool
                            + ": default "
                            + key
                            + " must be true or false, got "
                            + value);
        }
        return value.equals("true");
    }

    /** These settings, running {@code router} where the catalog names none. */
    public PoolSettings withDefaultRouter(@Nullable RouterSpec router) {
        if (this.router != null || router == null) {
            return this;
        }
        return new PoolSettings(
                lambda,
                exploration,
                minObserved,
                oodThreshold,
                fallbackWindows,
                fallbackMinQueries,
                halfLifeS,
                prior,
                dimension,
                embedder,
                router,
                spend);
    }

    /** The router this pool's trainer fits, or null when it runs a searched kNN. */
    public @Nullable RouterSpec trainedRouter() {
        return router != null && router.trained() ? router : null;
    }

    /**
     * The kNN the pool's neighbours are read with: its own {@code knn-K(-weighted)} when it names
     * one within the {@code jobK} neighbours found per query, else plain kNN over all of them.
     */
    public RouterSpec knn(int jobK) {
        return router != null && router.kind() == RouterSpec.Kind.KNN && router.k() <= jobK
                ? router
                : RouterSpec.knn(jobK, false);
    }

    private static int integer(
            String pool, Map<String, String> defaults, String key, int min, int max, int fallback) {
        return (int) number(pool, defaults, key, min, max, true, fallback);
    }

    private static double number(
            String pool,
            Map<String, String> defaults,
            String key,
            double min,
            double max,
            boolean integer,
            double fallback) {
        String value = defaults.get(key);
        if (value == null) {
            return fallback;
        }
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "catalog of " + pool + ": default " + key + " is not a number: " + value);
        }
        if (!(v >= min && v <= max) || (integer && v != Math.rint(v))) {
            throw new IllegalArgumentException(
                    "catalog of "
                            + pool
                            + ": default "
                            + key
                            + " must be "
                            + (integer ? "an integer " : "a number ")
                            + "in ["
                            + min
                            + ", "
                            + max
                            + "], got "
                            + value);
        }
        return v;
    }
}

package dev.pointsman.flink.job;

import dev.pointsman.core.knn.Neighbour;
import dev.pointsman.core.route.Exploration;
import dev.pointsman.core.route.GlobalTrend;
import dev.pointsman.core.route.KnnPredictor;
import dev.pointsman.core.route.KnnShrinkage;
import dev.pointsman.core.route.Outcomes;
import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.core.route.TrainedRouters;
import dev.pointsman.core.route.UtilityPredictor;
import dev.pointsman.core.spend.PriceHistory;
import dev.pointsman.core.spend.SpendPacer;
import dev.pointsman.core.spend.SpendSettings;
import dev.pointsman.core.vector.Vectors;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.flink.records.KeyedBytes;
import dev.pointsman.flink.support.Neighbourhood;
import dev.pointsman.flink.support.ShardKeys;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.ChallengerPrediction;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.NeighbourRef;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.jspecify.annotations.Nullable;

/**
 * Turns a query's merged neighbourhood into a routing decision for its pool's current catalog: ŝ
 * and ĉ for every catalog model by router-core's kNN estimate (the arithmetic of {@code pointsman
 * eval}'s knn-K), a model no neighbour observed predicted from its catalog priors (quality, and a
 * cost from its prices and the pool's typical token counts), and argmax ŝ − λ·ĉ with the query's λ,
 * else the λ the pool's {@link Pacer} set for its budget, else the pool's default (ties go to the
 * first model by name), among the models whose ĉ is within the query's {@code budget} if it has one
 * (the cheapest if none is), and whether every other model should answer it too ({@link
 * Exploration}). A pool whose catalog names a trained router uses its newest version instead:
 * knn-shrunk shrinks the same neighbours' estimate toward the pool's trend, the parametric routers
 * predict from the vector.
 */
final class Decider extends CatalogGate<Neighbourhood, KeyedBytes> {
    private static final long serialVersionUID = 1L;

    /** knn-shrunk's prior strength is multiplied by this for an out-of-distribution query. */
    static final double OOD_SHRINK = 4.0;

    /** What chooses while a pool has fallen back. */
    static final String FALLBACK_ROUTER = "global-trend";

    /** Prior quality of a catalog model that declares none. */
    static final double DEFAULT_PRIOR = 0.5;

    /** Neighbours the shards find per query. */
    private final int k;

    private transient SingleObjectCodec<RoutingDecision> codec;
    private transient Map<String, Parametric> loaded;
    private transient volatile long lastVersion;
    private transient ValueState<SpendPacer.Forecast> forecast;
    private transient ValueState<Exploration.Budget> exploring;
    private transient ValueStateDescriptor<PoolPrices> pricesDescriptor;
    private transient ValueState<PoolPrices> prices;

    /**
     * Each key's price history as last decoded, by its version. By key, not pool: each lane of a
     * pool keeps its own history (a price change recorded at that lane's clock), and two lanes on
     * one subtask may hold the same version number for different histories.
     */
    private transient Map<String, PoolPrices> decodedPrices;

    /**
     * The pool clock moves in steps of this many ms, so that its state is not written per query.
     */
    static final long CLOCK_STEP_MS = 1_000;

    /**
     * A pool's {@link PriceHistory} (encoded) and its clock, the newest query event time this
     * decider has seen for it (within {@value #CLOCK_STEP_MS} ms): a price change takes effect at
     * the clock's time, since the costs it is compared with are stamped with their queries' event
     * times, whatever clock the queries' producers keep. A POJO (keyed state).
     */
    public static final class PoolPrices {
        public byte[] history;
        public long clock = Long.MIN_VALUE;
        public int version;
        transient @Nullable PriceHistory decoded;

        public PoolPrices() {}
    }

    /**
     * A trained router version for the catalog's {@code models}, in that order: a {@link
     * UtilityPredictor} that predicts from the query vector, or a {@link KnnShrinkage} that shrinks
     * the neighbours' estimate toward the pool's trend.
     */
    record Parametric(String name, long version, List<String> models, Object trained) {}

    Decider(int k, Duration catalogWait, @Nullable RouterSpec defaultRouter) {
        this(k, catalogWait, defaultRouter, 1);
    }

    /**
     * With a pool's queries decided in {@code lanes} lanes ({@link #key}): each keeps its own spend
     * forecast (an integral controller on its share of the pool's decisions, which are a sample of
     * the pool's traffic by query id) and price clock; the pacer's λ, the trained routers and the
     * verdicts reach every lane.
     */
    Decider(int k, Duration catalogWait, @Nullable RouterSpec defaultRouter, int lanes) {
        super(Neighbourhood.class, catalogWait, defaultRouter, lanes);
        this.k = k;
    }

    /** The key a neighbourhood is decided under: its pool's lane for the query. */
    static String key(Neighbourhood n, int lanes) {
        return key(n.pool, n.queryId, lanes);
    }

    @Override
    public void open(OpenContext context) {
        super.open(context);
        codec = SingleObjectCodec.of(RoutingDecision.class);
        loaded = new HashMap<>();
        forecast =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "spend-forecast",
                                        TypeInformation.of(SpendPacer.Forecast.class)));
        exploring =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "exploration-budget",
                                        TypeInformation.of(Exploration.Budget.class)));
        pricesDescriptor =
                new ValueStateDescriptor<>("prices", TypeInformation.of(PoolPrices.class));
        prices = getRuntimeContext().getState(pricesDescriptor);
        decodedPrices = new HashMap<>();
        getRuntimeContext()
                .getMetricGroup()
                .gauge("routerVersion", (org.apache.flink.metrics.Gauge<Long>) () -> lastVersion);
    }

    @Override
    boolean usesWeights() {
        return true;
    }

    /** The newest trained version of the pool's configured router, if it fits the catalog. */
    private @Nullable Parametric parametric(Pool pool) throws Exception {
        RouterSpec configured = pool.settings().trainedRouter();
        if (configured == null || weights == null) {
            return null;
        }
        CatalogUpdate w = weights.get(pool.name());
        if (w == null || !w.router.equals(configured.name())) {
            return null;
        }
        if (!Arrays.asList(w.models).equals(pool.models())) {
            return null; // trained for another model list: wait for the next version
        }
        Parametric p = loaded.get(pool.name());
        if (p == null || p.version() != w.version) {
            p =
                    new Parametric(
                            w.router,
                            w.version,
                            List.of(w.models),
                            TrainedRouters.decode(w.weights));
            loaded.put(pool.name(), p);
        }
        return p;
    }

    @Override
    @Nullable String handle(Neighbourhood n, Pool pool, Collector<KeyedBytes> out) {
        Parametric p;
        try {
            p = parametric(pool);
        } catch (Exception e) {
            throw new IllegalStateException("reading the trained router of " + n.pool, e);
        }
        SpendSettings spend = pool.settings().spend();
        SpendPacer.Forecast f = null;
        double pacerLog = Double.NaN;
        double paced = Double.NaN;
        if (spend.paced()) {
            f = forecastOf();
            pacerLog = pacerLogLambda(pool);
            paced = SpendPacer.lambda(f, pacerLog, spend.perQuery());
        }
        Exploration.Budget budget;
        try {
            budget = exploring.value();
        } catch (Exception e) {
            throw new IllegalStateException("reading the exploration budget of " + n.pool, e);
        }
        if (budget == null) {
            budget = new Exploration.Budget();
        }
        RoutingDecision decision =
                decide(
                        n,
                        pool,
                        k,
                        p,
                        verdict(pool.name()),
                        paced,
                        pricesAt(n.ts, pool, key(n, lanes)),
                        budget);
        if (decision == null) {
            return "pool " + n.pool + " has no models in its catalog";
        }
        try {
            exploring.update(budget);
        } catch (Exception e) {
            throw new IllegalStateException("writing the exploration budget of " + n.pool, e);
        }
        lastVersion = decision.getRouterVersion();
        if (f != null) {
            boolean wasUnreachable = f.unreachable(Math.log(paced));
            SpendPacer.decided(f, spend, askedCost(decision), pacerLog);
            try {
                forecast.update(f);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("writing the spend forecast of " + n.pool, e);
            }
            double after = SpendPacer.lambda(f, pacerLog, spend.perQuery());
            // Each lane forecasts on its own; the first lane speaks for the pool.
            if (f.unreachable(Math.log(after)) != wasUnreachable
                    && ShardKeys.laneOf(n.queryId, lanes) == 0) {
                alert(
                        Alert.newBuilder()
                                .setPool(n.pool)
                                .setKind(wasUnreachable ? "budget-reachable" : "budget-unreachable")
                                .setValue(1000 * f.spend)
                                .setThreshold(1000 * spend.perQuery())
                                .setWindowStart(Instant.ofEpochMilli(n.ts))
                                .setWindowEnd(Instant.ofEpochMilli(n.ts))
                                .build());
            }
        }
        out.collect(new KeyedBytes(Decoders.utf8(n.queryId), codec.encode(decision)));
        return null;
    }

    /** The catalog's prices: model → {input, output}. */
    private static Map<String, double[]> pricesOf(Pool pool) {
        Map<String, double[]> now = new HashMap<>();
        for (CatalogModel m : pool.catalog().getModels()) {
            now.put(m.getName(), new double[] {m.getInputPrice(), m.getOutputPrice()});
        }
        return now;
    }

    /**
     * The price history of the pool's lane {@code key} (the pool itself with one lane), its clock
     * moved on to {@code ts}; begun with the catalog's prices (as if they had always been) at the
     * lane's first query here.
     */
    private PriceHistory pricesAt(long ts, Pool pool, String key) {
        try {
            PoolPrices p = prices.value();
            boolean changed = false;
            if (p == null) {
                p = new PoolPrices();
                p.history = PriceHistory.EMPTY.with(Long.MIN_VALUE, pricesOf(pool)).encode();
                p.version = 1;
                changed = true;
            }
            if (p.clock == Long.MIN_VALUE || ts >= p.clock + CLOCK_STEP_MS) {
                p.clock = ts;
                changed = true;
            }
            if (changed) {
                prices.update(p);
            }
            PoolPrices cached = decodedPrices.get(key);
            if (cached == null || cached.version != p.version || cached.decoded == null) {
                p.decoded = PriceHistory.decode(p.history);
                decodedPrices.put(key, p);
                cached = p;
            }
            return cached.decoded;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("reading the prices of " + pool.name(), e);
        }
    }

    /** A new catalog's prices take effect at the pool's clock. */
    @Override
    void catalogArrived(Context ctx, String pool, Pool catalog) throws Exception {
        Map<String, double[]> now = pricesOf(catalog);
        ctx.applyToKeyedState(
                pricesDescriptor,
                (key, state) -> {
                    PoolPrices p = state.value();
                    if (!poolOfKey(key).equals(pool) || p == null) {
                        return;
                    }
                    PriceHistory before = PriceHistory.decode(p.history);
                    PriceHistory after = before.with(p.clock, now);
                    if (after != before) {
                        p.history = after.encode();
                        p.version++;
                        state.update(p);
                    }
                });
    }

    /**
     * {@code shrinkage} shrinking toward the verdict's live trend for every model that trend has
     * (the trained trend for the others), or {@code shrinkage} itself without one.
     */
    static KnnShrinkage recent(
            KnnShrinkage shrinkage,
            @Nullable CatalogUpdate verdict,
            Map<String, Integer> column,
            PriceHistory prices,
            SpendSettings spend) {
        if (verdict == null || verdict.trendModels == null || verdict.trendModels.length == 0) {
            return shrinkage;
        }
        int models = column.size();
        double[] scores = new double[models];
        double[] costs = new double[models];
        boolean[] known = new boolean[models];
        for (int t = 0; t < verdict.trendModels.length; t++) {
            Integer m = column.get(verdict.trendModels[t]);
            if (m != null) {
                scores[m] = verdict.trendScores[t];
                costs[m] = trendCost(verdict, t, prices, spend);
                known[m] = true;
            }
        }
        return shrinkage.withTrend(scores, costs, known);
    }

    /**
     * The verdict's trend cost of its {@code t}-th model at today's prices: the trend is a decayed
     * mean of costs paid at the prices of their time ({@link PriceHistory#decayedFactor}).
     */
    static double trendCost(
            CatalogUpdate verdict, int t, PriceHistory prices, SpendSettings spend) {
        return verdict.trendCosts[t]
                * prices.decayedFactor(
                        verdict.trendModels[t], verdict.trendEnd, verdict.trendHalfLifeMs, spend);
    }

    static @Nullable RoutingDecision decide(Neighbourhood n, Pool pool, int k) {
        return decide(n, pool, k, null, null, Double.NaN, PriceHistory.EMPTY, null);
    }

    static @Nullable RoutingDecision decide(
            Neighbourhood n,
            Pool pool,
            int k,
            @Nullable Parametric parametric,
            @Nullable CatalogUpdate verdict) {
        return decide(n, pool, k, parametric, verdict, Double.NaN, PriceHistory.EMPTY, null);
    }

    /**
     * The pacer's part of a budgeted pool's log λ: its newest, or where it has sent none yet (no
     * answer counted since the budget was set) the log λ it starts from.
     */
    private double pacerLogLambda(Pool pool) {
        SpendSettings spend = pool.settings().spend();
        try {
            CatalogUpdate u = pacing == null ? null : pacing.get(pool.name());
            if (u != null && u.budget == spend.perQuery()) {
                return u.pacedLogLambda;
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading the paced λ of " + pool.name(), e);
        }
        return SpendPacer.start(spend, pool.settings().lambda()).logLambda;
    }

    /** The current pool's forecast state, new if it has none. */
    private SpendPacer.Forecast forecastOf() {
        try {
            SpendPacer.Forecast f = forecast.value();
            return f == null ? new SpendPacer.Forecast() : f;
        } catch (Exception e) {
            throw new IllegalStateException("reading the spend forecast", e);
        }
    }

    /** What the decision's asked models are predicted to cost: the chosen and any explored. */
    static double askedCost(RoutingDecision d) {
        double cost = 0;
        for (ModelPrediction p : d.getPredictions()) {
            if (p.getModel().equals(d.getModel())
                    || (d.getExplore() && d.getExploreModels().contains(p.getModel()))) {
                cost += Math.max(0, p.getCost());
            }
        }
        return cost;
    }

    /** Each model's ŝ and ĉ, in the catalog's name order. */
    private static List<ModelPrediction> predictions(List<String> names, double[] s, double[] c) {
        List<ModelPrediction> out = new ArrayList<>(names.size());
        for (int m = 0; m < names.size(); m++) {
            out.add(new ModelPrediction(names.get(m), s[m], c[m]));
        }
        return out;
    }

    /**
     * The challenger of a live-trend pool's knn-shrunk {@code router}: the same neighbours shrunk
     * toward the trained trend, or toward the live one once the referee has {@code promoted} the
     * trained trend.
     */
    static String challengerOf(String router, boolean promoted) {
        return PoolSettings.challengerName(
                router, promoted ? PoolSettings.LIVE_TREND : PoolSettings.TRAINED_TREND);
    }

    /** The referee's newest verdict on the pool: its live trend and whether it fell back. */
    private @Nullable CatalogUpdate verdict(String pool) {
        try {
            return fallbacks == null ? null : fallbacks.get(pool);
        } catch (Exception e) {
            throw new IllegalStateException("reading the verdict on " + pool, e);
        }
    }

    /**
     * The decision, or null when the catalog lists no model. With a trained router ({@code
     * parametric} non-null, for this catalog's models) and the query vector at hand, ŝ and ĉ come
     * from it; otherwise from the neighbours. With a {@code fallback} verdict the model is the
     * argmax of the verdict's trend instead (a model the trend lacks keeps the router's
     * prediction), while the decision still lists the router's predictions. A {@code verdict} that
     * carries the live trend (every window of the pool's router sends one) is also what knn-shrunk
     * shrinks toward: the streams app's decayed, inverse-propensity trend follows the traffic
     * within windows, faster after a drift alert, while the one the router was trained with is as
     * old as its training window.
     *
     * <p>Costs are read at today's prices: after a price change in the catalog, a neighbour's cost
     * is scaled by the ratio of the model's cost prior now to its prior when the neighbour was
     * asked, and the trend's by the same ratio to its decayed mean prior ({@code prices}).
     */
    static @Nullable RoutingDecision decide(
            Neighbourhood n,
            Pool pool,
            int k,
            @Nullable Parametric parametric,
            @Nullable CatalogUpdate verdict,
            double pacedLambda,
            PriceHistory prices,
            Exploration.@Nullable Budget budget) {
        CatalogUpdate fallback = verdict != null && verdict.fallback ? verdict : null;
        List<CatalogModel> byName = new ArrayList<>(pool.catalog().getModels());
        byName.sort((a, b) -> a.getName().compareTo(b.getName()));
        PoolSettings settings = pool.settings();
        int models = byName.size();
        if (models == 0) {
            return null;
        }
        Map<String, Integer> column = new HashMap<>();
        List<String> names = new ArrayList<>();
        double[] priorScores = new double[models];
        double[] priorCosts = new double[models];
        for (int m = 0; m < models; m++) {
            CatalogModel model = byName.get(m);
            column.put(model.getName(), m);
            names.add(model.getName());
            priorScores[m] = model.getPrior() == null ? DEFAULT_PRIOR : model.getPrior();
            priorCosts[m] =
                    settings.spend().costPrior(model.getInputPrice(), model.getOutputPrice());
        }
        int size = n.size();
        boolean repriced = !prices.constant();
        double[][] scores = new double[size][models];
        double[][] costs = new double[size][models];
        double[][] propensities = new double[size][models];
        boolean explored = false;
        Neighbour[] neighbours = new Neighbour[size];
        for (int i = 0; i < size; i++) {
            Arrays.fill(scores[i], Double.NaN);
            Arrays.fill(costs[i], Double.NaN);
            Arrays.fill(propensities[i], 1.0);
            for (int j = 0; j < n.models.length; j++) {
                Integer m = column.get(n.models[j]);
                if (m != null) { // outcomes of models no longer in the catalog are ignored
                    int cell = i * n.models.length + j;
                    scores[i][m] = n.scores[cell];
                    costs[i][m] = n.costs[cell];
                    if (repriced) {
                        costs[i][m] *= prices.factor(names.get(m), n.seqs[i], settings.spend());
                    }
                    if (n.propensities != null && !Double.isNaN(n.scores[cell])) {
                        propensities[i][m] = n.propensities[cell];
                        explored |= n.propensities[cell] < 1.0;
                    }
                }
            }
            neighbours[i] = new Neighbour(i, n.similarities[i]);
        }
        double[] s = new double[models];
        double[] c = new double[models];
        Outcomes outcomes = new Outcomes(names, scores, costs);
        GlobalTrend priors = GlobalTrend.of(priorScores, priorCosts);
        RouterSpec knn = settings.knn(k);
        int used = Math.min(knn.k(), size);
        double halfLifeS = settings.halfLifeS();
        // Explored outcomes weigh by their inverse propensity (KnnPredictor.estimateWeighted); with
        // none among the neighbours the estimate is the plain one, bit for bit.
        double @Nullable [][] ips = explored ? propensities : null;
        double @Nullable [] weights = null;
        if (halfLifeS > 0 || knn.weighted() || explored) {
            weights = new double[used];
            for (int i = 0; i < used; i++) {
                double w = knn.weighted() ? KnnPredictor.similarityWeight(n.similarities[i]) : 1.0;
                if (halfLifeS > 0) {
                    // Older examples count less: 1/2 per half-life of age at the query's time.
                    double ageMs = Math.max(0, n.ts - n.seqs[i]);
                    w *= Math.pow(0.5, ageMs / (halfLifeS * 1000));
                }
                weights[i] = w;
            }
            KnnPredictor.estimateWeighted(
                    neighbours, weights, used, outcomes, ips, priors, 0, s, c);
        } else {
            KnnPredictor.estimate(neighbours, used, outcomes, priors, false, 0, s, c);
        }
        String decidedBy = knn.name();
        long version = 0;
        List<ChallengerPrediction> challengers = new ArrayList<>(1);
        if (parametric != null && parametric.models().equals(names)) {
            if (parametric.trained() instanceof KnnShrinkage shrinkage) {
                // Out of distribution: the neighbours are far, so lean harder on the trend.
                double scale = n.oodScore > settings.oodThreshold() ? OOD_SHRINK : 1.0;
                // A reference pool whose trainer had too few fully observed examples for a
                // reference follows the live trend meanwhile.
                boolean followsTraffic =
                        settings.liveTrend()
                                || (settings.referencePrior() && shrinkage.reference() == null);
                KnnShrinkage live =
                        followsTraffic
                                ? recent(shrinkage, verdict, column, prices, settings.spend())
                                : shrinkage;
                // A live-trend pool's other prior is its challenger (the trained trend, or the
                // live one once the referee has promoted the trained trend); a trained-trend
                // pool is pinned to it and has none.
                boolean promoted = verdict != null && verdict.promoted && live != shrinkage;
                KnnShrinkage champion = promoted ? shrinkage : live;
                boolean fromReference =
                        settings.referencePrior()
                                && n.vector != null
                                && shrinkage.estimateFromReference(
                                        Vectors.l2Normalized(n.vector),
                                        neighbours,
                                        weights,
                                        used,
                                        outcomes,
                                        propensities,
                                        ips,
                                        scale,
                                        s,
                                        c);
                if (!fromReference) {
                    champion.estimate(
                            neighbours, weights, used, outcomes, ips, priors, scale, s, c);
                }
                if (live != shrinkage) {
                    double[] cs = new double[models];
                    double[] cc = new double[models];
                    (promoted ? live : shrinkage)
                            .estimate(
                                    neighbours,
                                    weights,
                                    used,
                                    outcomes,
                                    ips,
                                    priors,
                                    scale,
                                    cs,
                                    cc);
                    challengers.add(
                            new ChallengerPrediction(
                                    challengerOf(parametric.name(), promoted),
                                    predictions(names, cs, cc)));
                }
                decidedBy = parametric.name();
                version = parametric.version();
            } else if (n.vector != null
                    && parametric.trained() instanceof UtilityPredictor predictor) {
                predictor.predict(Vectors.l2Normalized(n.vector), s, c);
                decidedBy = parametric.name();
                version = parametric.version();
            }
        }
        double lambda =
                !Double.isNaN(n.lambda)
                        ? n.lambda
                        : !Double.isNaN(pacedLambda) ? pacedLambda : settings.lambda();
        double[] chooseS = s;
        double[] chooseC = c;
        if (fallback != null) {
            chooseS = s.clone();
            chooseC = c.clone();
            for (int t = 0; t < fallback.trendModels.length; t++) {
                Integer m = column.get(fallback.trendModels[t]);
                if (m != null) {
                    chooseS[m] = fallback.trendScores[t];
                    chooseC[m] = trendCost(fallback, t, prices, settings.spend());
                }
            }
        }
        int best = choose(chooseS, chooseC, lambda, n.budget);
        int[] observed = new int[models];
        for (int m = 0; m < models; m++) {
            for (int i = 0; i < used; i++) {
                if (!Double.isNaN(scores[i][m])) {
                    observed[m]++;
                }
            }
        }
        // After a drift alert the whole pool's traffic is new: every query counts as unsure.
        double uncertainty =
                verdict != null && verdict.drifted
                        ? 1.0
                        : Exploration.uncertainty(
                                observed,
                                settings.minObserved(),
                                n.oodScore,
                                settings.oodThreshold());
        double probability =
                budget == null
                        ? settings.exploration() * uncertainty
                        : budget.spend(settings.exploration(), uncertainty);
        boolean explore = models > 1 && Exploration.draw(n.queryId, probability);
        List<String> extra = new ArrayList<>();
        if (explore) {
            for (int m = 0; m < models; m++) {
                if (m != best) {
                    extra.add(names.get(m));
                }
            }
        }
        List<ModelPrediction> predictions = predictions(names, s, c);
        // The explanation: the neighbours the kNN estimate used.
        List<NeighbourRef> refs = new ArrayList<>(used);
        for (int i = 0; i < used; i++) {
            refs.add(new NeighbourRef(n.ids[i], n.similarities[i]));
        }
        return RoutingDecision.newBuilder()
                .setQueryId(n.queryId)
                .setPool(n.pool)
                .setModel(names.get(best))
                .setLambda(lambda)
                .setPredictions(predictions)
                .setRouter(decidedBy)
                .setRouterVersion(version)
                .setNeighbours(refs)
                .setOodScore(Double.isNaN(n.oodScore) ? null : n.oodScore)
                .setSupportSize(n.supportSize)
                .setShardsMissing(n.shardsMissing)
                .setTs(Instant.ofEpochMilli(n.ts))
                .setExplore(explore)
                .setExploreModels(extra)
                .setExploreProbability(probability)
                .setFallback(fallback == null ? null : FALLBACK_ROUTER)
                .setSpendTarget(settings.spend().paced() ? settings.spend().perQuery() : null)
                .setChallengers(challengers)
                .build();
    }

    /**
     * argmax ŝ − λ·ĉ (ties to the first) among the models whose ĉ is within {@code budget} (NaN: no
     * ceiling); the cheapest predicted model when none is.
     */
    static int choose(double[] s, double[] c, double lambda, double budget) {
        int best = -1;
        int cheapest = 0;
        for (int m = 0; m < s.length; m++) {
            if (c[m] < c[cheapest]) {
                cheapest = m;
            }
            if (!Double.isNaN(budget) && c[m] > budget) {
                continue;
            }
            if (best < 0 || s[m] - lambda * c[m] > s[best] - lambda * c[best]) {
                best = m;
            }
        }
        return best < 0 ? cheapest : best;
    }

    @Override
    KafkaRecord source(Neighbourhood n) {
        return KafkaRecord.derived(Topics.QUERIES_EMBEDDED, Decoders.utf8(n.queryId), null, n.ts);
    }

    @Override
    String pool(Neighbourhood n) {
        return n.pool;
    }
}

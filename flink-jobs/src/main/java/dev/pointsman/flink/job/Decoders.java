package dev.pointsman.flink.job;

import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.flink.records.DeadLetters;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ModelMean;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.schemas.codec.Utf8Check;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.EventTime;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.jspecify.annotations.Nullable;

/**
 * The first step after each source: decode and check what can be checked without the catalog.
 * Whatever fails goes to the dead-letter side output with the reason; nothing throws.
 */
final class Decoders {
    private Decoders() {}

    /** Null when the vector is usable, else why not. */
    static @Nullable String vectorProblem(float[] v) {
        double norm = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return "vector has a non-finite component";
            }
            norm += (double) x * x;
        }
        return norm == 0 ? "vector is all zeros" : null;
    }

    abstract static class Decoder<T> extends ProcessFunction<KafkaRecord, T> {
        private static final long serialVersionUID = 1L;
        private final @Nullable String registryUrl;

        Decoder(@Nullable String registryUrl) {
            this.registryUrl = registryUrl;
        }

        WireFormat wire() {
            return WireFormat.of(registryUrl);
        }

        @Override
        public void processElement(KafkaRecord record, Context ctx, Collector<T> out) {
            String problem;
            String kind = "invalid";
            try {
                problem = decode(record, out);
            } catch (UndecodableRecordException e) {
                problem = e.getMessage();
                kind = "undecodable";
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            if (problem != null) {
                ctx.output(DeadLetters.TAG, DeadLetters.of(record, kind, problem));
            }
        }

        /** Emits the decoded value, or returns why the record is unusable. */
        abstract @Nullable String decode(KafkaRecord record, Collector<T> out)
                throws UndecodableRecordException;
    }

    static final class Queries extends Decoder<QueryEvent> {
        private static final long serialVersionUID = 1L;

        /**
         * How far behind its record's broker time a query's own time may be: a query is decided as
         * it comes, so an older claim is a client's clock gone wrong.
         */
        static final Duration MAX_QUERY_AGE = Duration.ofHours(1);

        private transient RecordCodec<EmbeddedQuery> codec;

        Queries(@Nullable String registryUrl) {
            super(registryUrl);
        }

        @Override
        public void open(OpenContext context) {
            codec = wire().codec(EmbeddedQuery.class, Topics.QUERIES_EMBEDDED);
        }

        @Override
        @Nullable String decode(KafkaRecord record, Collector<QueryEvent> out)
                throws UndecodableRecordException {
            EmbeddedQuery q = codec.decode(record.value);
            Query query = q.getQuery();
            if (!Utf8Check.valid(
                    record.value,
                    query.getId(),
                    query.getPool(),
                    q.getEmbedder(),
                    query.getText())) {
                return "query " + query.getId() + " is not valid UTF-8";
            }
            float[] vector = Float32Vectors.fromBytes(q.getVector(), q.getDimension());
            String problem = vectorProblem(vector);
            if (problem != null) {
                return "query " + q.getQuery().getId() + ": " + problem;
            }
            Double lambda = q.getQuery().getLambda();
            if (lambda != null && !(lambda >= 0 && Double.isFinite(lambda))) {
                return "query " + q.getQuery().getId() + ": lambda must be a finite number >= 0";
            }
            Double budget = q.getQuery().getBudget();
            if (budget != null && !(budget >= 0 && Double.isFinite(budget))) {
                return "query " + q.getQuery().getId() + ": budget must be a finite number >= 0";
            }
            long ts = q.getQuery().getTs().toEpochMilli();
            EventTime.OutOfBounds time =
                    EventTime.check(
                            "query " + q.getQuery().getId(),
                            ts,
                            record.ts,
                            System.currentTimeMillis(),
                            EventTime.SKEW,
                            "the job's bound",
                            MAX_QUERY_AGE,
                            "the job's bound");
            if (time != null) {
                return time.reason();
            }
            QueryEvent e = new QueryEvent();
            e.queryId = q.getQuery().getId();
            e.pool = q.getQuery().getPool();
            e.vector = vector;
            e.embedder = q.getEmbedder();
            e.lambda = lambda == null ? Double.NaN : lambda;
            e.budget = budget == null ? Double.NaN : budget;
            e.ts = ts;
            e.source = record;
            out.collect(e);
            return null;
        }
    }

    /** The streams app's closed windows, for the {@link Referee}. */
    static final class Windows extends Decoder<WindowEvent> {
        private static final long serialVersionUID = 1L;
        private transient RecordCodec<WindowMetrics> codec;

        Windows(@Nullable String registryUrl) {
            super(registryUrl);
        }

        @Override
        public void open(OpenContext context) {
            codec = wire().codec(WindowMetrics.class, Topics.METRICS);
        }

        @Override
        @Nullable String decode(KafkaRecord record, Collector<WindowEvent> out)
                throws UndecodableRecordException {
            WindowMetrics m = codec.decode(record.value);
            WindowEvent w = new WindowEvent();
            w.pool = m.getPool();
            w.router = m.getRouter();
            w.windowStart = m.getWindowStart().toEpochMilli();
            w.windowEnd = m.getWindowEnd().toEpochMilli();
            w.auc = m.getAuc() == null ? Double.NaN : m.getAuc();
            w.trendAuc = m.getGlobalTrendAuc() == null ? Double.NaN : m.getGlobalTrendAuc();
            w.shadowQueries = m.getShadowQueries();
            w.drifted = m.getDrifted();
            if (m.getTrendHalfLife() != null) {
                w.trendHalfLifeMs = m.getTrendHalfLife() * (w.windowEnd - w.windowStart);
            }
            Map<String, ModelMean> trend = new TreeMap<>(m.getTrend());
            w.trendModels = trend.keySet().toArray(new String[0]);
            w.trendScores = new double[trend.size()];
            w.trendCosts = new double[trend.size()];
            int i = 0;
            for (ModelMean mean : trend.values()) {
                if (!Double.isFinite(mean.getScore()) || !Double.isFinite(mean.getCost())) {
                    return "window of "
                            + w.pool
                            + ": trend of "
                            + w.trendModels[i]
                            + " is not finite";
                }
                w.trendScores[i] = mean.getScore();
                w.trendCosts[i] = mean.getCost();
                i++;
            }
            w.source = record;
            out.collect(w);
            return null;
        }
    }

    static final class Feedback extends Decoder<FeedbackEvent> {
        private static final long serialVersionUID = 1L;
        private transient RecordCodec<FeedbackExample> codec;
        private transient SingleObjectCodec<FeedbackExample> state;

        Feedback(@Nullable String registryUrl) {
            super(registryUrl);
        }

        @Override
        public void open(OpenContext context) {
            codec = wire().codec(FeedbackExample.class, Topics.FEEDBACK);
            state = SingleObjectCodec.of(FeedbackExample.class);
        }

        @Override
        @Nullable String decode(KafkaRecord record, Collector<FeedbackEvent> out)
                throws UndecodableRecordException {
            FeedbackExample f = codec.decode(record.value);
            String id = f.getExampleId();
            float[] vector = Float32Vectors.fromBytes(f.getVector(), f.getDimension());
            String problem = vectorProblem(vector);
            if (problem != null) {
                return "example " + id + ": " + problem;
            }
            if (f.getOutcomes().isEmpty()) {
                return "example " + id + " carries no outcome";
            }
            Map<String, ObservedOutcome> sorted = new TreeMap<>(f.getOutcomes());
            FeedbackEvent e = new FeedbackEvent();
            e.models = new String[sorted.size()];
            e.scores = new double[sorted.size()];
            e.costs = new double[sorted.size()];
            int i = 0;
            for (Map.Entry<String, ObservedOutcome> o : sorted.entrySet()) {
                double score = o.getValue().getScore();
                double cost = o.getValue().getCost();
                // NaN: the answer's cost is known and its quality not yet (it counts toward the
                // spend; every predictor reads it as unobserved).
                if (!Double.isNaN(score) && !(score >= 0 && score <= 1)) {
                    return "example "
                            + id
                            + ": score "
                            + score
                            + " of "
                            + o.getKey()
                            + " is outside [0, 1]";
                }
                if (!(cost >= 0 && Double.isFinite(cost))) {
                    return "example "
                            + id
                            + ": cost "
                            + cost
                            + " of "
                            + o.getKey()
                            + " is negative or not finite";
                }
                e.models[i] = o.getKey();
                e.scores[i] = score;
                e.costs[i] = cost;
                i++;
            }
            e.exampleId = id;
            e.pool = f.getPool();
            e.embedder = f.getEmbedder();
            e.dimension = f.getDimension();
            e.encoded = state.encode(f);
            e.source = record;
            out.collect(e);
            return null;
        }
    }

    static final class Catalogs extends Decoder<CatalogUpdate> {
        private static final long serialVersionUID = 1L;
        private transient RecordCodec<PoolCatalog> codec;
        private transient SingleObjectCodec<PoolCatalog> state;

        /** Neighbours the job finds per query: the largest K a knn-K router may ask for. */
        private final int k;

        Catalogs(@Nullable String registryUrl, int k) {
            super(registryUrl);
            this.k = k;
        }

        @Override
        public void open(OpenContext context) {
            codec = wire().codec(PoolCatalog.class, Topics.CATALOG);
            state = SingleObjectCodec.of(PoolCatalog.class);
        }

        @Override
        @Nullable String decode(KafkaRecord record, Collector<CatalogUpdate> out)
                throws UndecodableRecordException {
            if (record.value == null) {
                return "a deleted catalog (tombstone) is not supported; publish an empty model"
                        + " list to retire a pool's models";
            }
            PoolCatalog c = codec.decode(record.value);
            String problem = check(c, k);
            if (problem != null) {
                return problem;
            }
            out.collect(new CatalogUpdate(c.getPool(), state.encode(c)));
            return null;
        }

        /** Null when the catalog can be used, else why not. */
        static @Nullable String check(PoolCatalog c, int k) {
            Set<String> names = new HashSet<>();
            for (var m : c.getModels()) {
                if (!names.add(m.getName())) {
                    return "catalog of " + c.getPool() + " lists " + m.getName() + " twice";
                }
                if (m.getPrior() != null && !(m.getPrior() >= 0 && m.getPrior() <= 1)) {
                    return "catalog of "
                            + c.getPool()
                            + ": prior of "
                            + m.getName()
                            + " is outside [0, 1]";
                }
            }
            PoolSettings settings;
            try {
                settings = PoolSettings.parse(c.getPool(), c.getDefaults());
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            RouterSpec router = settings.router();
            if (router != null && router.kind() == RouterSpec.Kind.KNN && router.k() > k) {
                return "catalog of "
                        + c.getPool()
                        + ": router "
                        + router.name()
                        + " needs more neighbours than the job finds per query (--k "
                        + k
                        + ")";
            }
            return null;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

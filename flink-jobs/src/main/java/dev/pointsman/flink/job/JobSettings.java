package dev.pointsman.flink.job;

import dev.pointsman.core.knn.IndexSpec;
import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.settings.Setting;
import dev.pointsman.topics.KafkaConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.jspecify.annotations.Nullable;

/**
 * Everything the routing job is told, typed and validated at construction, with every default in
 * this class's {@link Setting}s. Build one with {@link #builder}; {@link #toBuilder} changes a few
 * settings of an existing one. An invalid value fails with the option a user types for it ({@code
 * --shards must be > 0, got 0}).
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param group consumer group of the sources, and prefix of the sinks' transactional ids
 * @param shards support-set shards per pool
 * @param replicas copies of each shard, each holding all of its examples; a query asks one
 * @param deciders lanes per pool that check and decide its queries, chosen by query id
 * @param k neighbours per decision
 * @param capacity examples kept per pool (split evenly over its shards)
 * @param mergeTimeout how long a query's merge waits for its slowest shard
 * @param searchBatch most queued queries a shard searches in one pass over its rows
 * @param searchWait longest a query waits at a shard for others to share its pass
 * @param catalogWait how long a record of a pool without a catalog waits for one
 * @param schemaRegistry schema registry for reading registry-framed records, or null
 * @param delivery of the decisions: AT_LEAST_ONCE (the default: visible at once, in tens of ms; a
 *     restart may repeat the decisions of the queries since the last checkpoint, and readers keep
 *     the first of a query's) or EXACTLY_ONCE (visible to read_committed consumers when the
 *     checkpoint that commits them completes, about half a checkpoint interval later on average).
 *     Dead letters and alerts are always written exactly once.
 * @param trainingWindow recent examples per pool a trained router is fitted on
 * @param retrainEvery refit after this many new examples
 * @param retrainInterval or on the next example once this long has passed since the last fit
 * @param index each shard's scan structure (exact unless an HNSW graph is asked for)
 * @param checkpoints where checkpoints go (a directory, or a URI such as s3://bucket/path)
 * @param checkpointInterval how often the job checkpoints (and commits its sinks' transactions)
 * @param router what a pool whose catalog names no router runs
 * @param metricsPort where Flink's Prometheus reporter serves the job's metrics, or null for none
 * @param kafka the client properties every source and sink starts from ({@code --kafka-config})
 */
public record JobSettings(
        String bootstrapServers,
        String group,
        int shards,
        int replicas,
        int deciders,
        int k,
        int capacity,
        Duration mergeTimeout,
        int searchBatch,
        Duration searchWait,
        Duration catalogWait,
        @Nullable String schemaRegistry,
        DeliveryGuarantee delivery,
        int trainingWindow,
        int retrainEvery,
        Duration retrainInterval,
        IndexSpec index,
        URI checkpoints,
        Duration checkpointInterval,
        RouterSpec router,
        @Nullable Integer metricsPort,
        KafkaConfig kafka) {

    public static final Setting<String> BOOTSTRAP =
            Setting.text("bootstrap", null, "Kafka bootstrap servers.");
    public static final Setting<String> GROUP =
            Setting.text(
                    "group", "pointsman-router", "Consumer group and transactional-id prefix.");
    public static final Setting<Integer> SHARDS =
            Setting.integer("shards", 4, "Support-set shards per pool.", 1);
    public static final Setting<Integer> REPLICAS =
            Setting.integer(
                    "replicas",
                    1,
                    "Copies of each shard, each holding all of the shard's examples: a query asks"
                            + " one copy of each shard, so a pool's queries spread over shards"
                            + " times replicas subtasks, and each example is stored that many"
                            + " times.",
                    1);
    public static final Setting<Integer> DECIDERS =
            Setting.integer(
                    "deciders",
                    1,
                    "Lanes per pool that check and decide its queries, each query in one lane by"
                            + " its id, so that a hot pool's decisions spread over that many"
                            + " subtasks. Each lane keeps its own spend forecast toward the pool's"
                            + " budget and its own price clock.",
                    1);
    public static final Setting<Integer> K =
            Setting.integer("k", 100, "Neighbours per decision.", 1);
    public static final Setting<Integer> CAPACITY =
            Setting.integer(
                    "capacity", 1_000_000, "Examples kept per pool; the oldest go first.", 1);
    public static final Setting<Duration> MERGE_TIMEOUT =
            Setting.duration(
                    "merge-timeout",
                    Duration.ofSeconds(2),
                    "How long a decision waits for its slowest shard before it goes out without"
                            + " that shard's neighbours.",
                    Duration.ZERO);
    public static final Setting<Integer> SEARCH_BATCH =
            Setting.integer(
                    "search-batch",
                    16,
                    "Most queued queries a support shard searches in one pass over its rows (1:"
                            + " one query at a time). A batch reads the rows from memory once.",
                    1);
    public static final Setting<Duration> SEARCH_WAIT =
            Setting.duration(
                    "search-wait",
                    Duration.ofMillis(2),
                    "Longest a query waits at a shard for others to share its pass; only while"
                            + " queries arrive faster than that.",
                    Duration.ZERO);
    public static final Setting<Duration> CATALOG_WAIT =
            Setting.duration(
                    "catalog-wait",
                    Duration.ofSeconds(30),
                    "How long a record of a pool with no catalog yet waits for one before it is"
                            + " dead-lettered.",
                    Duration.ZERO);
    public static final Setting<String> SCHEMA_REGISTRY =
            Setting.optionalText(
                    "schema-registry", "Also read registry-framed records, with this registry.");
    public static final Setting<Integer> TRAINING_WINDOW =
            Setting.integer(
                    "training-window",
                    20_000,
                    "Recent examples per pool a trained router is fitted on.",
                    Trainer.MIN_EXAMPLES);
    public static final Setting<Integer> RETRAIN_EVERY =
            Setting.integer(
                    "retrain-every",
                    1_000,
                    "Refit a pool's trained router after this many new examples.",
                    1);
    public static final Setting<Duration> RETRAIN_INTERVAL =
            Setting.duration(
                    "retrain-interval",
                    Duration.ofMinutes(5),
                    "...or on the next example once this long has passed since the last fit.",
                    Duration.ZERO);
    public static final Setting<Duration> CHECKPOINT_INTERVAL =
            Setting.duration(
                    "checkpoint-interval",
                    Duration.ofSeconds(2),
                    "Checkpoint interval; exactly-once decisions become visible when a checkpoint"
                            + " completes.",
                    Duration.ofMillis(10));

    public static final Setting<String> ROUTER =
            Setting.text(
                    "router",
                    "knn-shrunk",
                    "The router of a pool whose catalog names none: knn-K, knn-K-weighted (K at"
                            + " most --k), knn-shrunk, global-trend, linear, mlp, linear-mf or"
                            + " mlp-mf. knn-shrunk beats plain kNN and holds up best on mixed"
                            + " traffic (README, Results).");
    public static final Setting<Integer> METRICS_PORT =
            Setting.optionalInteger(
                    "metrics-port",
                    "Serve the job's Flink metrics (operators, checkpoints, Kafka clients) in the"
                            + " Prometheus format at http://HOST:PORT/ (Flink's reporter listens"
                            + " on every interface). Default: off.",
                    1,
                    65535);

    /** Every setting above, for help texts and settings files. */
    public static final List<Setting<?>> ALL =
            List.of(
                    BOOTSTRAP,
                    GROUP,
                    SHARDS,
                    REPLICAS,
                    DECIDERS,
                    K,
                    CAPACITY,
                    MERGE_TIMEOUT,
                    SEARCH_BATCH,
                    SEARCH_WAIT,
                    CATALOG_WAIT,
                    SCHEMA_REGISTRY,
                    TRAINING_WINDOW,
                    RETRAIN_EVERY,
                    RETRAIN_INTERVAL,
                    CHECKPOINT_INTERVAL,
                    ROUTER,
                    METRICS_PORT,
                    KafkaConfig.FILE);

    public JobSettings {
        BOOTSTRAP.check(bootstrapServers);
        GROUP.check(group);
        SHARDS.check(shards);
        REPLICAS.check(replicas);
        DECIDERS.check(deciders);
        K.check(k);
        CAPACITY.check(capacity);
        if (capacity < shards) {
            throw new IllegalArgumentException(
                    "--capacity must be at least --shards (" + shards + "), got " + capacity);
        }
        MERGE_TIMEOUT.check(mergeTimeout);
        SEARCH_BATCH.check(searchBatch);
        SEARCH_WAIT.check(searchWait);
        CATALOG_WAIT.check(catalogWait);
        SCHEMA_REGISTRY.check(schemaRegistry);
        TRAINING_WINDOW.check(trainingWindow);
        RETRAIN_EVERY.check(retrainEvery);
        RETRAIN_INTERVAL.check(retrainInterval);
        CHECKPOINT_INTERVAL.check(checkpointInterval);
        METRICS_PORT.check(metricsPort);
        if (router == null) {
            throw new IllegalArgumentException("--router must be set");
        }
        if (router.kind() == RouterSpec.Kind.KNN && router.k() > k) {
            throw new IllegalArgumentException(
                    "--router "
                            + router.name()
                            + " needs more neighbours than the job finds per query (--k "
                            + k
                            + ")");
        }
        if (delivery == null || delivery == DeliveryGuarantee.NONE) {
            throw new IllegalArgumentException("delivery must be exactly once or at least once");
        }
        if (index == null) {
            throw new IllegalArgumentException("--index must be set");
        }
        if (checkpoints == null) {
            throw new IllegalArgumentException("--checkpoints must be set");
        }
        if (kafka == null) {
            throw new IllegalArgumentException("kafka client config must be set");
        }
    }

    /** Settings with every default, for the broker at {@code bootstrapServers}. */
    public static Builder builder(String bootstrapServers, Path checkpoints) {
        return new Builder(bootstrapServers, checkpoints.toUri());
    }

    /**
     * Settings with every default, checkpointing to {@code checkpoints} (a directory or s3://…).
     */
    public static Builder builder(String bootstrapServers, URI checkpoints) {
        return new Builder(bootstrapServers, checkpoints);
    }

    /**
     * Where checkpoints go as typed: a URI with a scheme ({@code s3://bucket/path}, {@code
     * file:///…}) as it is, a plain path made absolute.
     */
    public static URI checkpointUri(String text) {
        if (text.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*")) {
            return URI.create(text);
        }
        return Path.of(text).toAbsolutePath().normalize().toUri();
    }

    /**
     * Where a job checkpointing under {@code checkpoints} puts its savepoints when {@code
     * pointsman} stops it: beside the checkpoints, where {@link LocalJob#latestCheckpoint} finds
     * them.
     */
    public static String savepoints(URI checkpoints) {
        String root = checkpoints.toString();
        return (root.endsWith("/") ? root : root + "/") + "savepoints";
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder(bootstrapServers, checkpoints);
        b.group = group;
        b.shards = shards;
        b.replicas = replicas;
        b.deciders = deciders;
        b.k = k;
        b.capacity = capacity;
        b.mergeTimeout = mergeTimeout;
        b.searchBatch = searchBatch;
        b.searchWait = searchWait;
        b.catalogWait = catalogWait;
        b.schemaRegistry = schemaRegistry;
        b.delivery = delivery;
        b.trainingWindow = trainingWindow;
        b.retrainEvery = retrainEvery;
        b.retrainInterval = retrainInterval;
        b.index = index;
        b.checkpointInterval = checkpointInterval;
        b.router = router;
        b.metricsPort = metricsPort;
        b.kafka = kafka;
        return b;
    }

    /** Collects settings; {@link #build} validates them all. */
    public static final class Builder {
        private final String bootstrapServers;
        private final URI checkpoints;
        private String group = GROUP.defaultValue();
        private int shards = SHARDS.defaultValue();
        private int replicas = REPLICAS.defaultValue();
        private int deciders = DECIDERS.defaultValue();
        private int k = K.defaultValue();
        private int capacity = CAPACITY.defaultValue();
        private Duration mergeTimeout = MERGE_TIMEOUT.defaultValue();
        private int searchBatch = SEARCH_BATCH.defaultValue();
        private Duration searchWait = SEARCH_WAIT.defaultValue();
        private Duration catalogWait = CATALOG_WAIT.defaultValue();
        private @Nullable String schemaRegistry;
        private DeliveryGuarantee delivery = DeliveryGuarantee.AT_LEAST_ONCE;
        private int trainingWindow = TRAINING_WINDOW.defaultValue();
        private int retrainEvery = RETRAIN_EVERY.defaultValue();
        private Duration retrainInterval = RETRAIN_INTERVAL.defaultValue();
        private IndexSpec index = IndexSpec.EXACT;
        private Duration checkpointInterval = CHECKPOINT_INTERVAL.defaultValue();
        private RouterSpec router = RouterSpec.parse(ROUTER.defaultValue());
        private @Nullable Integer metricsPort;
        private KafkaConfig kafka = KafkaConfig.NONE;

        private Builder(String bootstrapServers, URI checkpoints) {
            this.bootstrapServers = bootstrapServers;
            this.checkpoints = checkpoints;
        }

        public Builder group(String group) {
            this.group = group;
            return this;
        }

        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        public Builder replicas(int replicas) {
            this.replicas = replicas;
            return this;
        }

        public Builder deciders(int deciders) {
            this.deciders = deciders;
            return this;
        }

        public Builder k(int k) {
            this.k = k;
            return this;
        }

        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        public Builder mergeTimeout(Duration mergeTimeout) {
            this.mergeTimeout = mergeTimeout;
            return this;
        }

        /** Queries per pass over a shard's rows, and the longest a query waits for others. */
        public Builder searchBatch(int searchBatch, Duration searchWait) {
            this.searchBatch = searchBatch;
            this.searchWait = searchWait;
            return this;
        }

        public Builder catalogWait(Duration catalogWait) {
            this.catalogWait = catalogWait;
            return this;
        }

        public Builder schemaRegistry(@Nullable String url) {
            this.schemaRegistry = url;
            return this;
        }

        public Builder delivery(DeliveryGuarantee delivery) {
            this.delivery = delivery;
            return this;
        }

        /** The training window, and when a pool's trained router is refitted. */
        public Builder training(int window, int every, Duration interval) {
            this.trainingWindow = window;
            this.retrainEvery = every;
            this.retrainInterval = interval;
            return this;
        }

        public Builder index(IndexSpec index) {
            this.index = index;
            return this;
        }

        public Builder checkpointInterval(Duration interval) {
            this.checkpointInterval = interval;
            return this;
        }

        /** What a pool whose catalog names no router runs, by name ({@code --router}). */
        public Builder router(String name) {
            try {
                this.router = RouterSpec.parseLive(ROUTER.check(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--router: " + e.getMessage(), e);
            }
            return this;
        }

        /** Serve the job's metrics in the Prometheus format on {@code port}; null: don't. */
        public Builder metricsPort(@Nullable Integer port) {
            this.metricsPort = port;
            return this;
        }

        /** The client properties every source and sink starts from ({@code --kafka-config}). */
        public Builder kafka(KafkaConfig kafka) {
            this.kafka = kafka;
            return this;
        }

        public JobSettings build() {
            return new JobSettings(
                    bootstrapServers,
                    group,
                    shards,
                    replicas,
                    deciders,
                    k,
                    capacity,
                    mergeTimeout,
                    searchBatch,
                    searchWait,
                    catalogWait,
                    schemaRegistry,
                    delivery,
                    trainingWindow,
                    retrainEvery,
                    retrainInterval,
                    index,
                    checkpoints,
                    checkpointInterval,
                    router,
                    metricsPort,
                    kafka);
        }
    }
}

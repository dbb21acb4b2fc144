package dev.pointsman.flink.job;

import dev.pointsman.flink.records.DeadLetters;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.flink.records.KeyedBytes;
import dev.pointsman.flink.support.NeighbourMerger;
import dev.pointsman.flink.support.Neighbourhood;
import dev.pointsman.flink.support.ShardEvent;
import dev.pointsman.flink.support.ShardKeys;
import dev.pointsman.flink.support.ShardOperator;
import dev.pointsman.flink.support.ShardResult;
import dev.pointsman.flink.support.SpendEvent;
import dev.pointsman.flink.support.SupportShardFunction;
import dev.pointsman.topics.Topics;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The routing job: reads {@code router.queries.embedded}, {@code router.feedback} and {@code
 * router.catalog}; writes {@code router.decisions} (at once by default, or exactly once) and {@code
 * router.dlq} and {@code router.alerts} exactly once (Kafka transactions committed on checkpoints).
 *
 * <pre>
 * queries  ─decode─▶ keyBy pool lane ⋈ catalog ─fan-out─┐
 * feedback ─decode─▶ keyBy pool ⋈ catalog ─owner──┴▶ keyBy (pool, shard): support shard
 *     ─▶ keyBy query id: merge top-k (one shard per pool: none) ─▶ keyBy pool lane ⋈ catalog:
 *     decide ─▶ router.decisions
 * shards' new outcomes' cost ─▶ keyBy pool ⋈ catalog: pace λ to the budget ─▶ deciders
 * router.metrics ─▶ keyBy pool ⋈ catalog: referee (fallback, live trend) ─▶ deciders
 * every step's rejects ─▶ router.dlq
 * </pre>
 */
public final class RoutingJob {
    /** How long a decided query id is remembered, so that a query reusing it is refused. */
    static final Duration REMEMBER_IDS = Duration.ofMinutes(10);

    private RoutingJob() {}

    /**
     * The one place the job's checkpointing and state are configured: RocksDB state, incremental
     * exactly-once checkpoints under {@link JobSettings#checkpoints} every {@link
     * JobSettings#checkpointInterval}, retained on cancellation, restarts with a growing delay, and
     * network buffers flushed after every record (latency over batching).
     */
    public static Configuration configuration(JobSettings s) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, s.checkpoints().toString());
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, s.checkpointInterval());
        conf.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingMode.EXACTLY_ONCE);
        // A decision crosses four network exchanges; Flink's default 100 ms buffer timeout would
        // let each hold it that long when traffic is light. Even 2 ms cost about 4 ms of a
        // decision's median time in the job (bench route); flushing every record costs no
        // measurable throughput at hundreds of decisions per second.
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ZERO);
        // Every record type between operators is a POJO or a Flink type with an explicit
        // serializer; a type that would fall back to Kryo fails the job's build instead.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Fixed, because the support shards' keys are chosen by key group (ShardKeys).
        conf.set(PipelineOptions.MAX_PARALLELISM, ShardKeys.KEY_GROUPS);
        // A job with one shard per pool has no merge step: a checkpoint of an earlier version (or
        // of the job with more shards) holds the merge step's state, the query ids it remembered,
        // which is dropped on restore rather than failing it (the intake remembers ids from then).
        if (s.shards() == 1) {
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        }
        // A cancelled or failed job can be restarted from its last checkpoint.
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // A failed task restarts the job from its last checkpoint: 1 s after the first failure,
        // doubling up to 10 s while failures repeat (a TaskManager that died takes a while to be
        // replaced), and back to 1 s after 5 quiet minutes. Never gives up: a router that stops
        // routing until someone restarts it is worse than one that retries.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                Duration.ofSeconds(1));
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                Duration.ofSeconds(10));
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                Duration.ofMinutes(5));
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
                Integer.MAX_VALUE);
        if (s.metricsPort() != null) {
            // Flink's own Prometheus reporter: every operator's, checkpoint's and Kafka client's
            // metrics, with the job's (decisions, merge timeouts, router version) among them.
            conf.set(reporterOption("factory.class"), PrometheusReporterFactory.class.getName());
            conf.set(reporterOption("port"), s.metricsPort().toString());
        }
        return conf;
    }

    private static ConfigOption<String> reporterOption(String key) {
        return ConfigOptions.key("metrics.reporter.prom." + key).stringType().noDefaultValue();
    }

    /** Adds the job's operators to {@code env}. */
    public static void build(StreamExecutionEnvironment env, JobSettings s) {
        int lanes = s.deciders();
        SingleOutputStreamOperator<QueryEvent> queries =
                source(env, s, Topics.QUERIES_EMBEDDED)
                        .process(new Decoders.Queries(s.schemaRegistry()))
                        .uid("decode-queries")
                        .name("decode queries");
        SingleOutputStreamOperator<FeedbackEvent> feedback =
                source(env, s, Topics.FEEDBACK)
                        .process(new Decoders.Feedback(s.schemaRegistry()))
                        .uid("decode-feedback")
                        .name("decode feedback");
        SingleOutputStreamOperator<CatalogUpdate> catalogs =
                source(env, s, Topics.CATALOG)
                        .process(new Decoders.Catalogs(s.schemaRegistry(), s.k()))
                        .uid("decode-catalog")
                        .name("decode catalog");
        BroadcastStream<CatalogUpdate> catalog = catalogs.broadcast(CatalogGate.CATALOGS);

        // With one shard per pool a query's neighbourhood is its shard's answer: no merge step,
        // and the intake refuses a reused query id instead.
        boolean merge = s.shards() > 1;
        SingleOutputStreamOperator<ShardEvent> fannedOut =
                queries.keyBy(q -> QueryIntake.key(q, lanes))
                        .connect(catalog)
                        .process(
                                new QueryIntake(
                                        s.shards(),
                                        s.replicas(),
                                        s.k(),
                                        s.catalogWait(),
                                        lanes,
                                        merge ? null : REMEMBER_IDS))
                        .uid("query-intake")
                        .name("check and fan out queries");
        SingleOutputStreamOperator<ShardEvent> examples =
                feedback.keyBy(f -> f.pool)
                        .connect(catalog)
                        .process(new FeedbackIntake(s.shards(), s.replicas(), s.catalogWait()))
                        .uid("feedback-intake")
                        .name("check feedback");
        int perShard = Math.max(1, s.capacity() / s.shards());
        SingleOutputStreamOperator<ShardResult> partials =
                fannedOut
                        .union(examples)
                        .keyBy(ShardEvent::key)
                        .transform(
                                "support set shards",
                                TypeInformation.of(ShardResult.class),
                                new ShardOperator(
                                        new SupportShardFunction(perShard, s.index()),
                                        s.searchBatch(),
                                        s.searchWait()))
                        .uid("support-shards");
        SingleOutputStreamOperator<Neighbourhood> merged =
                merge
                        ? partials.keyBy(NeighbourMerger::key)
                                .transform(
                                        "merge shard answers",
                                        TypeInformation.of(Neighbourhood.class),
                                        NeighbourMerger.operator(s.mergeTimeout(), REMEMBER_IDS))
                                .uid("merge-neighbours")
                        : partials.map(NeighbourMerger::whole)
                                .returns(Neighbourhood.class)
                                .uid("whole-neighbourhoods")
                                .name("one shard's answer");
        SingleOutputStreamOperator<CatalogUpdate> trained =
                examples.keyBy(e -> e.pool)
                        .connect(catalog)
                        .process(
                                new Trainer(
                                        s.trainingWindow(),
                                        s.retrainEvery(),
                                        s.retrainInterval(),
                                        s.k(),
                                        s.catalogWait(),
                                        s.router()))
                        .uid("trainer")
                        .name("train parametric routers");
        SingleOutputStreamOperator<WindowEvent> windows =
                source(env, s, Topics.METRICS)
                        .process(new Decoders.Windows(s.schemaRegistry()))
                        .uid("decode-metrics")
                        .name("decode metrics");
        SingleOutputStreamOperator<CatalogUpdate> verdicts =
                windows.keyBy(w -> w.pool)
                        .connect(catalog)
                        .process(new Referee(s.k(), s.catalogWait(), s.router()))
                        .uid("referee")
                        .name("fall back on the live windows");
        SingleOutputStreamOperator<CatalogUpdate> paced =
                partials.getSideOutput(SpendEvent.TAG)
                        .keyBy(e -> e.pool)
                        .connect(catalog)
                        .process(new Pacer(s.catalogWait()))
                        .uid("pacer")
                        .name("pace spend to the budget");
        BroadcastStream<CatalogUpdate> catalogAndWeights =
                catalogs.union(trained, verdicts, paced)
                        .broadcast(
                                CatalogGate.CATALOGS,
                                CatalogGate.WEIGHTS,
                                CatalogGate.FALLBACKS,
                                CatalogGate.PACING);
        SingleOutputStreamOperator<KeyedBytes> decisions =
                merged.keyBy(n -> Decider.key(n, lanes))
                        .connect(catalogAndWeights)
                        .process(new Decider(s.k(), s.catalogWait(), s.router(), lanes))
                        .uid("decide")
                        .name("decide");

        // Decisions as the settings say (at once by default: a gateway waits on each one); dead
        // letters and alerts always in transactions committed on checkpoints.
        decisions
                .sinkTo(sink(s, Topics.DECISIONS, "decisions", s.delivery()))
                .uid("decisions-sink");
        verdicts.getSideOutput(CatalogGate.ALERTS)
                .union(decisions.getSideOutput(CatalogGate.ALERTS))
                .sinkTo(sink(s, Topics.ALERTS, "alerts", DeliveryGuarantee.EXACTLY_ONCE))
                .uid("alerts-sink");
        DataStream<KeyedBytes> dlq =
                queries.getSideOutput(DeadLetters.TAG)
                        .union(
                                feedback.getSideOutput(DeadLetters.TAG),
                                catalogs.getSideOutput(DeadLetters.TAG),
                                fannedOut.getSideOutput(DeadLetters.TAG),
                                examples.getSideOutput(DeadLetters.TAG),
                                trained.getSideOutput(DeadLetters.TAG),
                                partials.getSideOutput(DeadLetters.TAG),
                                merged.getSideOutput(DeadLetters.TAG),
                                windows.getSideOutput(DeadLetters.TAG),
                                verdicts.getSideOutput(DeadLetters.TAG),
                                paced.getSideOutput(DeadLetters.TAG),
                                decisions.getSideOutput(DeadLetters.TAG));
        dlq.sinkTo(sink(s, Topics.DLQ, "dlq", DeliveryGuarantee.EXACTLY_ONCE)).uid("dlq-sink");
    }

    private static DataStream<KafkaRecord> source(
            StreamExecutionEnvironment env, JobSettings s, String topic) {
        Properties props = s.kafka().asProperties();
        props.setProperty("isolation.level", "read_committed");
        KafkaSource<KafkaRecord> source =
                KafkaSource.<KafkaRecord>builder()
                        .setBootstrapServers(s.bootstrapServers())
                        .setTopics(topic)
                        .setGroupId(s.group())
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new RawRecordSchema())
                        .setProperties(props)
                        .build();
        return env.fromSource(
                        source,
                        WatermarkStrategy.noWatermarks(),
                        topic,
                        TypeInformation.of(KafkaRecord.class))
                .uid("source-" + topic);
    }

    private static KafkaSink<KeyedBytes> sink(
            JobSettings s, String topic, String name, DeliveryGuarantee guarantee) {
        Properties props = s.kafka().asProperties();
        // Within the broker's transaction.max.timeout.ms (15 min by default).
        props.setProperty("transaction.timeout.ms", "600000");
        // Kafka 4 producers wait 5 ms for a batch to fill by default: send each decision now.
        props.setProperty("linger.ms", "0");
        return KafkaSink.<KeyedBytes>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setRecordSerializer(
                        (KafkaRecordSerializationSchema<KeyedBytes>)
                                (element, context, timestamp) ->
                                        new ProducerRecord<>(topic, element.key, element.value))
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(s.group() + "-" + name)
                .setKafkaProducerConfig(props)
                .build();
    }
}

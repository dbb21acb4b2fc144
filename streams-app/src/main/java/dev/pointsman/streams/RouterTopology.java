package dev.pointsman.streams;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.KafkaSerde;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.streams.ledger.LedgerOutput;
import dev.pointsman.streams.ledger.QueryLedger;
import dev.pointsman.streams.metrics.AlertHistory;
import dev.pointsman.streams.metrics.MetricDelta;
import dev.pointsman.streams.metrics.MetricsFinisher;
import dev.pointsman.streams.metrics.WindowAggregate;
import dev.pointsman.topics.Topics;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The app's topology: the per-query ledger (feedback join and metric facts), the pools' tumbling
 * windows, and the finisher that writes metrics and alerts. {@link #build} is what production runs
 * and what the {@code TopologyTestDriver} tests drive.
 */
public final class RouterTopology {
    public static final String WINDOW_STORE = "metric-windows";

    private RouterTopology() {}

    public static Topology build(
            TopologySettings settings, WireFormat wire, AppMetrics appMetrics) {
        return build(settings, wire, appMetrics, Topics.FEEDBACK);
    }

    /**
     * @param feedbackTopic where joined examples go; another topic than {@code router.feedback}
     *     measures a static router (outcomes are joined and measured but never reach the routing
     *     job's support set)
     */
    public static Topology build(
            TopologySettings settings,
            WireFormat wire,
            AppMetrics appMetrics,
            String feedbackTopic) {
        StreamsBuilder builder = new StreamsBuilder();
        for (StoreBuilder<?> store : QueryLedger.storeBuilders()) {
            builder.addStateStore(store);
        }
        for (StoreBuilder<?> store : MetricsFinisher.storeBuilders()) {
            builder.addStateStore(store);
        }
        QueryLedger.Inputs inputs =
                new QueryLedger.Inputs(
                        Topics.QUERIES_EMBEDDED,
                        wire.codec(EmbeddedQuery.class, Topics.QUERIES_EMBEDDED),
                        Topics.DECISIONS,
                        wire.codec(RoutingDecision.class, Topics.DECISIONS),
                        Topics.OUTCOMES,
                        wire.codec(Outcome.class, Topics.OUTCOMES));

        // Raw bytes in, so that a record that cannot be decoded reaches the DLQ instead of
        // stopping the app.
        KStream<String, LedgerOutput> ledger =
                builder.stream(
                                List.of(Topics.QUERIES_EMBEDDED, Topics.DECISIONS, Topics.OUTCOMES),
                                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                                        .withName("ledger-in"))
                        .process(
                                () -> new QueryLedger(inputs, settings, appMetrics),
                                Named.as("ledger"),
                                QueryLedger.STORE,
                                QueryLedger.EXPIRY_STORE);
        Map<String, KStream<String, LedgerOutput>> out =
                ledger.split(Named.as("ledger-"))
                        .branch(
                                (k, v) -> v instanceof LedgerOutput.Feedback,
                                Branched.as("feedback"))
                        .branch((k, v) -> v instanceof LedgerOutput.Dead, Branched.as("dlq"))
                        .defaultBranch(Branched.as("delta"));
        out.get("ledger-feedback")
                .mapValues(v -> ((LedgerOutput.Feedback) v).example())
                .to(
                        feedbackTopic,
                        Produced.with(
                                Serdes.String(),
                                new KafkaSerde<>(
                                        wire.codec(FeedbackExample.class, feedbackTopic))));
        KafkaSerde<DeadLetter> deadLetters =
                new KafkaSerde<>(wire.codec(DeadLetter.class, Topics.DLQ));
        out.get("ledger-dlq")
                .mapValues(v -> ((LedgerOutput.Dead) v).letter())
                .to(Topics.DLQ, Produced.with(Serdes.String(), deadLetters));

        // Every component's dead letters, counted by pool, component and kind for /metrics: a
        // tenant's failures are visible per pool, without reading the shared topic.
        RecordCodec<DeadLetter> letters = deadLetters.codec();
        builder.stream(
                        Topics.DLQ,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dlq-in"))
                .foreach(
                        (k, v) -> {
                            try {
                                DeadLetter d = letters.decode(v);
                                appMetrics.deadLetterSeen(
                                        d.getPool() == null ? "" : d.getPool(),
                                        d.getComponent(),
                                        d.getKind());
                            } catch (UndecodableRecordException | RuntimeException e) {
                                appMetrics.deadLetterSeen("", "", "undecodable-letter");
                            }
                        },
                        Named.as("dlq-count"));

        double oodThreshold = settings.oodThreshold();
        int shadowCap = settings.shadowCap();
        KafkaSerde<WindowMetrics> metrics =
                new KafkaSerde<>(wire.codec(WindowMetrics.class, Topics.METRICS));
        KafkaSerde<Alert> alerts = new KafkaSerde<>(wire.codec(Alert.class, Topics.ALERTS));
        KStream<String, SpecificRecord> finished =
                out.get("ledger-delta")
                        .mapValues(v -> ((LedgerOutput.Delta) v).delta())
                        .groupByKey(
                                Grouped.with("metric-deltas", Serdes.String(), MetricDelta.serde()))
                        .windowedBy(
                                TimeWindows.ofSizeAndGrace(
                                        settings.window(), settings.windowGrace()))
                        .aggregate(
                                WindowAggregate::new,
                                (pool, delta, window) -> window.add(delta, oodThreshold, shadowCap),
                                Materialized
                                        .<String, WindowAggregate, WindowStore<Bytes, byte[]>>as(
                                                WINDOW_STORE)
                                        .withKeySerde(Serdes.String())
                                        .withValueSerde(WindowAggregate.serde()))
                        .suppress(
                                Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                                        .withName("closed-windows"))
                        .toStream(Named.as("closed-window-stream"))
                        .process(
                                () -> new MetricsFinisher(settings, metrics.codec()),
                                Named.as("finisher"),
                                MetricsFinisher.TREND_STORE,
                                MetricsFinisher.REFERENCE_STORE,
                                MetricsFinisher.HISTORY_STORE);
        finished.filter((k, v) -> v instanceof WindowMetrics, Named.as("metrics-only"))
                .mapValues(v -> (WindowMetrics) v)
                .to(Topics.METRICS, Produced.with(Serdes.String(), metrics));
        finished.filter((k, v) -> v instanceof Alert, Named.as("alerts-only"))
                .mapValues(v -> (Alert) v)
                .to(Topics.ALERTS, Produced.with(Serdes.String(), alerts));

        // Every alert on the topic, this app's and the routing job's, kept for the API.
        builder.addStateStore(AlertHistory.storeBuilder());
        builder.stream(
                        Topics.ALERTS,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("alerts-in"))
                .process(
                        () -> new AlertHistory(settings, alerts.codec(), appMetrics),
                        Named.as("alert-history"),
                        AlertHistory.STORE)
                .to(Topics.DLQ, Produced.with(Serdes.String(), deadLetters));
        return builder.build();
    }
}

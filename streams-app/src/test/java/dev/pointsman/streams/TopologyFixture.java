package dev.pointsman.streams;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.ChallengerPrediction;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ModelPrediction;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.KafkaSerde;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.streams.metrics.AlertHistory;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/** The production topology on a {@code TopologyTestDriver}, with record builders. */
final class TopologyFixture implements AutoCloseable {
    static final String POOL = "p";

    final AppMetrics appMetrics = new AppMetrics();
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> queries;
    final TestInputTopic<String, byte[]> decisions;
    final TestInputTopic<String, byte[]> outcomes;

    /** {@code router.alerts} as another writer (the routing job) fills it. */
    final TestInputTopic<String, byte[]> alertsIn;

    final TestOutputTopic<String, FeedbackExample> feedback;
    final TestOutputTopic<String, DeadLetter> dlq;
    final TestOutputTopic<String, WindowMetrics> metrics;
    final TestOutputTopic<String, Alert> alerts;
    private final WireFormat wire = WireFormat.singleObject();

    TopologyFixture(TopologySettings settings, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(RouterTopology.build(settings, wire, appMetrics), props);
        queries = input(Topics.QUERIES_EMBEDDED);
        decisions = input(Topics.DECISIONS);
        outcomes = input(Topics.OUTCOMES);
        alertsIn = input(Topics.ALERTS);
        feedback = output(Topics.FEEDBACK, FeedbackExample.class);
        dlq = output(Topics.DLQ, DeadLetter.class);
        metrics = output(Topics.METRICS, WindowMetrics.class);
        alerts = output(Topics.ALERTS, Alert.class);
    }

    private TestInputTopic<String, byte[]> input(String topic) {
        return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
    }

    private <T extends SpecificRecord> TestOutputTopic<String, T> output(
            String topic, Class<T> type) {
        return driver.createOutputTopic(
                topic, new StringDeserializer(), new KafkaSerde<>(wire.codec(type, topic)));
    }

    void query(String id, long ts, float... vector) {
        query(POOL, id, ts, vector);
    }

    void query(String pool, String id, long ts, float... vector) {
        Query q =
                Query.newBuilder()
                        .setId(id)
                        .setPool(pool)
                        .setText("prompt " + id)
                        .setTs(Instant.ofEpochMilli(ts))
                        .build();
        EmbeddedQuery eq =
                EmbeddedQuery.newBuilder()
                        .setQuery(q)
                        .setVector(Float32Vectors.toBytes(vector))
                        .setDimension(vector.length)
                        .setEmbedder("test/tail/128")
                        .build();
        queries.pipeInput(id, encode(eq, Topics.QUERIES_EMBEDDED), ts);
    }

    /**
     * @param predicted model → {ŝ, ĉ}
     */
    /** The λ and budget per query (null: none) the next decisions carry. */
    double lambda = 0;

    Double spendTarget = null;

    /** Challenger router → model → {ŝ, ĉ}, listed on the next decisions. */
    Map<String, Map<String, double[]>> challengers = Map.of();

    void decision(String id, long ts, String chosen, Double ood, Map<String, double[]> predicted) {
        decision(id, ts, chosen, ood, predicted, 0);
    }

    /**
     * @param exploreProbability above 0: the router explored the query with this probability
     */
    void decision(
            String id,
            long ts,
            String chosen,
            Double ood,
            Map<String, double[]> predicted,
            double exploreProbability) {
        List<ModelPrediction> predictions = new ArrayList<>();
        predicted.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(
                        e ->
                                predictions.add(
                                        new ModelPrediction(
                                                e.getKey(), e.getValue()[0], e.getValue()[1])));
        RoutingDecision d =
                RoutingDecision.newBuilder()
                        .setQueryId(id)
                        .setPool(POOL)
                        .setModel(chosen)
                        .setLambda(lambda)
                        .setSpendTarget(spendTarget)
                        .setPredictions(predictions)
                        .setRouter("knn-10")
                        .setRouterVersion(1)
                        .setOodScore(ood)
                        .setTs(Instant.ofEpochMilli(ts))
                        .setExplore(exploreProbability > 0)
                        .setExploreModels(
                                exploreProbability > 0
                                        ? predicted.keySet().stream()
                                                .filter(m -> !m.equals(chosen))
                                                .sorted()
                                                .toList()
                                        : List.of())
                        .setExploreProbability(exploreProbability)
                        .setChallengers(
                                challengers.entrySet().stream()
                                        .map(
                                                c ->
                                                        new ChallengerPrediction(
                                                                c.getKey(),
                                                                c.getValue().entrySet().stream()
                                                                        .sorted(
                                                                                Map.Entry
                                                                                        .comparingByKey())
                                                                        .map(
                                                                                e ->
                                                                                        new ModelPrediction(
                                                                                                e
                                                                                                        .getKey(),
                                                                                                e.getValue()[
                                                                                                        0],
                                                                                                e.getValue()[
                                                                                                        1]))
                                                                        .toList()))
                                        .toList())
                        .build();
        decisions.pipeInput(id, encode(d, Topics.DECISIONS), ts);
    }

    void outcome(String id, String model, double score, double cost, long ts) {
        outcome(id, id, POOL, model, score, cost, ts);
    }

    /** An outcome claiming event time {@code ts} in a record the broker stamped {@code broker}. */
    void outcomeStamped(String id, String model, double score, double cost, long ts, long broker) {
        outcomes.pipeInput(
                id,
                encode(outcomeRecord(id, id, POOL, model, score, cost, ts), Topics.OUTCOMES),
                broker);
    }

    /** An answer whose cost is known and whose quality is not yet: score null. */
    void costOnly(String id, String model, double cost, long ts) {
        send(id, id, POOL, model, null, cost, ts);
    }

    void outcome(
            String key, String id, String pool, String model, double score, double cost, long ts) {
        send(key, id, pool, model, score, cost, ts);
    }

    private void send(
            String key,
            String id,
            String pool,
            String model,
            @Nullable Double score,
            double cost,
            long ts) {
        outcomes.pipeInput(
                key,
                encode(outcomeRecord(key, id, pool, model, score, cost, ts), Topics.OUTCOMES),
                ts);
    }

    private static Outcome outcomeRecord(
            String key,
            String id,
            String pool,
            String model,
            @Nullable Double score,
            double cost,
            long ts) {
        return Outcome.newBuilder()
                .setQueryId(id)
                .setPool(pool)
                .setModel(model)
                .setScore(score)
                .setCost(cost)
                .setTs(Instant.ofEpochMilli(ts))
                .build();
    }

    void rawOutcome(String key, String text, long ts) {
        outcomes.pipeInput(key, text.getBytes(StandardCharsets.UTF_8), ts);
    }

    /** An alert another writer (the routing job) puts on {@code router.alerts}. */
    void jobAlert(Alert a) {
        alertsIn.pipeInput(a.getPool(), encode(a, Topics.ALERTS), a.getWindowEnd().toEpochMilli());
    }

    /** What the alert store the API reads holds, in key order (pool, window start, kind). */
    List<Alert> storedAlerts() throws UndecodableRecordException {
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(AlertHistory.STORE);
        RecordCodec<Alert> codec = wire.codec(Alert.class, Topics.ALERTS);
        List<Alert> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                out.add(codec.decode(it.next().value));
            }
        }
        return out;
    }

    private <T extends SpecificRecord> byte[] encode(T record, String topic) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        return wire.codec(type, topic).encode(record);
    }

    @Override
    public void close() {
        driver.close();
    }
}

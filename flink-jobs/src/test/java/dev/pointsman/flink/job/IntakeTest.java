package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.flink.records.DeadLetters;
import dev.pointsman.flink.records.KafkaRecord;
import dev.pointsman.flink.support.ShardEvent;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class IntakeTest {
    private static PoolCatalog catalog(Map<String, String> defaults) {
        return PoolCatalog.newBuilder()
                .setPool("p")
                .setModels(
                        List.of(
                                CatalogModel.newBuilder()
                                        .setName("a")
                                        .setInputPrice(0)
                                        .setOutputPrice(0)
                                        .build()))
                .setDefaults(defaults)
                .build();
    }

    private static QueryEvent query(int dimension, String embedder) {
        QueryEvent q = new QueryEvent();
        q.queryId = "q1";
        q.pool = "p";
        q.vector = new float[dimension];
        q.vector[0] = 1;
        q.embedder = embedder;
        q.lambda = Double.NaN;
        return q;
    }

    private static FeedbackEvent example(int dimension, String embedder, String... models) {
        FeedbackEvent f = new FeedbackEvent();
        f.exampleId = "e1";
        f.pool = "p";
        f.dimension = dimension;
        f.embedder = embedder;
        f.models = models;
        f.encoded = new byte[] {1};
        return f;
    }

    @Test
    void queriesAreCheckedAgainstThePoolAndFannedOutToEveryShard() {
        QueryIntake intake = new QueryIntake(3, 1, 7, Duration.ofSeconds(1));
        PoolCatalog strict = catalog(Map.of("embedder", "e", "dimension", "4"));
        List<ShardEvent> out = new ArrayList<>();
        assertThat(intake.handle(query(4, "e"), Pool.of(strict), new ListCollector<>(out)))
                .isNull();
        assertThat(out).extracting(e -> e.shard).containsExactly(0, 1, 2);
        assertThat(out).allSatisfy(e -> assertThat(e.k).isEqualTo(7));

        assertThat(
                        intake.handle(
                                query(5, "e"),
                                Pool.of(strict),
                                new ListCollector<>(new ArrayList<>())))
                .contains("5 dimensions")
                .contains("expects 4");
        assertThat(
                        intake.handle(
                                query(4, "other"),
                                Pool.of(strict),
                                new ListCollector<>(new ArrayList<>())))
                .contains("embedded with other")
                .contains("expects e");
        assertThat(
                        intake.handle(
                                query(5, "x"),
                                Pool.of(catalog(Map.of())),
                                new ListCollector<>(new ArrayList<>())))
                .as("nothing declared, nothing checked here")
                .isNull();
    }

    @Test
    void aQueryClaimingATimeFarFromItsRecordsBrokerTimeIsDeadLettered() throws Exception {
        Decoders.Queries decoder = new Decoders.Queries(null);
        decoder.open(null);
        long broker = System.currentTimeMillis();
        List<QueryEvent> decided = new ArrayList<>();
        ListCollector<QueryEvent> out = new ListCollector<>(decided);
        // Microseconds for milliseconds, and a clock a day behind.
        assertThat(decoder.decode(embedded(broker * 1000, broker), out))
                .contains("ms ahead of its record's broker time");
        assertThat(decoder.decode(embedded(broker - 86_400_000L, broker), out))
                .contains("86400000 ms before its record's broker time");
        assertThat(decided).isEmpty();
        assertThat(decoder.decode(embedded(broker - 2_000, broker), out)).isNull();
        assertThat(decided)
                .singleElement()
                .satisfies(q -> assertThat(q.ts).isEqualTo(broker - 2_000));
    }

    private static KafkaRecord embedded(long ts, long broker) {
        Query query =
                Query.newBuilder()
                        .setId("q1")
                        .setPool("p")
                        .setText("t")
                        .setTs(Instant.ofEpochMilli(ts))
                        .build();
        KafkaRecord r = new KafkaRecord();
        r.topic = Topics.QUERIES_EMBEDDED;
        r.key = new byte[] {1};
        r.value =
                SingleObjectCodec.of(EmbeddedQuery.class)
                        .encode(
                                EmbeddedQuery.newBuilder()
                                        .setQuery(query)
                                        .setVector(Float32Vectors.toBytes(new float[] {1, 0}))
                                        .setDimension(2)
                                        .setEmbedder("e")
                                        .build());
        r.ts = broker;
        return r;
    }

    @Test
    void feedbackMustNameCatalogModelsAndGoesToTheShardThatOwnsIt() {
        FeedbackIntake intake = new FeedbackIntake(4, 1, Duration.ofSeconds(1));
        PoolCatalog cat = catalog(Map.of("dimension", "4"));
        List<ShardEvent> out = new ArrayList<>();
        assertThat(intake.handle(example(4, "e", "a"), Pool.of(cat), new ListCollector<>(out)))
                .isNull();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).shard).isEqualTo(ShardEvent.shardOf("e1", 4));
        assertThat(
                        intake.handle(
                                example(4, "e", "a", "zzz"),
                                Pool.of(cat),
                                new ListCollector<>(new ArrayList<>())))
                .contains("zzz")
                .contains("not in the catalog");
        assertThat(
                        intake.handle(
                                example(3, "e", "a"),
                                Pool.of(cat),
                                new ListCollector<>(new ArrayList<>())))
                .contains("3 dimensions");
    }

    @Test
    void withReplicasAnExampleGoesToEveryCopyOfItsShardAndAQueryToOneCopyOfEach() {
        PoolCatalog cat = catalog(Map.of("dimension", "4"));
        List<ShardEvent> stored = new ArrayList<>();
        assertThat(
                        new FeedbackIntake(4, 3, Duration.ofSeconds(1))
                                .handle(
                                        example(4, "e", "a"),
                                        Pool.of(cat),
                                        new ListCollector<>(stored)))
                .isNull();
        int owner = ShardEvent.shardOf("e1", 4);
        assertThat(stored).extracting(e -> e.shard).containsOnly(owner);
        assertThat(stored).extracting(e -> e.replica).containsExactly(0, 1, 2);
        assertThat(stored).extracting(ShardEvent::key).doesNotHaveDuplicates();

        QueryIntake intake = new QueryIntake(2, 3, 7, Duration.ofSeconds(1));
        java.util.Set<Integer> copies = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            QueryEvent q = query(4, "e");
            q.queryId = "q" + i;
            List<ShardEvent> asked = new ArrayList<>();
            assertThat(intake.handle(q, Pool.of(cat), new ListCollector<>(asked))).isNull();
            assertThat(asked).extracting(e -> e.shard).containsExactly(0, 1);
            // One copy of each shard, the same for both, chosen by the query's id.
            assertThat(asked).extracting(e -> e.replica).containsOnly(asked.get(0).replica);
            assertThat(asked.get(0).replica).isEqualTo(ShardEvent.replicaOf(q.queryId, 3));
            copies.add(asked.get(0).replica);
        }
        assertThat(copies).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void aCatalogNamingARouterTheJobDoesNotRunIsRejectedWithTheReason() {
        for (String router :
                List.of(
                        "knn-100",
                        "knn-7-weighted",
                        "knn-shrunk",
                        "global-trend",
                        "linear",
                        "mlp",
                        "linear-mf",
                        "mlp-mf")) {
            assertThat(Decoders.Catalogs.check(catalog(Map.of("router", router)), 100)).isNull();
        }
        assertThat(Decoders.Catalogs.check(catalog(Map.of()), 100)).isNull();
        for (String router : List.of("forest", "knn-0", "knn-", "knn-5-cosine")) {
            assertThat(Decoders.Catalogs.check(catalog(Map.of("router", router)), 100))
                    .isEqualTo(
                            "catalog of p: router '"
                                    + router
                                    + "' is not one the job runs (knn-K, knn-K-weighted,"
                                    + " knn-shrunk, global-trend, linear, mlp, linear-mf,"
                                    + " mlp-mf)");
        }
        assertThat(Decoders.Catalogs.check(catalog(Map.of("router", "knn-101-weighted")), 100))
                .isEqualTo(
                        "catalog of p: router knn-101-weighted needs more neighbours than the job"
                                + " finds per query (--k 100)");
        assertThat(Decoders.Catalogs.check(catalog(Map.of("lambda", "-1")), 100))
                .contains("lambda");
    }

    @Test
    void queriesKeyedByLaneWaitForTheirPoolsCatalogAndGoOnWhenItComes() throws Exception {
        int lanes = 3;
        try (var h = harness(new QueryIntake(2, 1, 5, Duration.ofSeconds(10), lanes, null))) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                QueryEvent q = query(4, "e");
                q.queryId = "q" + i;
                q.pool = i % 2 == 0 ? "p" : "other";
                q.source = KafkaRecord.derived(Topics.QUERIES_EMBEDDED, null, null, 0);
                keys.add(QueryIntake.key(q, lanes));
                h.processElement(q, 0);
            }
            // Each pool's queries are spread over its lanes, and none went on yet.
            assertThat(keys.stream().filter(k -> k.startsWith("p@")).distinct()).hasSize(lanes);
            assertThat(h.extractOutputValues()).isEmpty();

            PoolCatalog cat = catalog(Map.of());
            h.processBroadcastElement(
                    new CatalogUpdate("p", SingleObjectCodec.of(PoolCatalog.class).encode(cat)), 1);
            // Every waiting query of p, in every lane, fans out to both shards; other's still wait.
            assertThat(h.extractOutputValues())
                    .hasSize(15 * 2)
                    .allSatisfy(e -> assertThat(e.pool).isEqualTo("p"));

            // other's catalog never comes: its queries go to the dead-letter topic naming it.
            h.setProcessingTime(20_000);
            assertThat(h.getSideOutput(dev.pointsman.flink.records.DeadLetters.TAG))
                    .hasSize(15)
                    .allSatisfy(
                            r ->
                                    assertThat(new String(r.getValue().value))
                                            .contains("unknown pool 'other'"));
        }
    }

    @Test
    void withOneShardTheIntakeRefusesAReusedQueryIdUntilItIsForgotten() throws Exception {
        int lanes = 2;
        try (var h =
                harness(
                        new QueryIntake(
                                1, 2, 5, Duration.ofSeconds(10), lanes, Duration.ofMinutes(10)))) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.setProcessingTime(0);
            h.setStateTtlProcessingTime(0);
            // The first use of an id waits for the catalog like any query, and is remembered then.
            h.processElement(idQuery("q1", 1_000), 0);
            h.processBroadcastElement(
                    new CatalogUpdate(
                            "p", SingleObjectCodec.of(PoolCatalog.class).encode(catalog(Map.of()))),
                    1);
            h.processElement(idQuery("q2", 2_000), 0);
            h.processElement(idQuery("q1", 3_000), 0); // another query reusing q1
            h.processElement(idQuery("q1", 4_000), 0); // and another
            h.processElement(idQuery("q1", 1_000), 0); // q1 itself again: dropped quietly
            assertThat(h.extractOutputValues())
                    .extracting(e -> e.queryId)
                    .containsExactly("q1", "q2");
            assertThat(h.getSideOutput(DeadLetters.TAG))
                    .hasSize(2)
                    .allSatisfy(
                            r -> {
                                DeadLetter d =
                                        SingleObjectCodec.of(DeadLetter.class)
                                                .decode(r.getValue().value);
                                assertThat(d.getKind()).isEqualTo("duplicate");
                                assertThat(d.getReason())
                                        .contains("query id q1 of pool p")
                                        .contains("unique within a pool");
                            });

            // Ten minutes later the id is forgotten and may be used again.
            h.setStateTtlProcessingTime(Duration.ofMinutes(10).toMillis() + 1);
            h.processElement(idQuery("q1", 700_000), 0);
            assertThat(h.extractOutputValues())
                    .extracting(e -> e.queryId)
                    .containsExactly("q1", "q2", "q1");
        }
    }

    /** {@code intake} keyed as the job keys it. */
    private static KeyedBroadcastOperatorTestHarness<String, QueryEvent, CatalogUpdate, ShardEvent>
            harness(QueryIntake intake) throws Exception {
        int lanes = intake.lanes;
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                intake, q -> QueryIntake.key(q, lanes), Types.STRING, CatalogGate.CATALOGS);
    }

    private static QueryEvent idQuery(String id, long ts) {
        QueryEvent q = query(4, "e");
        q.queryId = id;
        q.pool = "p";
        q.ts = ts;
        q.source = KafkaRecord.derived(Topics.QUERIES_EMBEDDED, null, null, ts);
        return q;
    }
}

package dev.pointsman.flink.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.core.knn.ExactKnn;
import dev.pointsman.core.knn.IndexSpec;
import dev.pointsman.core.knn.Neighbour;
import dev.pointsman.core.vector.VectorSet;
import dev.pointsman.flink.records.DeadLetters;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The shard function on a real RocksDB backend, through Flink's operator test harness. */
class SupportShardFunctionTest {
    private static final SingleObjectCodec<FeedbackExample> CODEC =
            SingleObjectCodec.of(FeedbackExample.class);
    private static final int DIM = 8;

    private static KeyedOneInputStreamOperatorTestHarness<String, ShardEvent, ShardResult> harness(
            int capacity) throws Exception {
        return harness(capacity, IndexSpec.EXACT);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ShardEvent, ShardResult> harness(
            int capacity, IndexSpec index) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new SupportShardFunction(capacity, index)),
                        ShardEvent::key,
                        Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static float[] vector(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static byte[] example(String id, float[] v, long ts, Map<String, ObservedOutcome> o) {
        return CODEC.encode(
                FeedbackExample.newBuilder()
                        .setExampleId(id)
                        .setPool("p")
                        .setVector(Float32Vectors.toBytes(v))
                        .setDimension(v.length)
                        .setEmbedder("test-embedder")
                        .setOutcomes(o)
                        .setTs(Instant.ofEpochMilli(ts))
                        .build());
    }

    private static ObservedOutcome outcome(double score, double cost) {
        return new ObservedOutcome(score, cost, 1.0, null);
    }

    private static ShardResult ask(
            KeyedOneInputStreamOperatorTestHarness<String, ShardEvent, ShardResult> h,
            float[] query,
            int k)
            throws Exception {
        h.getOutput().clear();
        h.processElement(ShardEvent.query("p", 0, 1, "q", query, k, 0L), 0L);
        List<ShardResult> out = h.extractOutputValues();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void findsWhatBruteForceFindsWithTheNeighboursOutcomes() throws Exception {
        Random random = new Random(3);
        List<float[]> vectors = new ArrayList<>();
        try (var h = harness(1000)) {
            h.open();
            for (int i = 0; i < 60; i++) {
                float[] v = vector(random);
                vectors.add(v);
                h.processElement(
                        ShardEvent.feedback(
                                "p",
                                0,
                                1,
                                example(
                                        "e" + i,
                                        v,
                                        1000 + i,
                                        Map.of("m" + (i % 3), outcome(i / 60.0, i)))),
                        0L);
            }
            float[] query = vector(random);
            ShardResult got = ask(h, query, 7);
            Neighbour[] want =
                    new ExactKnn(VectorSet.ofNormalized(vectors))
                            .search(dev.pointsman.core.vector.Vectors.l2Normalized(query), 7);
            assertThat(got.shardSize).isEqualTo(60);
            assertThat(got.ids).hasSize(7);
            assertThat(got.propensities).as("no neighbour's outcome was explored").isNull();
            for (int i = 0; i < 7; i++) {
                int row = want[i].index();
                assertThat(got.ids[i]).isEqualTo("e" + row);
                assertThat(got.similarities[i]).isEqualTo(want[i].similarity());
                assertThat(got.seqs[i]).isEqualTo(1000 + row);
                int m = java.util.Arrays.asList(got.models).indexOf("m" + (row % 3));
                assertThat(got.scores[i * got.models.length + m]).isEqualTo(row / 60.0);
                assertThat(got.costs[i * got.models.length + m]).isEqualTo((double) row);
            }
        }
    }

    @Test
    void outcomesForAKnownExampleMergeAndEvictionKeepsTheNewest() throws Exception {
        Random random = new Random(4);
        float[] first = vector(random);
        OperatorSubtaskState snapshot;
        try (var h = harness(5)) {
            h.open();
            h.processElement(
                    ShardEvent.feedback(
                            "p", 0, 1, example("e0", first, 10, Map.of("a", outcome(1, 0.5)))),
                    0L);
            h.processElement(
                    ShardEvent.feedback(
                            "p", 0, 1, example("e0", first, 10, Map.of("b", outcome(0, 0.1)))),
                    0L);
            ShardResult merged = ask(h, first, 1);
            assertThat(merged.ids).containsExactly("e0");
            assertThat(merged.models).containsExactly("a", "b");
            assertThat(merged.scores).containsExactly(1.0, 0.0);

            for (int i = 1; i <= 7; i++) {
                h.processElement(
                        ShardEvent.feedback(
                                "p",
                                0,
                                1,
                                example(
                                        "e" + i,
                                        vector(random),
                                        10 + i,
                                        Map.of("a", outcome(0.5, 1)))),
                        0L);
            }
            ShardResult all = ask(h, first, 100);
            assertThat(all.shardSize).isEqualTo(5);
            assertThat(all.ids).containsExactlyInAnyOrder("e3", "e4", "e5", "e6", "e7");
            snapshot = h.snapshot(1L, 1L);
        }
        // The state holds exactly what the cache held: a shard restored with room for more
        // rebuilds its cache from state alone and finds the same five examples.
        try (var restored = harness(1000)) {
            restored.initializeState(snapshot);
            restored.open();
            ShardResult all = ask(restored, first, 100);
            assertThat(all.shardSize).isEqualTo(5);
            assertThat(all.ids).containsExactlyInAnyOrder("e3", "e4", "e5", "e6", "e7");
        }
    }

    @Test
    void anHnswShardEvictsRebuildsAndRestoresLikeTheExactOne() throws Exception {
        Random random = new Random(6);
        // A beam wider than the graph can grow (live + removed nodes stay under 2 × capacity):
        // the search then sees every node, so answers must equal the exact shard's.
        IndexSpec hnsw = IndexSpec.hnsw(8, 32, 256);
        List<float[]> queries = new ArrayList<>();
        for (int q = 0; q < 10; q++) {
            queries.add(vector(random));
        }
        OperatorSubtaskState snapshot;
        try (var graph = harness(100, hnsw);
                var exact = harness(100)) {
            graph.open();
            exact.open();
            for (int i = 0; i < 400; i++) {
                var event =
                        ShardEvent.feedback(
                                "p",
                                0,
                                1,
                                example(
                                        "e" + i,
                                        vector(random),
                                        i,
                                        Map.of("a", outcome(i % 2, i))));
                graph.processElement(event, 0L);
                exact.processElement(event, 0L);
            }
            for (float[] query : queries) {
                ShardResult want = ask(exact, query, 10);
                ShardResult got = ask(graph, query, 10);
                assertThat(got.shardSize).isEqualTo(100);
                assertThat(got.ids).containsExactly(want.ids);
                assertThat(got.similarities).containsExactly(want.similarities);
                assertThat(got.scores).containsExactly(want.scores);
            }
            snapshot = graph.snapshot(1L, 1L);
        }
        try (var restored = harness(100, hnsw);
                var exact = harness(100)) {
            restored.initializeState(snapshot);
            restored.open();
            exact.initializeState(snapshot);
            exact.open();
            for (float[] query : queries) {
                assertThat(ask(restored, query, 10).ids).containsExactly(ask(exact, query, 10).ids);
            }
        }
    }

    @Test
    void aRestoredShardAnswersExactlyAsBefore() throws Exception {
        Random random = new Random(5);
        OperatorSubtaskState snapshot;
        ShardResult before;
        float[] query = vector(random);
        try (var h = harness(20)) {
            h.open();
            for (int i = 0; i < 30; i++) {
                h.processElement(
                        ShardEvent.feedback(
                                "p",
                                0,
                                1,
                                example(
                                        "e" + i,
                                        vector(random),
                                        i,
                                        Map.of("a", outcome(i % 2, i)))),
                        0L);
            }
            before = ask(h, query, 10);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness(20)) {
            restored.initializeState(snapshot);
            restored.open();
            ShardResult after = ask(restored, query, 10);
            assertThat(after.ids).containsExactly(before.ids);
            assertThat(after.similarities).containsExactly(before.similarities);
            assertThat(after.scores).containsExactly(before.scores);
            assertThat(after.shardSize).isEqualTo(20);
        }
    }

    @Test
    void aQueryFarFromTheSupportSetScoresOutOfDistributionAndTheScoreSurvivesARestore()
            throws Exception {
        Random random = new Random(6);
        float[] centre = vector(random);
        OperatorSubtaskState snapshot;
        float[] near = centre.clone();
        float[] far = vector(random);
        double farZ;
        try (var h = harness(1000)) {
            h.open();
            for (int i = 0; i < 200; i++) {
                float[] v = centre.clone();
                for (int j = 0; j < DIM; j++) {
                    v[j] += 0.3f * (float) random.nextGaussian();
                }
                h.processElement(
                        ShardEvent.feedback(
                                "p", 0, 1, example("e" + i, v, i, Map.of("a", outcome(1, 1)))),
                        0L);
            }
            double nearZ = ask(h, near, 3).oodZ;
            farZ = ask(h, far, 3).oodZ;
            assertThat(nearZ).isLessThan(1);
            assertThat(farZ).isGreaterThan(3);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness(1000)) {
            restored.initializeState(snapshot);
            restored.open();
            assertThat(ask(restored, far, 3).oodZ).isEqualTo(farZ);
        }
    }

    /**
     * The pacer's input: a new paid example reports all its outcomes' cost and their predicted cost
     * as one decided query; a re-sent one only the outcomes it adds; seed examples nothing.
     */
    @Test
    void eachPaidOutcomeIsReportedToThePacerOnceWithItsPredictedCost() throws Exception {
        try (var h = harness(100)) {
            h.open();
            float[] v = vector(new Random(3));
            ObservedOutcome chosen = new ObservedOutcome(1.0, 0.004, 1.0, 0.003);
            ObservedOutcome explored = new ObservedOutcome(0.0, 0.001, 0.5, 0.002);
            h.processElement(
                    ShardEvent.feedback("p", 0, 1, example("q1", v, 5, Map.of("big", chosen))), 0L);
            h.processElement(
                    ShardEvent.feedback(
                            "p",
                            0,
                            1,
                            example("q1", v, 5, Map.of("big", chosen, "small", explored))),
                    0L);
            h.processElement(
                    ShardEvent.feedback(
                            "p",
                            0,
                            1,
                            example("q1", v, 5, Map.of("big", chosen, "small", explored))),
                    0L);
            byte[] seed =
                    CODEC.encode(
                            FeedbackExample.newBuilder(
                                            CODEC.decode(
                                                    example("s1", v, 5, Map.of("big", chosen))))
                                    .setPaid(false)
                                    .build());
            h.processElement(ShardEvent.feedback("p", 0, 1, seed), 0L);
            List<SpendEvent> spend =
                    h.getSideOutput(SpendEvent.TAG).stream().map(r -> r.getValue()).toList();
            assertThat(spend).hasSize(2);
            assertThat(spend.get(0).queries).isEqualTo(1);
            assertThat(spend.get(0).decided).isEqualTo(1);
            assertThat(spend.get(0).cost).isEqualTo(0.004);
            assertThat(spend.get(0).predicted).isEqualTo(0.003);
            assertThat(spend.get(1).queries).isZero();
            assertThat(spend.get(1).cost).isEqualTo(0.001);
            assertThat(spend.get(1).predicted).isEqualTo(0.002);
            assertThat(spend.get(1).ts).isEqualTo(5);
        }
    }

    /** Every copy of a replicated shard stores the example; only the first reports its spend. */
    @Test
    void copiesOfAShardStoreEveryExampleButOnlyTheFirstReportsSpend() throws Exception {
        try (var h = harness(100)) {
            h.open();
            float[] v = vector(new Random(4));
            ObservedOutcome paid = new ObservedOutcome(1.0, 0.004, 1.0, 0.003);
            for (int r = 0; r < 3; r++) {
                h.processElement(
                        ShardEvent.feedback("p", 0, 1, example("q1", v, 5, Map.of("big", paid)))
                                .atReplica(r, 3),
                        0L);
            }
            assertThat(h.getSideOutput(SpendEvent.TAG)).hasSize(1);
            for (int r = 0; r < 3; r++) {
                h.getOutput().clear();
                h.processElement(
                        ShardEvent.query("p", 0, 1, "ask" + r, v, 1, 0L).atReplica(r, 3), 0L);
                List<ShardResult> out = h.extractOutputValues();
                assertThat(out).hasSize(1);
                assertThat(out.get(0).ids).as("copy %d", r).containsExactly("q1");
            }
        }
    }

    /** A gateway's answer: its cost at once (score NaN), its rating later. */
    @Test
    void anUnratedAnswersCostIsPaidOnceAndItsRatingOnlyCompletesIt() throws Exception {
        try (var h = harness(100)) {
            h.open();
            float[] v = vector(new Random(5));
            h.processElement(
                    ShardEvent.feedback(
                            "p",
                            0,
                            1,
                            example(
                                    "q1",
                                    v,
                                    5,
                                    Map.of(
                                            "big",
                                            new ObservedOutcome(Double.NaN, 0.004, 1.0, 0.003)))),
                    0L);
            h.processElement(
                    ShardEvent.feedback(
                            "p",
                            0,
                            1,
                            example(
                                    "q1",
                                    v,
                                    5,
                                    Map.of("big", new ObservedOutcome(0.9, 0.004, 1.0, 0.003)))),
                    0L);
            List<SpendEvent> spend =
                    h.getSideOutput(SpendEvent.TAG).stream().map(r -> r.getValue()).toList();
            assertThat(spend).hasSize(1);
            assertThat(spend.get(0).cost).isEqualTo(0.004);
            assertThat(spend.get(0).predicted).isEqualTo(0.003);
        }
    }

    @Test
    void anExampleOfAnotherDimensionGoesToTheDeadLettersNotTheSupportSet() throws Exception {
        Random random = new Random(7);
        try (var h = harness(100)) {
            h.open();
            float[] v = vector(random);
            h.processElement(
                    ShardEvent.feedback("p", 0, 1, example("ok", v, 1, Map.of("a", outcome(1, 1)))),
                    0L);
            h.processElement(
                    ShardEvent.feedback(
                            "p",
                            0,
                            1,
                            example("wide", new float[DIM + 2], 2, Map.of("a", outcome(1, 1)))),
                    0L);
            var rejected = h.getSideOutput(DeadLetters.TAG);
            assertThat(rejected).hasSize(1);
            var letter =
                    SingleObjectCodec.of(dev.pointsman.schemas.DeadLetter.class)
                            .decode(rejected.iterator().next().getValue().value);
            assertThat(letter.getReason())
                    .contains("wide")
                    .contains("10 dimensions")
                    .contains("holds 8");
            assertThat(ask(h, v, 10).ids).containsExactly("ok");

            // A query of another dimension is answered empty (decided on priors) and
            // dead-lettered with the reason, without its payload.
            ShardResult none = ask(h, new float[DIM + 2], 10);
            assertThat(none.ids).isEmpty();
            assertThat(h.getSideOutput(DeadLetters.TAG)).hasSize(2);
            var letters = new ArrayList<>(h.getSideOutput(DeadLetters.TAG));
            var query =
                    SingleObjectCodec.of(dev.pointsman.schemas.DeadLetter.class)
                            .decode(letters.get(1).getValue().value);
            assertThat(query.getReason())
                    .isEqualTo(
                            "query q has 10 dimensions; pool p holds examples of 8 (from test-embedder), so"
                                    + " it was decided on the catalog priors");
            assertThat(query.getPayload()).isNull();
        }
    }
}

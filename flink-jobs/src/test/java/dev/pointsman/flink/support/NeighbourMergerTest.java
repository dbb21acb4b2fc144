package dev.pointsman.flink.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.flink.records.DeadLetters;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class NeighbourMergerTest {
    private static final int DIM = 8;
    private static final int SHARDS = 3;

    private static KeyedOneInputStreamOperatorTestHarness<String, ShardResult, Neighbourhood>
            harness() throws Exception {
        return harness(new EmbeddedRocksDBStateBackend());
    }

    /** On {@code backend} (the heap backend can count its entries). */
    private static KeyedOneInputStreamOperatorTestHarness<String, ShardResult, Neighbourhood>
            harness(StateBackend backend) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        NeighbourMerger.operator(Duration.ofMillis(100), Duration.ofMinutes(5)),
                        NeighbourMerger::key,
                        Types.STRING);
        h.setStateBackend(backend);
        return h;
    }

    /** Examples spread over SHARDS caches by id, and one cache holding them all. */
    private static final class Fixture {
        final ShardCache[] shards = new ShardCache[SHARDS];
        final ShardCache whole = new ShardCache(DIM, "e");
        final Random random = new Random(21);

        Fixture(int examples) {
            for (int s = 0; s < SHARDS; s++) {
                shards[s] = new ShardCache(DIM, "e");
            }
            for (int i = 0; i < examples; i++) {
                float[] v = vector();
                // Some models only on some examples, so the union of models matters.
                Map<String, ObservedOutcome> outcomes =
                        i % 2 == 0
                                ? Map.of("a", new ObservedOutcome(i / 100.0, 1.0 * i, 1.0, null))
                                : Map.of(
                                        "b",
                                        // Explored with a propensity that the merge must carry.
                                        new ObservedOutcome(
                                                1 - i / 100.0, 2.0 * i, 0.25 * (1 + i % 4), null));
                FeedbackExample e =
                        FeedbackExample.newBuilder()
                                .setExampleId("x" + i)
                                .setPool("p")
                                .setVector(Float32Vectors.toBytes(v))
                                .setDimension(DIM)
                                .setEmbedder("e")
                                .setOutcomes(outcomes)
                                .setTs(Instant.ofEpochMilli(i))
                                .build();
                shards[ShardEvent.shardOf(e.getExampleId(), SHARDS)].add(e);
                whole.add(e);
            }
        }

        float[] vector() {
            float[] v = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                v[j] = (float) random.nextGaussian();
            }
            return v;
        }

        ShardResult partial(int shard, String queryId, float[] q, int k) {
            return partial(shard, queryId, q, k, 77L);
        }

        ShardResult partial(int shard, String queryId, float[] q, int k, long ts) {
            return ask(shards[shard], queryId, shard, SHARDS, q, k, ts);
        }
    }

    @Test
    void mergesToExactlyTheSearchOverAllShards() throws Exception {
        Fixture f = new Fixture(90);
        try (var h = harness()) {
            h.open();
            for (int q = 0; q < 5; q++) {
                float[] query = f.vector();
                for (int s = 0; s < SHARDS; s++) {
                    h.processElement(f.partial(s, "q" + q, query, 12), 0L);
                }
                ShardResult want = ask(f.whole, "q" + q, 0, 1, query, 12, 77L);
                List<Neighbourhood> out = h.extractOutputValues();
                assertThat(out).hasSize(q + 1);
                Neighbourhood got = out.get(q);
                assertThat(got.shardsMissing).isZero();
                assertThat(got.supportSize).isEqualTo(90);
                assertThat(got.ids).containsExactly(want.ids);
                assertThat(got.similarities).containsExactly(want.similarities);
                assertThat(got.models).containsExactly(want.models);
                assertThat(got.scores).containsExactly(want.scores);
                assertThat(got.costs).containsExactly(want.costs);
                assertThat(got.propensities).containsExactly(want.propensities);
                assertThat(got.propensities).contains(0.5).contains(1.0);
            }
        }
    }

    /** One query of pool p through a shard's cache, as the shard function asks it. */
    private static ShardResult ask(
            ShardCache cache, String queryId, int shard, int shards, float[] q, int k, long ts) {
        return cache.searchAll(List.of(ShardEvent.query("p", shard, shards, queryId, q, k, ts)))[0];
    }

    private static ShardResult answer(int shard, float similarity, double[] propensities) {
        ShardResult r = new ShardResult();
        r.queryId = "q";
        r.pool = "p";
        r.shard = shard;
        r.shards = 2;
        r.k = 2;
        r.ids = new String[] {"e" + shard};
        r.similarities = new float[] {similarity};
        r.seqs = new long[] {shard};
        r.models = new String[] {"a", "b"};
        r.scores = new double[] {1, 0};
        r.costs = new double[] {0.1, 0.2};
        r.propensities = propensities;
        return r;
    }

    @Test
    void aPoolWithOneShardGetsItsAnswerAsTheMergeWouldLayItOut() {
        Fixture f = new Fixture(90);
        for (int q = 0; q < 5; q++) {
            ShardResult answer = ask(f.whole, "q" + q, 0, 1, f.vector(), 12, 77L);
            answer.oodZ = 0.5 * q;
            answer.lambda = 0.1;
            Neighbourhood merged = NeighbourMerger.merge(List.of(answer));
            Neighbourhood whole = NeighbourMerger.whole(answer);
            assertThat(whole)
                    .usingRecursiveComparison()
                    .withComparatorForType(Double::compare, Double.class)
                    .isEqualTo(merged);
            assertThat(whole.propensities).as("some neighbour was explored").isNotNull();
            assertThat(whole.supportSize).isEqualTo(90);
        }
    }

    @Test
    void propensitiesAreCarriedOnlyWhenSomeNeighbourWasExplored() {
        Neighbourhood certain =
                NeighbourMerger.merge(List.of(answer(0, 0.9f, null), answer(1, 0.8f, null)));
        assertThat(certain.ids).containsExactly("e0", "e1");
        assertThat(certain.propensities).isNull();
        Neighbourhood explored =
                NeighbourMerger.merge(
                        List.of(answer(0, 0.7f, null), answer(1, 0.8f, new double[] {1, 0.25})));
        assertThat(explored.ids).containsExactly("e1", "e0");
        assertThat(explored.propensities).containsExactly(1, 0.25, 1, 1);
    }

    @Test
    void aSlowShardCannotHoldTheDecisionAndItsLateAnswerIsDropped() throws Exception {
        Fixture f = new Fixture(60);
        float[] query = f.vector();
        try (var h = harness()) {
            h.open();
            h.setProcessingTime(1_000);
            h.processElement(f.partial(0, "q", query, 5), 0L);
            h.processElement(f.partial(1, "q", query, 5), 0L);
            h.setProcessingTime(1_099);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(1_100);
            List<Neighbourhood> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).shardsMissing).isEqualTo(1);
            assertThat(out.get(0).ids).hasSize(5);

            h.processElement(f.partial(2, "q", query, 5), 0L);
            h.setProcessingTime(5_000);
            assertThat(h.extractOutputValues()).as("decided once").hasSize(1);
        }
    }

    @Test
    void aDecidedIdReusedByAnotherQueryIsDeadLetteredNotDecidedAgain() throws Exception {
        Fixture f = new Fixture(60);
        float[] query = f.vector();
        try (var h = harness()) {
            h.open();
            for (int s = 0; s < SHARDS; s++) {
                h.processElement(f.partial(s, "q", query, 5), 0L);
            }
            assertThat(h.extractOutputValues()).hasSize(1);
            // The same id, another query (another event time): every shard answers, once.
            for (int s = 0; s < SHARDS; s++) {
                h.processElement(f.partial(s, "q", f.vector(), 5, 5_000L), 0L);
            }
            assertThat(h.extractOutputValues()).as("decided once").hasSize(1);
            var letters = new ArrayList<>(h.getSideOutput(DeadLetters.TAG));
            assertThat(letters).hasSize(1);
            DeadLetter letter =
                    SingleObjectCodec.of(DeadLetter.class).decode(letters.get(0).getValue().value);
            assertThat(letter.getKind()).isEqualTo("duplicate");
            assertThat(letter.getPool()).isEqualTo("p");
            assertThat(letter.getReason())
                    .startsWith("query id q of pool p was decided less than 5 minutes ago");
        }
    }

    @Test
    void aWaitInProgressSurvivesARestore() throws Exception {
        Fixture f = new Fixture(60);
        float[] query = f.vector();
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(f.partial(0, "q", query, 8), 0L);
            h.processElement(f.partial(1, "q", query, 8), 0L);
            // The answers so far wait in memory until the checkpoint, which writes them to state.
            h.prepareSnapshotPreBarrier(1L);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(f.partial(2, "q", query, 8), 0L);
            List<Neighbourhood> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).shardsMissing).isZero();
            assertThat(out.get(0).ids).containsExactly(ask(f.whole, "q", 0, 1, query, 8, 77L).ids);
        }
    }

    @Test
    void aDecidedQueryLeavesOnlyItsDecidedFlagBehind() throws Exception {
        Fixture f = new Fixture(60);
        try (var h = harness(new HashMapStateBackend())) {
            h.open();
            h.setProcessingTime(1_000);
            for (int q = 0; q < 4; q++) {
                float[] query = f.vector();
                for (int s = 0; s < SHARDS; s++) {
                    h.processElement(f.partial(s, "q" + q, query, 5), 0L);
                }
            }
            float[] slow = f.vector();
            h.processElement(f.partial(0, "slow", slow, 5), 0L);
            // waiting in memory: only the four decided flags are in state
            assertThat(h.numKeyedStateEntries()).isEqualTo(4);
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            h.setProcessingTime(1_100);
            assertThat(h.extractOutputValues()).hasSize(5);
            assertThat(h.numKeyedStateEntries()).isEqualTo(5);
            assertThat(h.numProcessingTimeTimers()).isZero();

            // Spilled by a checkpoint, a waiting query's state is cleared once it is decided.
            float[] spilled = f.vector();
            h.processElement(f.partial(0, "spilled", spilled, 5), 0L);
            h.prepareSnapshotPreBarrier(2L);
            assertThat(h.numKeyedStateEntries()).isEqualTo(5 + 2);
            h.processElement(f.partial(1, "spilled", spilled, 5), 0L);
            h.processElement(f.partial(2, "spilled", spilled, 5), 0L);
            assertThat(h.extractOutputValues()).hasSize(6);
            assertThat(h.extractOutputValues().get(5).shardsMissing).isZero();
            assertThat(h.numKeyedStateEntries()).isEqualTo(6);
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }
}

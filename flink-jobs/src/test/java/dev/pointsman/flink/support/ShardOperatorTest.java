package dev.pointsman.flink.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.core.knn.IndexSpec;
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
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The shard operator's queue, on RocksDB through Flink's operator test harness: when queries are
 * answered, and that a batch answers each query exactly as the function alone does.
 */
class ShardOperatorTest {
    private static final SingleObjectCodec<FeedbackExample> CODEC =
            SingleObjectCodec.of(FeedbackExample.class);
    private static final int DIM = 8;
    private static final int SHARDS = 2;

    private static KeyedOneInputStreamOperatorTestHarness<String, ShardEvent, ShardResult> harness(
            OneInputStreamOperator<ShardEvent, ShardResult> operator) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operator, ShardEvent::key, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static ShardOperator batching(int maxBatch, long waitMs) {
        return new ShardOperator(
                new SupportShardFunction(1000, IndexSpec.EXACT),
                maxBatch,
                Duration.ofMillis(waitMs));
    }

    private static float[] vector(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static ShardEvent example(String id, float[] v, int shard) {
        return ShardEvent.feedback(
                "p",
                shard,
                SHARDS,
                CODEC.encode(
                        FeedbackExample.newBuilder()
                                .setExampleId(id)
                                .setPool("p")
                                .setVector(Float32Vectors.toBytes(v))
                                .setDimension(DIM)
                                .setEmbedder("test-embedder")
                                .setOutcomes(
                                        Map.of("m", new ObservedOutcome(0.5, 0.001, 1.0, null)))
                                .setTs(Instant.ofEpochMilli(id.hashCode() & 0xFFFF))
                                .build()));
    }

    private static ShardEvent query(String id, float[] v, int shard) {
        return ShardEvent.query("p", shard, SHARDS, id, v, 5, 0L);
    }

    private static List<String> answered(
            KeyedOneInputStreamOperatorTestHarness<String, ShardEvent, ShardResult> h) {
        List<String> ids = new ArrayList<>();
        for (ShardResult r : h.extractOutputValues()) {
            ids.add(r.queryId + "/" + r.shard);
        }
        return ids;
    }

    @Test
    void queriesWaitForABatchOnlyAsLongAsTheyMay() throws Exception {
        Random random = new Random(5);
        try (var h = harness(batching(3, 5))) {
            h.open();
            h.setProcessingTime(0);
            for (int i = 0; i < 20; i++) {
                h.processElement(example("e" + i, vector(random), i % SHARDS), 0L);
            }
            // The first query has no gap to judge by: answered at once.
            h.processElement(query("q1", vector(random), 0), 0L);
            assertThat(answered(h)).containsExactly("q1/0");
            // Queries arriving together wait; the third fills the batch.
            h.processElement(query("q2", vector(random), 0), 0L);
            h.processElement(query("q2", vector(random), 1), 0L);
            assertThat(answered(h)).containsExactly("q1/0");
            h.processElement(query("q3", vector(random), 0), 0L);
            assertThat(answered(h)).containsExactly("q1/0", "q2/0", "q3/0", "q2/1");
            // A lone one is answered when its wait is up, not before.
            h.processElement(query("q4", vector(random), 1), 0L);
            h.setProcessingTime(4);
            assertThat(answered(h)).hasSize(4);
            h.setProcessingTime(5);
            assertThat(answered(h)).endsWith("q4/1");
            // A feedback example is stored only after the queued queries are answered.
            h.processElement(query("q5", vector(random), 0), 5L);
            h.processElement(example("e-late", vector(random), 0), 5L);
            assertThat(answered(h)).endsWith("q5/0");
            // Nothing queued passes a checkpoint barrier.
            h.processElement(query("q6", vector(random), 0), 5L);
            assertThat(answered(h)).doesNotContain("q6/0");
            h.prepareSnapshotPreBarrier(1);
            assertThat(answered(h)).endsWith("q6/0");
            // Slow traffic (gaps over the wait) is never held.
            h.setProcessingTime(100);
            h.processElement(query("q7", vector(random), 0), 100L);
            h.setProcessingTime(200);
            h.processElement(query("q8", vector(random), 0), 200L);
            assertThat(answered(h)).endsWith("q7/0", "q8/0");
        }
    }

    @Test
    void aBatchAnswersEachQueryAsTheFunctionAloneDoes() throws Exception {
        Random random = new Random(6);
        List<ShardEvent> events = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            events.add(example("e" + i, vector(random), i % SHARDS));
            if (i % 7 == 6) {
                // Bursts of queries between examples, to both shards.
                for (int q = 0; q < 5; q++) {
                    float[] v = vector(random);
                    events.add(query("q" + i + "-" + q, v, 0));
                    events.add(query("q" + i + "-" + q, v, 1));
                }
            }
        }
        List<ShardResult> batched = run(harness(batching(4, 50)), events);
        List<ShardResult> alone =
                run(
                        harness(
                                new KeyedProcessOperator<>(
                                        new SupportShardFunction(1000, IndexSpec.EXACT))),
                        events);
        assertThat(batched).hasSameSizeAs(alone).hasSize(2 * 5 * (300 / 7));
        // Batches answer per shard, so the order across shards may differ; per query it may not.
        Map<String, ShardResult> byQuery = new java.util.HashMap<>();
        for (ShardResult r : alone) {
            byQuery.put(r.queryId + "/" + r.shard, r);
        }
        for (ShardResult b : batched) {
            ShardResult a = byQuery.get(b.queryId + "/" + b.shard);
            assertThat(b.ids).as(b.queryId).containsExactly(a.ids);
            assertThat(b.similarities).containsExactly(a.similarities);
            assertThat(b.shardSize).isEqualTo(a.shardSize);
            assertThat(b.scores).containsExactly(a.scores);
            assertThat(Double.compare(b.oodZ, a.oodZ)).isZero(); // NaN until typical
        }
    }

    private static List<ShardResult> run(
            KeyedOneInputStreamOperatorTestHarness<String, ShardEvent, ShardResult> h,
            List<ShardEvent> events)
            throws Exception {
        try (h) {
            h.open();
            h.setProcessingTime(0);
            for (ShardEvent e : events) {
                h.processElement(e, 0L);
            }
            h.prepareSnapshotPreBarrier(1);
            return new ArrayList<>(h.extractOutputValues());
        }
    }
}

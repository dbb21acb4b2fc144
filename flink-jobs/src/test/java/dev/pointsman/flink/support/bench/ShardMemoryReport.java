package dev.pointsman.flink.support.bench;

import dev.pointsman.core.knn.IndexSpec;
import dev.pointsman.flink.support.ShardCacheProbe;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Bytes per support example: on the heap, what a shard's in-memory mirror holds per example (the
 * index rows, the decoded example, its outcome arrays, the id and age maps), measured as the heap
 * used after a full collection with and without the examples; in RocksDB, the state entry a shard
 * writes (the id as key, the single-object encoded example as value), before RocksDB's own
 * compression and overheads. Run with {@code bench/shard-memory.sh [examples] [models] [dim]}.
 */
public final class ShardMemoryReport {
    private ShardMemoryReport() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int models = args.length > 1 ? Integer.parseInt(args[1]) : 11;
        int dim = args.length > 2 ? Integer.parseInt(args[2]) : 384;
        SingleObjectCodec<FeedbackExample> codec = SingleObjectCodec.of(FeedbackExample.class);
        SplittableRandom random = new SplittableRandom(7);
        long stateBytes = 0;
        long before = usedAfterGc();
        ShardCacheProbe cache = new ShardCacheProbe(dim, "bench", IndexSpec.EXACT);
        for (int i = 0; i < n; i++) {
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) {
                v[j] = (float) random.nextGaussian();
            }
            Map<String, ObservedOutcome> outcomes = new HashMap<>();
            for (int m = 0; m < models; m++) {
                outcomes.put(
                        "model-" + m,
                        new ObservedOutcome(
                                random.nextDouble(), random.nextDouble() * 1e-3, 1.0, null));
            }
            String id = "support-" + i;
            FeedbackExample example =
                    FeedbackExample.newBuilder()
                            .setExampleId(id)
                            .setPool("bench")
                            .setVector(Float32Vectors.toBytes(v))
                            .setDimension(dim)
                            .setEmbedder("bench")
                            .setOutcomes(outcomes)
                            .setTs(Instant.ofEpochMilli(i))
                            .build();
            byte[] encoded = codec.encode(example);
            stateBytes += encoded.length + id.getBytes(StandardCharsets.UTF_8).length;
            cache.add(codec.decode(encoded)); // as a shard holds it: decoded from its state
        }
        long after = usedAfterGc();
        System.out.printf(
                Locale.ROOT,
                "%d examples × %d dims, %d models: heap %.0f bytes/example (%.1f MB), state entries"
                        + " %.0f bytes/example (%.1f MB); index rows alone %d bytes/example%n",
                n,
                dim,
                models,
                (after - before) / (double) n,
                (after - before) / 1e6,
                stateBytes / (double) n,
                stateBytes / 1e6,
                5 * dim + 16); // float rows, int8 copy, scale, error bound, sequence number
        System.out.println(cache.size()); // keeps the cache reachable until measured
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}

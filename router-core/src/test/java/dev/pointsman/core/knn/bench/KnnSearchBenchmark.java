package dev.pointsman.core.knn.bench;

import dev.pointsman.core.knn.Ranked;
import dev.pointsman.core.knn.SupportIndex;
import dev.pointsman.core.vector.Vectors;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Exact top-k search of one query over a support set of {@code size} × 384 unit vectors on one
 * thread: the per-query cost of a support-set shard holding that many examples. Run with {@code
 * bench/jmh-knn.sh}. {@link #searchAll} measures a batch of queries in one pass.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms4g", "-Xmx4g", "--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class KnnSearchBenchmark {
    @Param({"10000", "100000", "1000000"})
    int size;

    @Param({"10", "100"})
    int k;

    @Param({"384"})
    int dimension;

    private SupportIndex index;
    private float[][] queries;
    private int next;

    @Setup(Level.Trial)
    public void build() {
        SplittableRandom random = new SplittableRandom(20261122L);
        index = new SupportIndex(dimension, size);
        float[] row = new float[dimension];
        for (int i = 0; i < size; i++) {
            fill(random, row);
            index.add(row, i);
        }
        queries = new float[64][dimension];
        for (float[] q : queries) {
            fill(random, q);
            Vectors.l2NormalizeInPlace(q);
        }
    }

    private static void fill(SplittableRandom random, float[] v) {
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) (random.nextDouble() * 2 - 1);
        }
    }

    /** How many queries {@link #searchAll} takes at once (time is per batch: divide by it). */
    @State(Scope.Benchmark)
    public static class Batch {
        @Param({"16"})
        int batch;
    }

    /** {@code batch} queries in one pass over the rows, as a shard does with queued queries. */
    @Benchmark
    public Ranked[][] searchAll(Batch b) {
        float[][] batch = new float[b.batch][];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = queries[next];
            next = (next + 1) & 63;
        }
        return index.searchAll(batch, k);
    }

    @Benchmark
    public Ranked[] search() {
        float[] q = queries[next];
        next = (next + 1) & 63;
        return index.search(q, k);
    }
}

package dev.pointsman.cli.bench;

import dev.pointsman.core.knn.IndexSpec;
import dev.pointsman.flink.job.JobSettings;
import dev.pointsman.flink.job.LocalJob;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * Drives pre-embedded queries through the routing job (a local Flink cluster in this JVM) on a
 * broker, after seeding one pool with {@code support} examples of random unit vectors and random
 * outcomes for {@code models} models (11 by default). Measures decisions/s at saturation, then the
 * latency from handing a query to the producer of {@code router.queries.embedded} to its decision
 * appearing on {@code router.decisions}, under Poisson arrivals at {@code load} × that rate: as
 * soon as the decision is written (read_uncommitted: the routing latency) and as soon as it is
 * committed (read_committed: what exactly-once consumers see, which waits for a checkpoint).
 */
public final class RouteBenchmark {
    public record Settings(
            String bootstrapServers,
            Path checkpoints,
            int support,
            int warmup,
            int dimension,
            int shards,
            int replicas,
            int deciders,
            int pools,
            int models,
            int k,
            int parallelism,
            int queries,
            int latencyQueries,
            double load,
            Duration checkpointInterval,
            long seed,
            IndexSpec index,
            int centres,
            int searchBatch,
            Duration searchWait) {}

    public record Result(
            double decisionsPerSecond,
            double offeredPerSecond,
            double p50Ms,
            double p99Ms,
            double p999Ms,
            double inJobP50Ms,
            double inJobP99Ms,
            double committedP50Ms,
            double committedP99Ms,
            double committedP999Ms,
            int latencySamples) {}

    /** The pools' names: {@code bench} alone, or {@code bench-0} … */
    private final String[] pools;

    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private final Settings s;
    private final Consumer<String> log;
    private final Random random;
    private final float @Nullable [][] centres;

    public RouteBenchmark(Settings settings, Consumer<String> log) {
        this.s = settings;
        this.log = log;
        this.random = new Random(settings.seed());
        this.pools = new String[settings.pools()];
        for (int p = 0; p < pools.length; p++) {
            pools[p] = pools.length == 1 ? "bench" : "bench-" + p;
        }
        if (settings.centres() > 0) {
            centres = new float[settings.centres()][settings.dimension()];
            for (float[] c : centres) {
                for (int j = 0; j < c.length; j++) {
                    c[j] = (float) random.nextGaussian();
                }
            }
        } else {
            centres = null;
        }
    }

    public Result run() throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers()))) {
            Topics.ensure(
                    admin, Topics.all(s.parallelism(), Replication.SINGLE, Duration.ofDays(1)));
        }
        JobSettings job =
                JobSettings.builder(s.bootstrapServers(), s.checkpoints())
                        .group("bench-router")
                        .shards(s.shards())
                        .replicas(s.replicas())
                        .deciders(s.deciders())
                        .k(s.k())
                        .capacity(Math.max(s.support(), s.shards()) * 2)
                        .mergeTimeout(Duration.ofSeconds(5))
                        .catalogWait(Duration.ofSeconds(60))
                        .index(s.index())
                        .searchBatch(s.searchBatch(), s.searchWait())
                        // the search path as measured since the first runs: plain kNN, no trainer
                        .router("knn-" + s.k())
                        .checkpointInterval(s.checkpointInterval())
                        .build();
        JobClient running = LocalJob.start(job, s.parallelism(), null, "bench-route");
        try (KafkaProducer<byte[], byte[]> producer = producer();
                Watcher written = new Watcher("read_uncommitted");
                Watcher committed = new Watcher("read_committed")) {
            Thread w1 = new Thread(written, "bench-route-written");
            Thread w2 = new Thread(committed, "bench-route-committed");
            w1.start();
            w2.start();
            seed(producer);
            int sent = 0;
            // Probe until every pool's whole support set is searchable (query i goes to pool
            // i mod pools, so a round of probes asks each pool once).
            boolean[] ready = new boolean[pools.length];
            int readyPools = 0;
            while (readyPools < pools.length) {
                int round = sent;
                for (int p = 0; p < pools.length; p++) {
                    send(producer, queryId(sent), sent);
                    sent++;
                }
                producer.flush();
                written.awaitCount(sent);
                for (int i = round; i < sent; i++) {
                    int p = i % pools.length;
                    if (!ready[p] && written.supportSize(queryId(i)) >= s.support()) {
                        ready[p] = true;
                        readyPools++;
                    }
                }
                if (readyPools < pools.length) {
                    Thread.sleep(200);
                }
            }
            log.accept(
                    String.format(
                            "support sets of %d examples ready in %d pool(s)",
                            s.support(), pools.length));
            burst(producer, sent, s.warmup());
            sent += s.warmup();
            written.awaitCount(sent);
            log.accept(String.format("warm-up of %d queries done", s.warmup()));

            long start = System.nanoTime();
            burst(producer, sent, s.queries());
            sent += s.queries();
            long end = written.awaitCount(sent);
            double throughput = s.queries() * 1e9 / (end - start);
            log.accept(
                    String.format(
                            "%d queries at saturation: %.1f decisions/s", s.queries(), throughput));

            double rate = s.load() * throughput;
            int m = s.latencyQueries();
            long[] sendNanos = new long[m];
            long[] sendMillis = new long[m];
            long next = System.nanoTime();
            for (int i = 0; i < m; i++) {
                long now;
                while ((now = System.nanoTime()) < next) {
                    LockSupport.parkNanos(Math.min(next - now, 1_000_000));
                }
                sendNanos[i] = System.nanoTime();
                sendMillis[i] = System.currentTimeMillis();
                send(producer, queryId(sent + i), sent + i);
                producer.flush();
                next += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9);
            }
            written.awaitCount(sent + m);
            committed.awaitCount(sent + m);
            double[] lat = new double[m];
            double[] clat = new double[m];
            // The decision record's timestamp is when the job's sink sent it (the same clock).
            double[] inJob = new double[m];
            for (int i = 0; i < m; i++) {
                lat[i] = (written.arrival(queryId(sent + i)) - sendNanos[i]) / 1e6;
                clat[i] = (committed.arrival(queryId(sent + i)) - sendNanos[i]) / 1e6;
                inJob[i] = written.timestamp(queryId(sent + i)) - sendMillis[i];
            }
            Arrays.sort(lat);
            Arrays.sort(clat);
            Arrays.sort(inJob);
            return new Result(
                    throughput,
                    rate,
                    EmbedBenchmark.percentile(lat, 0.5),
                    EmbedBenchmark.percentile(lat, 0.99),
                    EmbedBenchmark.percentile(lat, 0.999),
                    EmbedBenchmark.percentile(inJob, 0.5),
                    EmbedBenchmark.percentile(inJob, 0.99),
                    EmbedBenchmark.percentile(clat, 0.5),
                    EmbedBenchmark.percentile(clat, 0.99),
                    EmbedBenchmark.percentile(clat, 0.999),
                    m);
        } finally {
            running.cancel().get();
        }
    }

    private void seed(KafkaProducer<byte[], byte[]> producer) {
        for (String pool : pools) {
            seed(producer, pool);
        }
        producer.flush();
    }

    private void seed(KafkaProducer<byte[], byte[]> producer, String pool) {
        List<CatalogModel> models = new ArrayList<>();
        for (int m = 0; m < s.models(); m++) {
            models.add(
                    CatalogModel.newBuilder()
                            .setName("model-" + m)
                            .setInputPrice(1e-6 * (m + 1))
                            .setOutputPrice(2e-6 * (m + 1))
                            .build());
        }
        producer.send(
                new ProducerRecord<>(
                        Topics.CATALOG,
                        pool.getBytes(StandardCharsets.UTF_8),
                        SingleObjectCodec.of(PoolCatalog.class)
                                .encode(
                                        PoolCatalog.newBuilder()
                                                .setPool(pool)
                                                .setModels(models)
                                                .setDefaults(Map.of("exploration", "0"))
                                                .build())));
        SingleObjectCodec<FeedbackExample> codec = SingleObjectCodec.of(FeedbackExample.class);
        for (int i = 0; i < s.support(); i++) {
            Map<String, ObservedOutcome> outcomes = new HashMap<>();
            for (int m = 0; m < s.models(); m++) {
                outcomes.put(
                        "model-" + m,
                        new ObservedOutcome(
                                random.nextDouble(), random.nextDouble() * 1e-3, 1.0, null));
            }
            String id = pools.length == 1 ? "support-" + i : pool + "-support-" + i;
            producer.send(
                    new ProducerRecord<>(
                            Topics.FEEDBACK,
                            id.getBytes(StandardCharsets.UTF_8),
                            codec.encode(
                                    FeedbackExample.newBuilder()
                                            .setExampleId(id)
                                            .setPool(pool)
                                            .setVector(Float32Vectors.toBytes(vector()))
                                            .setDimension(s.dimension())
                                            .setEmbedder("bench")
                                            .setOutcomes(outcomes)
                                            .setTs(Instant.ofEpochMilli(i))
                                            .build())));
            if ((i + 1) % 10_000 == 0) {
                log.accept(
                        String.format(
                                "seeded %d of %d support examples of %s",
                                i + 1, s.support(), pool));
            }
        }
    }

    /**
     * An isotropic Gaussian vector, or with {@code centres} > 0 one around a random centre with
     * noise as large as the centre (topics that overlap), which is what a graph index needs to be
     * tried on: on isotropic vectors there are no neighbourhoods to navigate.
     */
    private float[] vector() {
        float[] v = new float[s.dimension()];
        float[] centre = centres == null ? null : centres[random.nextInt(centres.length)];
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) random.nextGaussian() + (centre == null ? 0f : centre[j]);
        }
        return v;
    }

    private static String queryId(int i) {
        return "bench-q" + i;
    }

    private void burst(KafkaProducer<byte[], byte[]> producer, int from, int n) {
        for (int i = from; i < from + n; i++) {
            send(producer, queryId(i), i);
        }
        producer.flush();
    }

    private final SingleObjectCodec<EmbeddedQuery> queryCodec =
            SingleObjectCodec.of(EmbeddedQuery.class);

    private void send(KafkaProducer<byte[], byte[]> producer, String id, int i) {
        Query q =
                Query.newBuilder()
                        .setId(id)
                        .setPool(pools[i % pools.length])
                        .setText("q" + i)
                        .setTs(Instant.now())
                        .build();
        producer.send(
                new ProducerRecord<>(
                        Topics.QUERIES_EMBEDDED,
                        id.getBytes(StandardCharsets.UTF_8),
                        queryCodec.encode(
                                EmbeddedQuery.newBuilder()
                                        .setQuery(q)
                                        .setVector(Float32Vectors.toBytes(vector()))
                                        .setDimension(s.dimension())
                                        .setEmbedder("bench")
                                        .build())));
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        s.bootstrapServers(),
                        ProducerConfig.LINGER_MS_CONFIG,
                        0,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        1 << 20),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Notes when each decision became visible at the given isolation level. */
    private final class Watcher implements Runnable, AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, Long> arrivals = new ConcurrentHashMap<>();

        /**
         * Each decision's support size, all the probes need: keeping the decisions themselves (a
         * hundred neighbour references each) held ~1 GB per reader after a 100,000-query warm-up,
         * and the collector's marking took a sixth of the CPU the job was measured on.
         */
        private final Map<String, Long> supportSizes = new ConcurrentHashMap<>();

        private final Map<String, Long> timestamps = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final SingleObjectCodec<RoutingDecision> codec =
                SingleObjectCodec.of(RoutingDecision.class);
        private volatile long lastArrival;

        Watcher(String isolation) {
            consumer =
                    new KafkaConsumer<>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    s.bootstrapServers(),
                                    ConsumerConfig.GROUP_ID_CONFIG,
                                    "bench-watch-" + isolation + System.nanoTime(),
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                    "earliest",
                                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                    isolation,
                                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                                    5),
                            new ByteArrayDeserializer(),
                            new ByteArrayDeserializer());
        }

        @Override
        public void run() {
            consumer.subscribe(List.of(Topics.DECISIONS));
            try {
                while (running.get()) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long now = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        try {
                            RoutingDecision d = codec.decode(r.value());
                            // This thread is the only writer. The decision and the arrival time
                            // go in before the count that awaitCount watches grows.
                            if (!arrivals.containsKey(d.getQueryId())) {
                                supportSizes.put(d.getQueryId(), d.getSupportSize());
                                timestamps.put(d.getQueryId(), r.timestamp());
                                lastArrival = now;
                                arrivals.put(d.getQueryId(), now);
                            }
                        } catch (UndecodableRecordException e) {
                            // not ours
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        }

        long awaitCount(int count) throws InterruptedException, TimeoutException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (arrivals.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(
                            arrivals.size() + " of " + count + " decisions after " + TIMEOUT);
                }
                Thread.sleep(1);
            }
            return lastArrival;
        }

        /** The decision record's timestamp: when the job's sink sent it, epoch milliseconds. */
        long timestamp(String id) {
            return timestamps.get(id);
        }

        long arrival(String id) {
            return arrivals.get(id);
        }

        long supportSize(String id) {
            return supportSizes.get(id);
        }

        @Override
        public void close() {
            running.set(false);
            consumer.wakeup();
        }
    }
}

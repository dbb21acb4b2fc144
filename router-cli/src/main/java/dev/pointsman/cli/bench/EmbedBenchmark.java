package dev.pointsman.cli.bench;

import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.OnnxEmbedder;
import dev.pointsman.embed.service.BatchPolicy;
import dev.pointsman.embed.service.EmbedWorker;
import dev.pointsman.embed.service.QueryValidator;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Drives queries through a real {@link EmbedWorker} on a real broker and measures, for each
 * micro-batch size, (1) throughput at saturation: a backlog of queries is written at once and timed
 * from the first write to the last committed embedding; and (2) queue-to-output latency under an
 * open-loop Poisson load at a fraction of that throughput: from the moment a query is handed to the
 * producer to the moment its embedding is visible to a {@code read_committed} consumer. Each batch
 * size gets fresh single-partition topics, a fresh consumer group and a fresh embedder, and is
 * warmed up before anything is timed.
 */
public final class EmbedBenchmark {

    /**
     * @param load offered rate in the latency phase, as a fraction of the measured throughput
     */
    public record Settings(
            String bootstrapServers,
            EmbedderConfig embedder,
            List<Integer> batchSizes,
            long maxWaitMs,
            int throughputQueries,
            int latencyQueries,
            double load,
            long seed) {
        public Settings {
            if (batchSizes.isEmpty() || batchSizes.stream().anyMatch(b -> b < 1)) {
                throw new IllegalArgumentException("--batch-sizes: need positive sizes");
            }
            if (throughputQueries < 1 || latencyQueries < 1) {
                throw new IllegalArgumentException("--queries: need at least one query");
            }
            if (!(load > 0 && load <= 1)) {
                throw new IllegalArgumentException("--load: must be in (0, 1], got " + load);
            }
        }
    }

    /**
     * One batch size's result. Latencies in milliseconds; batches are records per transaction
     * (never more than the batch size).
     */
    public record Row(
            int batchSize,
            double throughputPerSecond,
            double offeredPerSecond,
            double p50Ms,
            double p99Ms,
            double maxMs,
            double meanBatch,
            long maxBatch,
            int latencySamples) {}

    /** What the embedder ran on, for the report. */
    public record Device(String embedderId, int dimension, boolean cuda, String cpuReason) {}

    private static final SingleObjectCodec<Query> QUERIES = SingleObjectCodec.of(Query.class);
    private static final SingleObjectCodec<EmbeddedQuery> EMBEDDED =
            SingleObjectCodec.of(EmbeddedQuery.class);
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(20);

    private final Settings settings;
    private final List<String> texts;
    private final Consumer<String> log;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private Device device;

    /**
     * @param texts prompts to send, cycled through in order
     * @param log one line per phase, for progress
     */
    public EmbedBenchmark(Settings settings, List<String> texts, Consumer<String> log) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("--data: no prompts to send");
        }
        this.settings = settings;
        this.texts = texts;
        this.log = log;
    }

    public Device device() {
        return device;
    }

    public List<Row> run() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int batchSize : settings.batchSizes()) {
            rows.add(runOne(batchSize));
        }
        return rows;
    }

    private Row runOne(int batchSize) throws Exception {
        String prefix = "bench-embed-" + runId + "-b" + batchSize;
        String in = prefix + "-queries";
        String out = prefix + "-embedded";
        String dlq = prefix + "-dlq";
        createTopics(List.of(in, out, dlq));
        EmbedderConfig base = settings.embedder();
        EmbedderConfig config =
                new EmbedderConfig(
                        base.model(),
                        base.maxTokens(),
                        base.truncation(),
                        batchSize,
                        base.intraOpThreads(),
                        base.cuda());
        try (OnnxEmbedder embedder = new OnnxEmbedder(config);
                OutputWatcher watcher = new OutputWatcher(out, embedder.dimension());
                KafkaProducer<byte[], byte[]> producer = producer()) {
            device =
                    new Device(
                            embedder.id(),
                            embedder.dimension(),
                            embedder.onCuda(),
                            embedder.cpuReason());
            EmbedWorker worker =
                    new EmbedWorker(
                            new EmbedWorker.Settings(
                                    settings.bootstrapServers(),
                                    prefix + "-group",
                                    prefix + "-worker",
                                    in,
                                    out,
                                    dlq,
                                    new BatchPolicy(batchSize, settings.maxWaitMs())),
                            embedder,
                            new QueryValidator(1 << 20, new HashSet<>()));
            Thread workerThread = new Thread(worker, "bench-embed-worker");
            workerThread.start();
            Thread watcherThread = new Thread(watcher, "bench-embed-watcher");
            watcherThread.start();
            try {
                int sent = 0;
                int warmup = Math.max(32, 2 * batchSize);
                sendBurst(producer, in, sent, warmup);
                sent += warmup;
                watcher.awaitCount(sent);

                int n = settings.throughputQueries();
                long batchesBefore = worker.metrics().batches();
                long embeddedBefore = worker.metrics().embedded();
                long start = System.nanoTime();
                sendBurst(producer, in, sent, n);
                sent += n;
                long end = watcher.awaitCount(sent);
                double throughput = n * 1e9 / (end - start);
                double meanBatch =
                        (worker.metrics().embedded() - embeddedBefore)
                                / (double) Math.max(1, worker.metrics().batches() - batchesBefore);
                log.accept(
                        String.format(
                                "batch %d: %d queries at saturation, %.1f/s (mean batch %.1f)",
                                batchSize, n, throughput, meanBatch));

                double rate = settings.load() * throughput;
                int m = settings.latencyQueries();
                long[] sendNanos = sendPoisson(producer, in, sent, m, rate, batchSize);
                sent += m;
                watcher.awaitCount(sent);
                double[] latencies = new double[m];
                for (int i = 0; i < m; i++) {
                    latencies[i] = (watcher.arrival(queryId(sent - m + i)) - sendNanos[i]) / 1e6;
                }
                Arrays.sort(latencies);
                Row row =
                        new Row(
                                batchSize,
                                throughput,
                                rate,
                                percentile(latencies, 0.50),
                                percentile(latencies, 0.99),
                                latencies[m - 1],
                                meanBatch,
                                worker.metrics().maxBatchSize(),
                                m);
                log.accept(
                        String.format(
                                "batch %d: %d queries at %.1f/s offered, p50 %.1f ms, p99 %.1f ms",
                                batchSize, m, rate, row.p50Ms(), row.p99Ms()));
                return row;
            } finally {
                worker.close();
                workerThread.join(TimeUnit.SECONDS.toMillis(30));
                watcher.stop();
                watcherThread.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String queryId(int i) {
        return "q" + i;
    }

    private ProducerRecord<byte[], byte[]> record(String topic, int i) {
        String id = queryId(i);
        Query q =
                Query.newBuilder()
                        .setId(id)
                        .setPool("bench")
                        .setText(texts.get(i % texts.size()))
                        .setTs(Instant.now())
                        .setAttributes(Map.of())
                        .build();
        return new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), QUERIES.encode(q));
    }

    private void sendBurst(KafkaProducer<byte[], byte[]> producer, String topic, int from, int n) {
        for (int i = from; i < from + n; i++) {
            producer.send(record(topic, i));
        }
        producer.flush();
    }

    /** Open-loop arrivals: exponential gaps at {@code rate} per second, never waiting on output. */
    private long[] sendPoisson(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            int from,
            int n,
            double rate,
            int batchSize) {
        Random random = new Random(settings.seed() * 31 + batchSize);
        long[] sendNanos = new long[n];
        long next = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long now;
            while ((now = System.nanoTime()) < next) {
                LockSupport.parkNanos(Math.min(next - now, 1_000_000));
            }
            ProducerRecord<byte[], byte[]> r = record(topic, from + i);
            sendNanos[i] = System.nanoTime();
            producer.send(r);
            producer.flush(); // hand it to the broker now: batching here would add latency
            next += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9);
        }
        return sendNanos;
    }

    private void createTopics(List<String> names) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                settings.bootstrapServers()))) {
            admin.createTopics(names.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> p =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        settings.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        0);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Reads the output topic read_committed and notes when each query id became visible. */
    private final class OutputWatcher implements Runnable, AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final int dimension;
        private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile long lastArrival;
        private volatile String failure;

        OutputWatcher(String topic, int dimension) {
            this.topic = topic;
            this.dimension = dimension;
            Map<String, Object> p =
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            settings.bootstrapServers(),
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed",
                            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                            false,
                            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                            5);
            consumer =
                    new KafkaConsumer<>(
                            p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public void run() {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            try {
                while (running.get()) {
                    pollOnce();
                }
            } catch (WakeupException e) {
                // close() asked us to stop
            } finally {
                consumer.close();
            }
        }

        private void pollOnce() {
            var records = consumer.poll(Duration.ofMillis(50));
            long now = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                try {
                    EmbeddedQuery e = EMBEDDED.decode(r.value());
                    if (e.getDimension() != dimension) {
                        failure = "an embedding of dimension " + e.getDimension();
                    }
                    arrivals.putIfAbsent(e.getQuery().getId(), now);
                } catch (UndecodableRecordException ex) {
                    failure = "an undecodable output record: " + ex.getMessage();
                }
            }
            if (!records.isEmpty()) {
                lastArrival = now;
            }
        }

        /** Waits until {@code count} distinct queries arrived; returns the last arrival time. */
        long awaitCount(int count) throws InterruptedException, TimeoutException {
            long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
            while (arrivals.size() < count) {
                if (failure != null) {
                    throw new IllegalStateException("the worker wrote " + failure);
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(
                            arrivals.size()
                                    + " of "
                                    + count
                                    + " embeddings after "
                                    + PHASE_TIMEOUT);
                }
                Thread.sleep(1);
            }
            return lastArrival;
        }

        long arrival(String id) {
            return arrivals.get(id);
        }

        void stop() {
            running.set(false);
        }

        @Override
        public void close() {
            running.set(false);
            consumer.wakeup();
        }
    }
}

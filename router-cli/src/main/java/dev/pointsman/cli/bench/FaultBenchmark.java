package dev.pointsman.cli.bench;

import dev.pointsman.cli.cluster.LoopbackCluster;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bench faults}: the loopback cluster under steady load (pre-embedded queries of one pool,
 * text queries of another that the embed workers embed, every decision answered with an outcome),
 * while a Flink TaskManager, a Kafka node, a streams app and an embed worker are killed with
 * SIGKILL one after another. Then it counts: committed decisions per query (read_committed; the job
 * writes decisions exactly once here), outcomes against the feedback examples the join made, the
 * support set against those examples, and the metric windows; and for each failure how long until
 * every flow it touches delivered again, and the decision latency meanwhile.
 */
public final class FaultBenchmark {
    static final String PRE = "faults-pre";
    static final String TEXT = "faults-text";
    private static final int DIM = 16;
    private static final String EMBEDDER = "faults-synthetic";

    /**
     * How long the streams apps' windows wait for late outcomes: longer than the slowest recovery,
     * so that what a failure delays still lands in its window.
     */
    static final Duration WINDOW_GRACE = Duration.ofSeconds(60);

    /**
     * @param rate queries per second, half of each pool
     * @param warmup load before the first failure
     * @param gap between failures, and after the last one before the load stops
     * @param window the streams apps' metric window
     */
    public record Settings(
            Path dir, double rate, Duration warmup, Duration gap, Duration window, long seed) {
        public Settings {
            if (!(rate > 0) || rate > 500) {
                throw new IllegalArgumentException("--rate must be in (0, 500], got " + rate);
            }
        }
    }

    /** One failure: when, how long until its flows delivered again, latency meanwhile. */
    public record Fault(
            String name,
            double atS,
            double decisionsS,
            double feedbackS,
            double p50Ms,
            double p99Ms,
            double feedbackP50Ms,
            double feedbackP99Ms) {
        /** Until both decisions and feedback were back to normal. */
        public double recoveryS() {
            return Math.max(decisionsS, feedbackS);
        }
    }

    /** What the run counted. */
    public record Summary(
            long queries,
            long decisions,
            long duplicates,
            long lost,
            long outcomes,
            long feedback,
            long feedbackLost,
            Map<String, Long> supportSize,
            Map<String, Long> examples,
            Map<String, Integer> windows,
            Map<String, Integer> windowGaps,
            List<Fault> faults) {
        /** The last line of the report: the counts and each failure's recovery in seconds. */
        public String json() {
            StringBuilder recoveries = new StringBuilder("{");
            for (Fault f : faults) {
                if (recoveries.length() > 1) {
                    recoveries.append(", ");
                }
                recoveries.append(String.format("\"%s\": %.1f", f.name(), f.recoveryS()));
            }
            recoveries.append('}');
            return String.format(
                    "{\"queries\": %d, \"decisions\": %d, \"duplicates\": %d, \"lost\": %d,"
                            + " \"feedback_lost\": %d, \"support_matches\": %b,"
                            + " \"window_gaps\": %d, \"recoveries_s\": %s}",
                    queries,
                    decisions,
                    duplicates,
                    lost,
                    feedbackLost,
                    supportSize.equals(examples),
                    windowGaps.values().stream().mapToInt(Integer::intValue).sum(),
                    recoveries);
        }
    }

    private final Settings s;
    private final PrintStream progress;
    private final WireFormat wire = WireFormat.singleObject();
    private final RecordCodec<EmbeddedQuery> embeddedCodec =
            wire.codec(EmbeddedQuery.class, Topics.QUERIES_EMBEDDED);
    private final RecordCodec<Query> queryCodec = wire.codec(Query.class, Topics.QUERIES);
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, String> poolOf = new ConcurrentHashMap<>();
    private final Map<String, Integer> decided = new ConcurrentHashMap<>();
    private final Map<String, Long> decidedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> fedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> answeredAt = new ConcurrentHashMap<>();
    private final Map<String, Long> supportSeen = new ConcurrentHashMap<>();
    private final AtomicLong outcomes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final AtomicBoolean reading = new AtomicBoolean(true);

    public FaultBenchmark(Settings s, PrintStream progress) {
        this.s = s;
        this.progress = progress;
    }

    public Summary run() throws Exception {
        long window = s.window().toMillis();
        try (LoopbackCluster cluster =
                LoopbackCluster.start(
                        new LoopbackCluster.Settings(
                                s.dir(),
                                3,
                                2,
                                2,
                                2,
                                2,
                                2,
                                0,
                                false,
                                b ->
                                        b.delivery(DeliveryGuarantee.EXACTLY_ONCE)
                                                .checkpointInterval(Duration.ofSeconds(1))
                                                .catalogWait(Duration.ofSeconds(60)),
                                List.of(
                                        "--window",
                                        window + "ms",
                                        "--window-grace",
                                        WINDOW_GRACE.toSeconds() + "s",
                                        "--feedback-grace",
                                        "2m")),
                        progress)) {
            String bootstrap = cluster.kafka().bootstrapServers();
            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
                declare(producer);
                List<Thread> readers =
                        List.of(
                                reader("decisions", () -> readDecisions(bootstrap, producer)),
                                reader("feedback", () -> readFeedback(bootstrap)));
                readers.forEach(Thread::start);
                // the clock starts once both pools decide: models loaded, catalogs read
                awaitProbes(producer, "probe-warm-", Duration.ofMinutes(3));
                Thread sender = reader("sender", () -> send(producer));
                long start = System.currentTimeMillis();
                sender.start();

                List<long[]> kills = new ArrayList<>();
                List<String> names = new ArrayList<>();
                sleep(s.warmup());
                progress.println("faults: kill -9 the TaskManager running the job");
                kills.add(new long[] {System.currentTimeMillis()});
                names.add("taskmanager");
                cluster.replaceBusyTaskManager();

                sleep(s.gap());
                progress.println("faults: kill -9 Kafka node 2");
                kills.add(new long[] {System.currentTimeMillis()});
                names.add("broker");
                cluster.restartKafkaNode(2, s.gap().dividedBy(2));

                sleep(s.gap().dividedBy(2));
                progress.println("faults: kill -9 streams app 1 (and start it again)");
                kills.add(new long[] {System.currentTimeMillis()});
                names.add("streams_app");
                cluster.restartStreamsApp(1, Duration.ofSeconds(2));

                sleep(s.gap());
                progress.println("faults: kill -9 embed worker 1 (and start it again)");
                kills.add(new long[] {System.currentTimeMillis()});
                names.add("embed_worker");
                cluster.restartEmbedWorker(1, Duration.ofSeconds(2));

                sleep(s.gap());
                sending.set(false);
                sender.join();
                long sendEnd = System.currentTimeMillis();
                progress.printf(
                        "faults: %d queries sent in %.0f s; waiting for every decision and"
                                + " example%n",
                        sentAt.size(), (sendEnd - start) / 1000.0);
                awaitDrain(Duration.ofMinutes(3));
                // More traffic closes the last windows, once the stream's time is a window and
                // its grace past the last query's (windows are on query time); the drain above
                // has usually used up most of that wait.
                long closeAt = sendEnd + window + WINDOW_GRACE.toMillis() + 3_000;
                sleep(Duration.ofMillis(Math.max(0, closeAt - System.currentTimeMillis())));
                sendRound(producer, "close-");
                awaitDrain(Duration.ofSeconds(60));
                Map<String, Long> support = probeSupport(producer);
                Map<String, Integer> windows = new TreeMap<>();
                Map<String, Integer> gaps = new TreeMap<>();
                countWindows(bootstrap, windows, gaps);
                reading.set(false);
                for (Thread t : readers) {
                    t.join();
                }
                // slow: 3 times the median decision latency of the whole run, at least 2 s
                long slow = Math.max(2_000, 3 * median());
                progress.printf("faults: a decision or example is late after %d ms%n", slow);
                List<Fault> faults = new ArrayList<>();
                for (int i = 0; i < kills.size(); i++) {
                    long at = kills.get(i)[0];
                    long until = i + 1 < kills.size() ? kills.get(i + 1)[0] : sendEnd;
                    faults.add(fault(names.get(i), start, at, until, slow));
                }
                return summary(support, windows, gaps, faults);
            }
        }
    }

    private Summary summary(
            Map<String, Long> support,
            Map<String, Integer> windows,
            Map<String, Integer> gaps,
            List<Fault> faults) {
        long duplicates = decided.values().stream().filter(n -> n > 1).count();
        long lost = sentAt.keySet().stream().filter(id -> !decided.containsKey(id)).count();
        long decisions = decided.values().stream().mapToLong(Integer::longValue).sum();
        long feedbackLost =
                answeredAt.keySet().stream().filter(id -> !fedAt.containsKey(id)).count();
        Map<String, Long> examples = examplesByPool();
        return new Summary(
                sentAt.size(),
                decisions,
                duplicates,
                lost,
                outcomes.get(),
                fedAt.size(),
                feedbackLost,
                new TreeMap<>(support),
                examples,
                windows,
                gaps,
                faults);
    }

    /**
     * When the failure at {@code at} stopped mattering: the last moment a query sent in [at, until)
     * got its decision, or an answered one its feedback example, later than {@code slow} after it
     * was sent (0 when none was slow); and the latency of the decisions of the queries sent in [at,
     * until).
     */
    private Fault fault(String name, long start, long at, long until, long slow) {
        long decisions = at;
        long feedback = at;
        List<Long> latencies = new ArrayList<>();
        List<Long> feedbackLatencies = new ArrayList<>();
        for (Map.Entry<String, Long> e : sentAt.entrySet()) {
            long sent = e.getValue();
            if (sent < at || sent >= until) {
                continue;
            }
            // a query sent within `slow` of the next failure may be slow because of that one
            boolean ours = sent < until - slow;
            Long decision = decidedAt.get(e.getKey());
            if (decision != null) {
                latencies.add(decision - sent);
                if (ours && decision - sent > slow) {
                    decisions = Math.max(decisions, decision);
                }
            }
            Long answered = answeredAt.get(e.getKey());
            Long example = fedAt.get(e.getKey());
            if (answered != null && example != null) {
                feedbackLatencies.add(example - answered);
                if (ours && example - answered > slow) {
                    feedback = Math.max(feedback, example);
                }
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] fed = feedbackLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Fault(
                name,
                (at - start) / 1000.0,
                (decisions - at) / 1000.0,
                (feedback - at) / 1000.0,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                percentile(fed, 0.50),
                percentile(fed, 0.99));
    }

    /** The median decision latency of the run. */
    private long median() {
        long[] sorted =
                sentAt.keySet().stream()
                        .filter(decidedAt::containsKey)
                        .mapToLong(id -> decidedAt.get(id) - sentAt.get(id))
                        .sorted()
                        .toArray();
        return sorted.length == 0 ? 0 : (long) percentile(sorted, 0.5);
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private void declare(KafkaProducer<byte[], byte[]> producer) throws Exception {
        RecordCodec<PoolCatalog> codec = wire.codec(PoolCatalog.class, Topics.CATALOG);
        for (String pool : List.of(PRE, TEXT)) {
            Map<String, String> defaults = new LinkedHashMap<>();
            defaults.put("router", "knn-shrunk");
            if (pool.equals(PRE)) {
                defaults.put("embedder", EMBEDDER);
                defaults.put("dimension", Integer.toString(DIM));
            }
            PoolCatalog catalog =
                    PoolCatalog.newBuilder()
                            .setPool(pool)
                            .setModels(List.of(model("big", 5, 15), model("small", 0.1, 0.4)))
                            .setDefaults(defaults)
                            .build();
            producer.send(record(Topics.CATALOG, pool, codec.encode(catalog))).get();
        }
    }

    private static CatalogModel model(String name, double input, double output) {
        return CatalogModel.newBuilder()
                .setName(name)
                .setInputPrice(input / 1e6)
                .setOutputPrice(output / 1e6)
                .setPrior(null)
                .build();
    }

    /** Sends a query of each pool every 2 / rate seconds until told to stop. */
    private void send(KafkaProducer<byte[], byte[]> producer) {
        long periodNanos = (long) (2e9 / s.rate());
        long next = System.nanoTime();
        int round = 0;
        while (sending.get()) {
            sendRound(producer, "q" + round++ + "-");
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** One query of each pool: a pre-embedded one, and a text one for the embed workers. */
    private void sendRound(KafkaProducer<byte[], byte[]> producer, String prefix) {
        long now = System.currentTimeMillis();
        String pre = prefix + PRE;
        String text = prefix + TEXT;
        Query preQuery =
                Query.newBuilder()
                        .setId(pre)
                        .setPool(PRE)
                        .setText("q")
                        .setTs(Instant.ofEpochMilli(now))
                        .build();
        float[] v = new float[DIM];
        Random r = new Random(s.seed() ^ pre.hashCode());
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
        }
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        for (int i = 0; i < DIM; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        EmbeddedQuery embedded =
                EmbeddedQuery.newBuilder()
                        .setQuery(preQuery)
                        .setVector(Float32Vectors.toBytes(v))
                        .setDimension(DIM)
                        .setEmbedder(EMBEDDER)
                        .build();
        Query textQuery =
                Query.newBuilder()
                        .setId(text)
                        .setPool(TEXT)
                        .setText(
                                "question "
                                        + prefix
                                        + " about "
                                        + TOPICS[Math.floorMod(text.hashCode(), TOPICS.length)])
                        .setTs(Instant.ofEpochMilli(now))
                        .build();
        sentAt.put(pre, now);
        poolOf.put(pre, PRE);
        sentAt.put(text, now);
        poolOf.put(text, TEXT);
        producer.send(record(Topics.QUERIES_EMBEDDED, pre, embeddedCodec.encode(embedded)));
        producer.send(record(Topics.QUERIES, text, queryCodec.encode(textQuery)));
    }

    private static final String[] TOPICS = {"kafka", "flink", "rocksdb", "routing", "embeddings"};

    /** Reads committed decisions, counts them per query, and answers each query's first one. */
    private void readDecisions(String bootstrap, KafkaProducer<byte[], byte[]> producer)
            throws UndecodableRecordException {
        RecordCodec<RoutingDecision> codec = wire.codec(RoutingDecision.class, Topics.DECISIONS);
        RecordCodec<Outcome> outcomeCodec = wire.codec(Outcome.class, Topics.OUTCOMES);
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, "faults-decisions")) {
            c.subscribe(List.of(Topics.DECISIONS));
            while (reading.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    RoutingDecision d = codec.decode(r.value());
                    String id = d.getQueryId();
                    long now = System.currentTimeMillis();
                    if (id.startsWith("probe-")) {
                        supportSeen.put(id, (long) d.getSupportSize());
                        continue;
                    }
                    if (decided.merge(id, 1, Integer::sum) > 1) {
                        continue;
                    }
                    decidedAt.put(id, now);
                    // the chosen model's answer: big is right more often than small
                    double score =
                            new Random(s.seed() ^ id.hashCode()).nextDouble()
                                            < (d.getModel().equals("big") ? 0.8 : 0.6)
                                    ? 1
                                    : 0;
                    Outcome o =
                            Outcome.newBuilder()
                                    .setQueryId(id)
                                    .setPool(d.getPool())
                                    .setModel(d.getModel())
                                    .setScore(score)
                                    .setCost(d.getModel().equals("big") ? 0.004 : 0.0002)
                                    .setTs(Instant.ofEpochMilli(now))
                                    .build();
                    producer.send(record(Topics.OUTCOMES, id, outcomeCodec.encode(o)));
                    answeredAt.put(id, now);
                    outcomes.incrementAndGet();
                }
            }
        }
    }

    /** Reads the committed feedback examples the join writes. */
    private void readFeedback(String bootstrap) throws UndecodableRecordException {
        RecordCodec<FeedbackExample> codec = wire.codec(FeedbackExample.class, Topics.FEEDBACK);
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, "faults-feedback")) {
            c.subscribe(List.of(Topics.FEEDBACK));
            while (reading.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    FeedbackExample e = codec.decode(r.value());
                    fedAt.putIfAbsent(e.getExampleId(), System.currentTimeMillis());
                }
            }
        }
    }

    /** Waits until every query sent has a decision and every answered one an example. */
    private void awaitDrain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean decidedAll = decided.keySet().containsAll(sentAt.keySet());
            boolean fedAll = fedAt.keySet().containsAll(answeredAt.keySet());
            if (decidedAll && fedAll) {
                return;
            }
            Thread.sleep(500);
        }
    }

    /** Sends probe rounds until one of them is decided in both pools. */
    private void awaitProbes(
            KafkaProducer<byte[], byte[]> producer, String prefix, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int round = 0; System.nanoTime() < deadline; round++) {
            String p = prefix + round + "-";
            sendProbe(producer, p);
            long until = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < until) {
                if (supportSeen.containsKey(p + PRE) && supportSeen.containsKey(p + TEXT)) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the cluster decided no probe query within " + timeout);
    }

    /** The feedback examples seen so far, counted per pool. */
    private Map<String, Long> examplesByPool() {
        Map<String, Long> examples = new TreeMap<>();
        for (String id : fedAt.keySet()) {
            examples.merge(poolOf.getOrDefault(id, "?"), 1L, Long::sum);
        }
        return examples;
    }

    /** Each pool's support size, by probe queries, once it stops growing. */
    private Map<String, Long> probeSupport(KafkaProducer<byte[], byte[]> producer)
            throws Exception {
        Map<String, Long> examples = examplesByPool();
        Map<String, Long> support = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int round = 0;
        while (System.nanoTime() < deadline) {
            String prefix = "probe-" + round++ + "-";
            long before = System.currentTimeMillis();
            Set<String> probes = new TreeSet<>(List.of(prefix + PRE, prefix + TEXT));
            sendProbe(producer, prefix);
            while (!supportSeen.keySet().containsAll(probes)
                    && System.currentTimeMillis() - before < 20_000) {
                Thread.sleep(100);
            }
            support.put(PRE, supportSeen.getOrDefault(prefix + PRE, -1L));
            support.put(TEXT, supportSeen.getOrDefault(prefix + TEXT, -1L));
            if (support.equals(examples)) {
                break;
            }
            Thread.sleep(1000);
        }
        return support;
    }

    private void sendProbe(KafkaProducer<byte[], byte[]> producer, String prefix) {
        sendRound(producer, prefix);
        // probes are not part of the load
        sentAt.remove(prefix + PRE);
        sentAt.remove(prefix + TEXT);
        producer.flush();
    }

    /** Counts each pool's closed windows on router.metrics, and the windows missing between. */
    private void countWindows(
            String bootstrap, Map<String, Integer> windows, Map<String, Integer> gaps)
            throws UndecodableRecordException {
        RecordCodec<WindowMetrics> codec = wire.codec(WindowMetrics.class, Topics.METRICS);
        Map<String, Set<Long>> starts = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, "faults-metrics")) {
            c.subscribe(List.of(Topics.METRICS));
            int quiet = 0;
            while (quiet < 20) {
                var records = c.poll(Duration.ofMillis(250));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    WindowMetrics w = codec.decode(r.value());
                    starts.computeIfAbsent(w.getPool(), p -> new TreeSet<>())
                            .add(w.getWindowStart().toEpochMilli());
                }
            }
        }
        long size = s.window().toMillis();
        for (String pool : List.of(PRE, TEXT)) {
            Set<Long> mine = starts.getOrDefault(pool, Set.of());
            windows.put(pool, mine.size());
            if (mine.isEmpty()) {
                gaps.put(pool, 1);
                continue;
            }
            long first = mine.stream().mapToLong(Long::longValue).min().getAsLong();
            long last = mine.stream().mapToLong(Long::longValue).max().getAsLong();
            gaps.put(pool, (int) ((last - first) / size + 1 - mine.size()));
        }
    }

    private Thread reader(String name, Task task) {
        Thread t =
                new Thread(
                        () -> {
                            try {
                                task.run();
                            } catch (Exception e) {
                                progress.println("faults: the " + name + " thread failed: " + e);
                            }
                        },
                        "faults-" + name);
        t.setDaemon(true);
        return t;
    }

    @FunctionalInterface
    private interface Task {
        void run() throws Exception;
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}

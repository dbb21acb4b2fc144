package dev.pointsman.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pointsman.cli.demo.LocalStack;
import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code bench soak}: the local stack (embedded broker, embed worker, the routing job on Flink, the
 * streams app in its own JVM) under a steady mix of good traffic (routed over the API, every
 * decision answered with the chosen model's outcome) and hostile input (every kind of {@link
 * HostileCorpus} in turn), for as long as asked. Every sample says the memory of both JVMs, the
 * size of the state (the newest checkpoint, the streams app's stores, the broker's log), the dead
 * letters counted per kind, how the bad requests were answered, and whether anything restarted.
 */
public final class SoakBenchmark {
    static final String POOL = "soak";
    static final String OTHER = "soak-other";
    private static final String TOKEN = "soak-token";
    private static final String OTHER_TOKEN = "soak-other-token";
    private static final String GONE_TOKEN = "soak-gone-token";
    private static final String OPERATOR = "soak-operator";

    /**
     * @param rate requests per second, good and bad together
     * @param badShare the share of them that is hostile
     * @param sample how often the figures are read
     */
    public record Settings(
            Path dir,
            Benchmark data,
            Duration duration,
            double rate,
            double badShare,
            Duration sample,
            long seed) {
        public Settings {
            if (!(rate > 0) || rate > 200) {
                throw new IllegalArgumentException("--rate must be in (0, 200], got " + rate);
            }
            if (!(badShare >= 0 && badShare <= 1)) {
                throw new IllegalArgumentException(
                        "--bad-share must be in [0, 1], got " + badShare);
            }
        }
    }

    /** One reading. */
    public record Sample(
            double elapsedS,
            long good,
            long decided,
            long timedOut,
            long bad,
            long refusedAsExpected,
            long refusedOtherwise,
            double heapMb,
            double streamsRssMb,
            double checkpointMb,
            double streamsStateMb,
            double kafkaLogMb,
            long deadLetters,
            String jobStatus,
            String streamThreads,
            boolean workerRunning,
            boolean streamsAlive) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings s;
    private final PrintStream log;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong good = new AtomicLong();
    private final AtomicLong decided = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    private final AtomicLong refusedAsExpected = new AtomicLong();
    private final AtomicLong refusedOtherwise = new AtomicLong();
    private final Map<String, Long> deadLettersByKind = new TreeMap<>();
    private String base;

    public SoakBenchmark(Settings settings, PrintStream log) {
        this.s = settings;
        this.log = log;
    }

    /** Runs for the settings' duration; returns every sample, the last one at the end. */
    public List<Sample> run(Path jsonLines) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        EmbedderConfig embedder = EmbedderConfig.defaults(EmbeddingModel.ALL_MINILM_L6_V2_Q);
        LocalStack.Settings stackSettings =
                new LocalStack.Settings(
                        s.dir(),
                        port,
                        10,
                        embedder,
                        StreamsChild.locateJar(),
                        List.of(
                                "--window",
                                "30s",
                                "--window-grace",
                                "5s",
                                "--feedback-grace",
                                "30s",
                                "--token",
                                POOL + "=" + TOKEN,
                                "--token",
                                OTHER + "=" + OTHER_TOKEN,
                                "--token",
                                "gone=" + GONE_TOKEN,
                                "--metrics-token",
                                OPERATOR,
                                "--rate-limit",
                                "200"),
                        null);
        List<Sample> samples = new ArrayList<>();
        Random random = new Random(s.seed());
        List<BenchmarkRow> rows = new ArrayList<>(s.data().rows());
        java.util.Collections.shuffle(rows, random);
        int seedRows = Math.min(200, rows.size() / 2);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try (LocalStack stack = LocalStack.start(stackSettings)) {
            log.println("soak: stack up; seeding " + seedRows + " examples");
            stack.seed(POOL, "knn-shrunk", 0.1, s.data(), rows.subList(0, seedRows));
            stack.seed(OTHER, "knn-shrunk", 0.1, s.data(), rows.subList(0, 20));
            stack.startWorker();
            HostileCorpus corpus = HostileCorpus.of(stack);
            List<BenchmarkRow> live = rows.subList(seedRows, rows.size());
            long start = System.nanoTime();
            long end = start + s.duration().toNanos();
            long nextSample = start + s.sample().toNanos();
            long periodNanos = (long) (1e9 / s.rate());
            long next = start;
            long n = 0;
            int kinds = HostileCorpus.TOPIC_KINDS.size() + HostileCorpus.API_KINDS.size();
            long badSent = 0;
            while (System.nanoTime() < end) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next += periodNanos;
                long i = n++;
                if (random.nextDouble() < s.badShare()) {
                    int k = (int) (badSent++ % kinds);
                    senders.submit(() -> hostile(corpus, k, i));
                } else {
                    BenchmarkRow row = live.get((int) (i % live.size()));
                    senders.submit(() -> routeAndAnswer(row, i));
                }
                if (System.nanoTime() >= nextSample) {
                    nextSample += s.sample().toNanos();
                    Sample sample = record(stack, start, samples, jsonLines);
                    log.printf(
                            "soak %5.0fs: good %d (decided %d, timed out %d), bad %d (refused as"
                                    + " expected %d, otherwise %d), dead letters %d, heap %.0f MB,"
                                    + " streams RSS %.0f MB, checkpoint %.1f MB, job %s%n",
                            sample.elapsedS(),
                            sample.good(),
                            sample.decided(),
                            sample.timedOut(),
                            sample.bad(),
                            sample.refusedAsExpected(),
                            sample.refusedOtherwise(),
                            sample.deadLetters(),
                            sample.heapMb(),
                            sample.streamsRssMb(),
                            sample.checkpointMb(),
                            sample.jobStatus());
                }
            }
            senders.shutdown();
            senders.awaitTermination(1, TimeUnit.MINUTES);
            Thread.sleep(40_000); // the last outcomes' grace, then the last dead letters swept
            record(stack, start, samples, jsonLines);
        } finally {
            senders.shutdownNow();
        }
        return samples;
    }

    /** Takes a sample now, keeps it in {@code samples} and appends it to {@code jsonLines}. */
    private Sample record(LocalStack stack, long start, List<Sample> samples, Path jsonLines)
            throws IOException {
        Sample sample = sample(stack, (System.nanoTime() - start) / 1e9);
        samples.add(sample);
        Files.writeString(
                jsonLines,
                JSON.writeValueAsString(sample) + "\n",
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        return sample;
    }

    /** The dead letters counted so far, by kind, as of the last sample. */
    public synchronized Map<String, Long> deadLettersByKind() {
        return new TreeMap<>(deadLettersByKind);
    }

    private void hostile(HostileCorpus corpus, int k, long i) {
        try {
            bad.incrementAndGet();
            int topicKinds = HostileCorpus.TOPIC_KINDS.size();
            if (k < topicKinds) {
                corpus.send(HostileCorpus.TOPIC_KINDS.get(k), "bad-" + i, POOL);
                return;
            }
            String kind = HostileCorpus.API_KINDS.get(k - topicKinds);
            HostileCorpus.Refusal r = corpus.request(kind, POOL, TOKEN, OTHER_TOKEN, GONE_TOKEN);
            if (r.status() == HostileCorpus.expectedStatus(kind) && !r.error().isBlank()) {
                refusedAsExpected.incrementAndGet();
            } else {
                refusedOtherwise.incrementAndGet();
                log.println("soak: " + kind + " answered " + r.status() + " " + r.error());
            }
        } catch (Exception e) {
            refusedOtherwise.incrementAndGet();
            log.println("soak: sending bad input failed: " + e);
        }
    }

    private void routeAndAnswer(BenchmarkRow row, long i) {
        good.incrementAndGet();
        try {
            ObjectNode q =
                    JSON.createObjectNode()
                            .put("pool", POOL)
                            .put("id", "good-" + i)
                            .put("text", row.prompt());
            HttpResponse<String> r = post("/v1/route", q.toString());
            if (r.statusCode() != 200) {
                timedOut.incrementAndGet();
                return;
            }
            decided.incrementAndGet();
            String model = JSON.readTree(r.body()).get("model").asText();
            int m = s.data().models().indexOf(model);
            ObjectNode o =
                    JSON.createObjectNode()
                            .put("queryId", "good-" + i)
                            .put("pool", POOL)
                            .put("model", model)
                            .put("score", row.scores()[m])
                            .put("cost", row.costs() == null ? 0 : row.costs()[m]);
            post("/v1/outcomes", o.toString());
        } catch (Exception e) {
            timedOut.incrementAndGet();
        }
    }

    private HttpResponse<String> post(String path, String body)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Sample sample(LocalStack stack, double elapsedS) {
        Runtime rt = Runtime.getRuntime();
        double heapMb = (rt.totalMemory() - rt.freeMemory()) / 1e6;
        long pid = stack.streamsPid();
        String threads = "?";
        long letters = 0;
        boolean streamsAlive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        try {
            JsonNode health = JSON.readTree(get("/healthz", null));
            threads = health.path("streamThreads").asText("?");
            letters = deadLetters(get("/metrics", OPERATOR));
        } catch (Exception e) {
            threads = "unreachable: " + e;
        }
        String job;
        try {
            job = stack.jobStatus();
        } catch (Exception e) {
            job = "unknown: " + e;
        }
        return new Sample(
                elapsedS,
                good.get(),
                decided.get(),
                timedOut.get(),
                bad.get(),
                refusedAsExpected.get(),
                refusedOtherwise.get(),
                heapMb,
                rssMb(pid),
                newestCheckpointMb(s.dir().resolve("checkpoints")),
                sizeMb(s.dir().resolve("streams")),
                logsMb(s.dir().resolve("kafka")),
                letters,
                job,
                threads,
                stack.workerRunning(),
                streamsAlive);
    }

    /** Sums pointsman_streams_dlq_records_total over its labels, and keeps the counts by kind. */
    private synchronized long deadLetters(String metrics) {
        long total = 0;
        deadLettersByKind.clear();
        for (String line : metrics.split("\n")) {
            if (!line.startsWith("pointsman_streams_dlq_records_total{")) {
                continue;
            }
            long v = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            total += v;
            String kind = label(line, "kind");
            String component = label(line, "component");
            deadLettersByKind.merge(component + "/" + kind, v, Long::sum);
        }
        return total;
    }

    private static String label(String line, String name) {
        int at = line.indexOf(name + "=\"");
        if (at < 0) {
            return "";
        }
        int from = at + name.length() + 2;
        return line.substring(from, line.indexOf('"', from));
    }

    private String get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1e3;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not on Linux, or the process is gone
        }
        return Double.NaN;
    }

    private static double newestCheckpointMb(Path checkpoints) {
        try (Stream<Path> jobs = Files.list(checkpoints)) {
            Path newest = null;
            long newestNumber = -1;
            for (Path job : jobs.toList()) {
                try (Stream<Path> chks = Files.list(job)) {
                    for (Path chk : chks.toList()) {
                        String name = chk.getFileName().toString();
                        if (name.startsWith("chk-")) {
                            long number = Long.parseLong(name.substring(4));
                            if (number > newestNumber) {
                                newestNumber = number;
                                newest = chk;
                            }
                        }
                    }
                }
            }
            // A checkpoint also refers to the shared files the incremental RocksDB ones keep.
            return newest == null ? 0 : sizeMb(newest) + sizeMb(newest.resolveSibling("shared"));
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double sizeMb(Path dir) {
        return sizeMb(dir, Files::isRegularFile);
    }

    /** The bytes, in MB, of the files under {@code dir} that {@code which} keeps. */
    private static double sizeMb(Path dir, java.util.function.Predicate<Path> which) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(which)
                            .mapToLong(
                                    p -> {
                                        try {
                                            return Files.size(p);
                                        } catch (IOException e) {
                                            return 0; // deleted meanwhile
                                        }
                                    })
                            .sum()
                    / 1e6;
        } catch (IOException | UncheckedIOException e) {
            return Double.NaN;
        }
    }

    /** The broker's record logs ({@code *.log}; its index files are preallocated, sparse). */
    private static double logsMb(Path dir) {
        return sizeMb(dir, p -> p.getFileName().toString().endsWith(".log"));
    }

    /** The samples as a Markdown table (every {@code every}-th, and the last). */
    public static String table(List<Sample> samples, int every) {
        StringBuilder out = new StringBuilder();
        out.append(
                "| t (min) | good | decided | not decided | bad | 4xx as expected | otherwise |"
                        + " dead letters | heap (MB) | streams RSS (MB) | checkpoint (MB) |"
                        + " streams state (MB) | Kafka log (MB) | job | stream threads | worker |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < samples.size(); i++) {
            if (i % every != every - 1 && i != samples.size() - 1) {
                continue;
            }
            Sample x = samples.get(i);
            out.append(
                    String.format(
                            "| %.0f | %d | %d | %d | %d | %d | %d | %d | %.0f | %.0f | %.1f | %.1f |"
                                    + " %.0f | %s | %s | %s |%n",
                            x.elapsedS() / 60,
                            x.good(),
                            x.decided(),
                            x.timedOut(),
                            x.bad(),
                            x.refusedAsExpected(),
                            x.refusedOtherwise(),
                            x.deadLetters(),
                            x.heapMb(),
                            x.streamsRssMb(),
                            x.checkpointMb(),
                            x.streamsStateMb(),
                            x.kafkaLogMb(),
                            x.jobStatus(),
                            x.streamThreads(),
                            x.workerRunning() ? "running" : "stopped"));
        }
        return out.toString();
    }

    /** A summary JSON line. */
    public String summary(List<Sample> samples) {
        Sample last = samples.get(samples.size() - 1);
        ObjectNode o = JSON.valueToTree(last);
        o.put("rate", s.rate())
                .put("bad_share", s.badShare())
                .put("seconds", s.duration().toSeconds());
        ObjectNode byKind = o.putObject("dead_letters_by_kind");
        deadLettersByKind().forEach(byKind::put);
        Map<String, Double> peak = new LinkedHashMap<>();
        for (Sample x : samples) {
            peak.merge("heap_mb", x.heapMb(), Math::max);
            peak.merge("streams_rss_mb", x.streamsRssMb(), Math::max);
        }
        ObjectNode p = o.putObject("peak");
        peak.forEach(p::put);
        return o.toString();
    }
}

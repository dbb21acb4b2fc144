package dev.pointsman.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pointsman.cli.demo.LocalStack;
import dev.pointsman.cli.demo.PoolSeeder;
import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.cli.demo.TrafficSplit;
import dev.pointsman.cli.gateway.StubUpstream;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.embed.cli.EmbedderOptions;
import dev.pointsman.schemas.PoolCatalog;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pointsman bench gateway}: what the OpenAI-compatible gateway adds to an LLM call. The
 * whole embedded stack routes every request (embed worker, routing job, streams app); a stub
 * upstream stands in for the LLM endpoints and answers after a set delay. Each request's latency as
 * the client sees it, minus the upstream's own time, is the gateway's cost; the {@code
 * Server-Timing} header splits it into routing (embedding and decision) and relay.
 */
@Command(
        name = "gateway",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures the gateway's added latency (p50/p99, with and without embedding) and"
                    + " requests/s: chat completions sent at each --concurrency to the streams"
                    + " app on the embedded stack, answered by a stub OpenAI-compatible upstream"
                    + " after --upstream-delay. Writes md and json to --out."
        })
public final class BenchGatewayCommand implements Callable<Integer> {
    private static final Pattern TIMING = Pattern.compile("(route|upstream);dur=([0-9.]+)");
    private static final String POOL = "gateway";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin EmbedderOptions embedding;

    @Option(
            names = "--data",
            defaultValue = BenchmarkFiles.SAMPLE,
            description = "Benchmark file whose prompts are sent. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(
            names = "--requests",
            defaultValue = "150",
            description = "Requests measured at each concurrency. Default: ${DEFAULT-VALUE}.")
    int requests;

    @Option(
            names = "--concurrency",
            split = ",",
            defaultValue = "1,8,32",
            description = "Requests in flight at once, one run each. Default: ${DEFAULT-VALUE}.")
    List<Integer> concurrency;

    @Option(
            names = "--upstream-delay",
            defaultValue = "200ms",
            description = "How long the stub upstream takes to answer. Default: ${DEFAULT-VALUE}.")
    Duration upstreamDelay;

    @Option(names = "--stream", description = "Ask for streamed answers (SSE) instead of JSON.")
    boolean stream;

    @Option(names = "--k", defaultValue = "20", description = "Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--http-port",
            defaultValue = "18092",
            description = "Port of the streams app during the run. Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(
            names = "--out",
            defaultValue = "bench/results/gateway",
            description = "Where the report goes. Default: ${DEFAULT-VALUE}.")
    Path out;

    /** One request as the client saw it. */
    record Sample(double totalMs, double routeMs, double upstreamMs) {}

    /** One concurrency's figures. */
    record Level(
            int concurrency,
            int ok,
            int failed,
            double perSecond,
            double[] added,
            double[] route,
            double[] relay) {}

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || concurrency.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("--requests and --concurrency must be >= 1");
        }
        PrintStream log = System.out;
        Benchmark bench = BenchmarkFiles.load(data);
        TrafficSplit traffic =
                TrafficSplit.byDataset(bench, null, 0.3, seed)
                        .capped(1000, Integer.MAX_VALUE, 0, seed);
        List<String> prompts = traffic.before().stream().map(BenchmarkRow::prompt).toList();
        Path work = Files.createTempDirectory("pointsman-gateway");
        List<Level> levels = new ArrayList<>();
        double[] embedMs;
        try (StubUpstream stub = new StubUpstream(upstreamDelay);
                LocalStack stack =
                        LocalStack.start(
                                new LocalStack.Settings(
                                        work,
                                        httpPort,
                                        k,
                                        embedding.toConfig(),
                                        StreamsChild.locateJar(),
                                        List.of(),
                                        null))) {
            PoolCatalog seeded =
                    PoolSeeder.seed(
                            stack.producer(),
                            stack.wire(),
                            POOL,
                            "knn-shrunk",
                            0.0,
                            Map.of(),
                            bench,
                            traffic.seed(),
                            stack.embedder(),
                            PoolSeeder.progress(log));
            PoolSeeder.publish(stack.producer(), stack.wire(), stub.answering(seeded, m -> m));
            stack.startWorker();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            awaitPool(http);
            log.println("warming up...");
            run(http, prompts, 50, 4, 0);
            for (int c : concurrency) {
                levels.add(run(http, prompts, requests, c, requests * c));
                Level l = levels.get(levels.size() - 1);
                log.printf(
                        Locale.ROOT,
                        "concurrency %d: %.1f requests/s, added p50 %.1f ms p99 %.1f ms (routing p50 %.1f,"
                                + " relay p50 %.1f), %d failed%n",
                        c,
                        l.perSecond(),
                        l.added()[0],
                        l.added()[1],
                        l.route()[0],
                        l.relay()[0],
                        l.failed());
            }
            // The embedder's own time for one prompt, in this JVM (the worker micro-batches).
            embedMs = new double[Math.min(200, prompts.size())];
            for (int i = 0; i < embedMs.length; i++) {
                long t = System.nanoTime();
                stack.embedder().embed(List.of(prompts.get(i)));
                embedMs[i] = (System.nanoTime() - t) / 1e6;
            }
        } finally {
            DemoCommand.wipe(work);
        }
        double[] embed = percentiles(embedMs);
        String report = report(levels, embed);
        Files.createDirectories(out);
        String label =
                Path.of(data).getFileName().toString().replaceAll("\\.jsonl$", "")
                        + (stream ? "-stream" : "");
        Files.writeString(out.resolve(label + ".md"), report);
        Files.writeString(out.resolve(label + ".json"), json(levels, embed));
        log.println();
        log.println(report);
        log.printf("written: %s/%s.{md,json}%n", out, label);
        return 0;
    }

    /** Waits until the gateway lists the pool, i.e. has read the catalog with its upstreams. */
    private void awaitPool(HttpClient http) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:" + httpPort + "/v1/models"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && r.body().contains("\"pointsman/" + POOL + "\"")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway did not list pool " + POOL + " within 60 s");
    }

    /** Sends {@code n} requests, {@code c} at a time, and summarises them. */
    private Level run(HttpClient http, List<String> prompts, int n, int c, int offset)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(c);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Future<List<Sample>>> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < c; w++) {
            workers.add(
                    pool.submit(
                            () -> {
                                List<Sample> mine = new ArrayList<>();
                                int i;
                                while ((i = next.getAndIncrement()) < n) {
                                    Sample s =
                                            send(http, prompts.get((offset + i) % prompts.size()));
                                    if (s == null) {
                                        failed.incrementAndGet();
                                    } else {
                                        mine.add(s);
                                    }
                                }
                                return mine;
                            }));
        }
        List<Sample> all = new ArrayList<>();
        for (Future<List<Sample>> f : workers) {
            all.addAll(f.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Level(
                c,
                all.size(),
                failed.get(),
                all.size() / seconds,
                percentiles(all.stream().mapToDouble(s -> s.totalMs() - s.upstreamMs()).toArray()),
                percentiles(all.stream().mapToDouble(Sample::routeMs).toArray()),
                percentiles(
                        all.stream()
                                .mapToDouble(s -> s.totalMs() - s.routeMs() - s.upstreamMs())
                                .toArray()));
    }

    private Sample send(HttpClient http, String prompt) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "pointsman/" + POOL);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (stream) {
            body.put("stream", true);
        }
        long t = System.nanoTime();
        HttpResponse<byte[]> r =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + httpPort
                                                        + "/v1/chat/completions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        double total = (System.nanoTime() - t) / 1e6;
        if (r.statusCode() != 200) {
            return null;
        }
        double route = Double.NaN;
        double upstream = Double.NaN;
        Matcher m = TIMING.matcher(r.headers().firstValue("Server-Timing").orElse(""));
        while (m.find()) {
            if (m.group(1).equals("route")) {
                route = Double.parseDouble(m.group(2));
            } else {
                upstream = Double.parseDouble(m.group(2));
            }
        }
        // A stream's Server-Timing has the upstream's first byte only; its whole answer is the
        // stub's delay (first byte) plus the same again spread over its words.
        return new Sample(total, route, stream ? upstream + upstreamDelay.toMillis() : upstream);
    }

    /** {p50, p99} of {@code x}; NaN for none. */
    static double[] percentiles(double[] x) {
        if (x.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] s = x.clone();
        Arrays.sort(s);
        return new double[] {
            s[(int) Math.floor(0.5 * (s.length - 1))], s[(int) Math.ceil(0.99 * (s.length - 1))]
        };
    }

    private String report(List<Level> levels, double[] embed) {
        StringBuilder md = new StringBuilder("# bench gateway\n\n");
        md.append(
                String.format(
                        Locale.ROOT,
                        "%d requests per concurrency, %s answers, stub upstream delay %d ms, knn-shrunk"
                                + " k %d, embedder %s. Added latency = the client's time minus the"
                                + " upstream's; routing = embedding and decision until the gateway"
                                + " sees it; relay = the rest (HTTP, parsing, Kafka writes). The"
                                + " embedder alone takes p50 %.1f ms, p99 %.1f ms per prompt.%n%n",
                        requests,
                        stream ? "streamed (SSE)" : "JSON",
                        upstreamDelay.toMillis(),
                        k,
                        embedding.toConfig().embedderId(),
                        embed[0],
                        embed[1]));
        md.append(
                "| concurrency | requests/s | added p50 (ms) | added p99 | added p50 without"
                        + " embedding | routing p50 | routing p99 | relay p50 | relay p99 | failed |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Level l : levels) {
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d |%n",
                            l.concurrency(),
                            l.perSecond(),
                            l.added()[0],
                            l.added()[1],
                            l.added()[0] - embed[0],
                            l.route()[0],
                            l.route()[1],
                            l.relay()[0],
                            l.relay()[1],
                            l.failed()));
        }
        return md.toString();
    }

    private String json(List<Level> levels, double[] embed) throws java.io.IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("requests", requests)
                .put("upstream_delay_ms", upstreamDelay.toMillis())
                .put("stream", stream)
                .put("embed_p50_ms", embed[0])
                .put("embed_p99_ms", embed[1]);
        var arr = root.putArray("levels");
        for (Level l : levels) {
            arr.addObject()
                    .put("concurrency", l.concurrency())
                    .put("requests_per_s", l.perSecond())
                    .put("added_p50_ms", l.added()[0])
                    .put("added_p99_ms", l.added()[1])
                    .put("routing_p50_ms", l.route()[0])
                    .put("routing_p99_ms", l.route()[1])
                    .put("relay_p50_ms", l.relay()[0])
                    .put("relay_p99_ms", l.relay()[1])
                    .put("ok", l.ok())
                    .put("failed", l.failed());
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}

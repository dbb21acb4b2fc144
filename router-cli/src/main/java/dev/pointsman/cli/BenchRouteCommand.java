package dev.pointsman.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pointsman.cli.bench.RouteBenchmark;
import dev.pointsman.flink.job.JobSettings;
import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.settings.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pointsman bench route}: the routing job's decisions/s and latency. */
@Command(
        name = "route",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Starts an embedded broker and the routing job on a local Flink cluster, seeds a"
                        + " pool with random 384-dim examples, and measures decisions/s at saturation"
                        + " and embedded-query-to-decision latency under Poisson arrivals at --load"
                        + " times that rate: when the decision is written, when the job sent it (the"
                        + " decision record's timestamp), and when it is committed.")
public final class BenchRouteCommand implements Callable<Integer> {
    @Option(
            names = "--support",
            defaultValue = "10000",
            description = "Support examples in the pool. Default: ${DEFAULT-VALUE}.")
    int support;

    @Option(
            names = "--shards",
            defaultValue = "2",
            description = "Shards per pool. Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(
            names = "--replicas",
            defaultValue = "1",
            description =
                    "Copies of each shard (the job's --replicas): a query asks one copy of each"
                            + " shard. Default: ${DEFAULT-VALUE}.")
    int replicas;

    @Option(
            names = "--deciders",
            defaultValue = "1",
            description =
                    "Lanes per pool that check and decide its queries (the job's --deciders)."
                            + " Default: ${DEFAULT-VALUE}.")
    int deciders;

    @Option(
            names = "--pools",
            defaultValue = "1",
            description =
                    "Pools, each with --support examples and its own catalog; the queries go to"
                            + " them in turn. Default: ${DEFAULT-VALUE}.")
    int pools;

    @Option(
            names = "--models",
            defaultValue = "11",
            description =
                    "Models in the pool, each with an outcome on every example. Default:"
                            + " ${DEFAULT-VALUE}.")
    int models;

    @Option(
            names = "--k",
            defaultValue = "100",
            description = "Neighbours per decision. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Flink parallelism. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--warmup",
            defaultValue = "100000",
            description =
                    "Queries sent as fast as the job takes them before the measured ones, so that"
                            + " the JVM reaches its steady state: on the 2-core VM the job decided"
                            + " about 700/s after 3,000, 1,000/s after 30,000 and 1,500/s after"
                            + " 100,000 (the JIT keeps compiling for minutes). Default:"
                            + " ${DEFAULT-VALUE}.")
    int warmup;

    @Option(
            names = "--queries",
            defaultValue = "5000",
            description = "Queries at saturation. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(
            names = "--latency-queries",
            defaultValue = "1000",
            description = "Queries in the latency run. Default: ${DEFAULT-VALUE}.")
    int latencyQueries;

    @Option(
            names = "--load",
            defaultValue = "0.5",
            description =
                    "Offered rate as a fraction of the measured throughput. Default: ${DEFAULT-VALUE}.")
    double load;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "1s",
            paramLabel = "DURATION",
            description = "Checkpoint interval. Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of vectors, outcomes and arrivals. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--centres",
            defaultValue = "0",
            description =
                    "Draw the vectors around this many random centres (noise as large as a"
                            + " centre) instead of from one isotropic Gaussian; try an approximate"
                            + " index on clustered vectors. Default: ${DEFAULT-VALUE}.")
    int centres;

    @Option(
            names = "--search-batch",
            defaultValue = "16",
            description =
                    "Most queued queries a shard searches in one pass (the job's --search-batch)."
                            + " Default: ${DEFAULT-VALUE}.")
    int searchBatch;

    @Option(
            names = "--search-wait",
            defaultValue = "2ms",
            description =
                    "Longest a query waits at a shard for others (the job's --search-wait)."
                            + " Default: ${DEFAULT-VALUE}.")
    String searchWait;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the result as JSON.")
    Path report;

    @Option(
            names = "--sweep",
            paramLabel = "SETTING=V1,V2,...",
            description =
                    "Run once per value of one setting, the others as given, and write"
                            + " <name>.json, <name>.md and PNG plots of decisions/s and latency"
                            + " against it to --out. Settings: "
                            + RouteSweep.AXES
                            + " (load steps the offered rate up to saturation).")
    String sweep;

    @Option(
            names = "--rounds",
            defaultValue = "1",
            description =
                    "With --sweep: rounds over the values (interleaved), for a mean ± std per"
                            + " value. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(
            names = "--warmup-run",
            defaultValue = "true",
            negatable = true,
            fallbackValue = "true",
            description =
                    "With --sweep: first run the first value once, not measured, to warm the JVM"
                            + " up (the first run in a JVM was up to 2.6x slower than the next)."
                            + " Default: ${DEFAULT-VALUE}.")
    boolean warmupRun;

    @Option(
            names = "--out",
            defaultValue = "bench/results/route/sweep",
            description = "With --sweep: where the files go. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(
            names = "--name",
            description = "With --sweep: the files' name. Default: route-<setting>.")
    String name;

    @Mixin IndexOptions index;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (sweep == null) {
            Map<String, Object> row = runOnce();
            if (report != null) {
                new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(report.toFile(), row);
            }
            return 0;
        }
        RouteSweep plan = RouteSweep.parse(sweep, rounds);
        String file = name != null ? name : "route-" + plan.axis();
        List<Map<String, Object>> rows = new ArrayList<>();
        if (warmupRun) {
            // The first run in a JVM was up to 2.6x slower than the next with the same settings,
            // even after its own warm-up: one run of the first value, not measured, goes first.
            System.err.printf(
                    "bench route: %s = %s, a run to warm the JVM up (not measured)%n",
                    plan.axis(), plan.values().get(0));
            set(plan.axis(), plan.values().get(0));
            runOnce();
        }
        for (int round = 0; round < plan.rounds(); round++) {
            for (String value : plan.order(round)) {
                System.err.printf(
                        "bench route: %s = %s (round %d of %d)%n",
                        plan.axis(), value, round + 1, plan.rounds());
                set(plan.axis(), value);
                Map<String, Object> row = runOnce();
                row.put("round", round);
                row.put("value", value);
                rows.add(row);
            }
        }
        plan.write(
                rows,
                out,
                file,
                String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        System.out.printf(
                "wrote %s.json, %s.md, %s.png and %s-latency.png to %s%n",
                file, file, file, file, out);
        return 0;
    }

    /** Sets the option a sweep varies. */
    private void set(String axis, String value) {
        try {
            switch (axis) {
                case "support" -> support = Integer.parseInt(value);
                case "models" -> models = Integer.parseInt(value);
                case "pools" -> pools = Integer.parseInt(value);
                case "parallelism" -> parallelism = Integer.parseInt(value);
                case "shards" -> shards = Integer.parseInt(value);
                case "replicas" -> replicas = Integer.parseInt(value);
                case "deciders" -> deciders = Integer.parseInt(value);
                case "k" -> k = Integer.parseInt(value);
                case "search-batch" -> searchBatch = Integer.parseInt(value);
                case "load" -> load = Double.parseDouble(value);
                default -> throw new IllegalArgumentException("--sweep: unknown setting " + axis);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--sweep: " + axis + " takes numbers, got '" + value + "'", e);
        }
    }

    /** One run of the benchmark on the options as they are; prints it and returns its record. */
    private Map<String, Object> runOnce() throws Exception {
        if (support < 1
                || warmup < 0
                || models < 1
                || queries < 1
                || latencyQueries < 1
                || centres < 0
                || pools < 1
                || !(load > 0 && load <= 1)) {
            throw new IllegalArgumentException(
                    "--support, --models, --pools, --queries and --latency-queries must be >= 1,"
                            + " --warmup and --centres >= 0 and --load in (0, 1]");
        }
        JobSettings.REPLICAS.check(replicas);
        JobSettings.DECIDERS.check(deciders);
        Duration interval = JobSettings.CHECKPOINT_INTERVAL.check(checkpointInterval);
        JobSettings.SEARCH_BATCH.check(searchBatch);
        Duration wait = JobSettings.SEARCH_WAIT.check(Durations.parse("--search-wait", searchWait));
        Path tmp = Files.createTempDirectory("pointsman-bench-route");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"))) {
            RouteBenchmark.Settings settings =
                    new RouteBenchmark.Settings(
                            kafka.bootstrapServers(),
                            tmp.resolve("checkpoints"),
                            support,
                            warmup,
                            384,
                            shards,
                            replicas,
                            deciders,
                            pools,
                            models,
                            k,
                            parallelism,
                            queries,
                            latencyQueries,
                            load,
                            interval,
                            seed,
                            index.spec(),
                            centres,
                            searchBatch,
                            wait);
            String indexName = settings.index().create(384).describe();
            RouteBenchmark.Result r =
                    new RouteBenchmark(settings, line -> System.err.println("bench route: " + line))
                            .run();
            System.out.printf(
                    "%d pool(s) × %d support × 384 (%s), %s index, %d shards × %d replicas, %d"
                            + " deciders, %d models, k %d, parallelism %d, search batch %d within"
                            + " %s, checkpoints every %s; %d cores, Java %s%n",
                    pools,
                    support,
                    centres == 0 ? "isotropic" : centres + " centres",
                    indexName,
                    shards,
                    replicas,
                    deciders,
                    models,
                    k,
                    parallelism,
                    searchBatch,
                    Durations.format(wait),
                    Durations.format(interval),
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            System.out.printf(
                    "%12s %12s %9s %9s %9s %14s %14s %14s %14s%n",
                    "decisions/s",
                    "offered/s",
                    "p50 ms",
                    "p99 ms",
                    "p99.9 ms",
                    "in job p50 ms",
                    "in job p99 ms",
                    "commit p50 ms",
                    "commit p99 ms");
            System.out.printf(
                    "%12.1f %12.1f %9.1f %9.1f %9.1f %14.1f %14.1f %14.1f %14.1f%n",
                    r.decisionsPerSecond(),
                    r.offeredPerSecond(),
                    r.p50Ms(),
                    r.p99Ms(),
                    r.p999Ms(),
                    r.inJobP50Ms(),
                    r.inJobP99Ms(),
                    r.committedP50Ms(),
                    r.committedP99Ms());
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("support", support);
            root.put("pools", pools);
            root.put("dimension", 384);
            root.put("index", indexName);
            root.put("centres", centres);
            root.put("shards", shards);
            root.put("replicas", replicas);
            root.put("deciders", deciders);
            root.put("models", models);
            root.put("k", k);
            root.put("parallelism", parallelism);
            root.put("warmup", warmup);
            root.put("queries", queries);
            root.put("load", load);
            root.put("search_batch", searchBatch);
            root.put("search_wait_ms", wait.toMillis());
            root.put("checkpoint_interval_ms", interval.toMillis());
            root.put("cores", Runtime.getRuntime().availableProcessors());
            root.put("java", System.getProperty("java.version"));
            root.put("result", r);
            return root;
        } finally {
            Directories.deleteTree(tmp, "bench route");
        }
    }
}

package dev.pointsman.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pointsman.cli.demo.AdaptExperiment;
import dev.pointsman.cli.demo.AdaptPlot;
import dev.pointsman.cli.demo.PairedQuality;
import dev.pointsman.cli.demo.StopSignal;
import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.cli.demo.TrafficSplit;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.embed.cli.EmbedderOptions;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.settings.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pointsman bench adapt}: static against online routing through a distribution shift. */
@Command(
        name = "adapt",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Replays the same traffic through a shift twice on the embedded stack: with a static"
                    + " router (outcomes are measured but never reach the support set) and with"
                    + " the online router (they do). Reports the windowed AUC over time of both,"
                    + " how many feedback examples the online router needs to come back within 1"
                    + " point of its level before the shift, after how many queries a drift alert"
                    + " fires, and how often one fires before the shift. Writes a Markdown report,"
                    + " a CSV of the windows and a PNG plot to --out.",
            "Data with fixed splits (train/test/ood, e.g. RouterDC) seeds from train, replays"
                    + " test, then ood; otherwise --shift-to names the dataset after the shift."
        })
public final class BenchAdaptCommand implements Callable<Integer> {
    @Mixin EmbedderOptions embedding;

    @Mixin RouterOption router;

    @Option(
            names = "--data",
            paramLabel = "FILE",
            defaultValue = BenchmarkFiles.SAMPLE,
            description = "Benchmark file or 'sample'. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(
            names = "--shift-to",
            paramLabel = "DATASET",
            description = "Dataset after the shift (data without fixed splits; default its last).")
    String shiftTo;

    @Option(names = "--max-seed", defaultValue = "600", description = "Default: ${DEFAULT-VALUE}.")
    int maxSeed;

    @Option(
            names = "--max-before",
            defaultValue = "400",
            description = "Queries before the shift. Default: ${DEFAULT-VALUE}.")
    int maxBefore;

    @Option(
            names = "--max-after",
            defaultValue = "600",
            description = "Queries after the shift. Default: ${DEFAULT-VALUE}.")
    int maxAfter;

    @Option(
            names = "--rate",
            defaultValue = "10",
            description = "Queries per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--window",
            defaultValue = "10s",
            description = "Metric window. Default: ${DEFAULT-VALUE}.")
    String window;

    @Option(
            names = "--min-queries",
            defaultValue = "20",
            description = "Queries a window needs to raise alerts. Default: ${DEFAULT-VALUE}.")
    int minQueries;

    @Option(
            names = "--exploration",
            paramLabel = "SHARE",
            description =
                    "The pool's exploration share: at most this share of queries is answered by"
                            + " every model, where the router is least sure; the rest get only the"
                            + " chosen model's outcome. Default: a pool's default, "
                            + PoolSettings.DEFAULT_EXPLORATION
                            + ".")
    double exploration = PoolSettings.DEFAULT_EXPLORATION;

    @Option(
            names = "--online-prior",
            paramLabel = "PRIOR",
            defaultValue = PoolSettings.REFERENCE,
            description =
                    "What the online pass's knn-shrunk shrinks toward (the pool's shrink.prior):"
                            + " reference (a linear router fitted on the fully observed examples,"
                            + " moved by the neighbours), live-trend (the streams app's windows) or"
                            + " trained-trend (the trainer's window). The static pass takes"
                            + " the same prior, or trained-trend for live-trend (it sees no live"
                            + " window). Default: ${DEFAULT-VALUE}.")
    String onlinePrior;

    @Option(
            names = "--k",
            defaultValue = "100",
            description =
                    "Neighbours the job finds per query (knn-shrunk chooses its k up to this and"
                            + " takes each model's k nearest observations among them). Default:"
                            + " ${DEFAULT-VALUE}, the job's (20 measured no better on the same"
                            + " queries, 3 seeds: README).")
    int k;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--queries-out",
            description =
                    "Also write <name>-queries.jsonl: per pass and decided query its place in the"
                            + " replay, whether it came after the shift, every model's ŝ, ĉ and"
                            + " true outcome (for study; about 1 MB per 2,000 queries).")
    boolean queriesOut;

    @Option(
            names = "--http-port",
            defaultValue = "18090",
            description = "Port of the streams app during the runs. Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(
            names = "--out",
            defaultValue = "bench/results/adapt",
            description = "Where the report goes. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--name", description = "Report file name (default: the data file's name).")
    String name;

    @Override
    public Integer call() throws Exception {
        PrintStream log = System.out;
        Benchmark bench = BenchmarkFiles.load(data);
        TrafficSplit traffic =
                (bench.hasFixedSplits() && shiftTo == null
                                ? TrafficSplit.byFixedSplits(bench)
                                : TrafficSplit.byDataset(
                                        bench,
                                        shiftTo != null
                                                ? shiftTo
                                                : bench.datasets().get(bench.datasets().size() - 1),
                                        0.5,
                                        seed))
                        .capped(maxSeed, maxBefore, maxAfter, seed);
        if (traffic.seed().isEmpty() || traffic.before().isEmpty() || traffic.after().isEmpty()) {
            throw new IllegalArgumentException(
                    "the data gives no seed, before or after rows: "
                            + traffic.seed().size()
                            + " / "
                            + traffic.before().size()
                            + " / "
                            + traffic.after().size());
        }
        String label =
                name != null
                        ? name
                        : Path.of(data).getFileName().toString().replaceAll("\\.jsonl$", "");
        Path work = Files.createTempDirectory("pointsman-adapt");
        AdaptExperiment experiment =
                new AdaptExperiment(
                        new AdaptExperiment.Settings(
                                work,
                                embedding.toConfig(),
                                StreamsChild.locateJar(),
                                httpPort,
                                k,
                                rate,
                                window,
                                minQueries,
                                ExplorationOption.check(exploration),
                                router.name(),
                                PoolSettings.checkPrior(onlinePrior, "--online-prior")),
                        log);
        log.printf(
                "bench adapt %s: %d seed examples, %d queries before the shift, %d after (%s)%n",
                label,
                traffic.seed().size(),
                traffic.before().size(),
                traffic.after().size(),
                shiftTo != null || !bench.hasFixedSplits()
                        ? "shift to " + traffic.after().get(0).dataset()
                        : "test → ood");
        AdaptExperiment.Pass still;
        AdaptExperiment.Pass online;
        try (StopSignal signal = new StopSignal("bench-adapt", () -> {})) {
            still = experiment.run("static", false, bench, traffic, signal.stopping());
            online = experiment.run("online", true, bench, traffic, signal.stopping());
        }
        DemoCommand.wipe(work);

        Files.createDirectories(out);
        // The bootstrap runs once per side, for the report and the JSON alike.
        Paired paired = Paired.of(still, online, settleQueries());
        String report = report(label, bench, traffic, still, online, paired);
        Files.writeString(out.resolve(label + ".md"), report);
        Files.writeString(out.resolve(label + "-windows.csv"), csv(still, online));
        Files.writeString(out.resolve(label + ".json"), summary(still, online, paired));
        AdaptPlot.write(
                still, online, "Adaptation through a shift: " + label, out.resolve(label + ".png"));
        if (queriesOut) {
            writeQueries(out.resolve(label + "-queries.jsonl"), still, online);
        }
        log.println();
        log.println(report);
        log.printf("written: %s/%s.{md,json,png}, %s-windows.csv%n", out, label, label);
        return 0;
    }

    private String report(
            String label,
            Benchmark bench,
            TrafficSplit traffic,
            AdaptExperiment.Pass still,
            AdaptExperiment.Pass online,
            Paired paired) {
        StringBuilder md = new StringBuilder();
        md.append("# bench adapt: ").append(label).append("\n\n");
        md.append(
                String.format(
                        Locale.ROOT,
                        "%d seed examples, %d queries before the shift, %d after; %.0f queries/s,"
                                + " windows of %s, exploration share %.0f%%, k %d, %s.%n%n",
                        traffic.seed().size(),
                        traffic.before().size(),
                        traffic.after().size(),
                        rate,
                        window,
                        100 * exploration,
                        k,
                        embedding.toConfig().embedderId()));
        md.append("| router | AUC before the shift | AUC after | examples to within 1 point")
                .append(" | queries to drift alert | drift alarms before the shift |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (AdaptExperiment.Pass p : List.of(still, online)) {
            long[] alarms = p.driftAlarmsWithoutShift();
            long recover = p.examplesToRecover(1.0);
            long drift = p.queriesToDriftAlert();
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %.2f | %.2f | %s | %s | %d of %d windows |%n",
                            p.name(),
                            p.levelBefore(),
                            p.levelAfter(),
                            recover < 0 ? "not within the run" : Long.toString(recover),
                            drift < 0 ? "none" : Long.toString(drift),
                            alarms[0],
                            alarms[1]));
        }
        md.append(
                        "\nOn the same queries (AUC of both routers on every query both decided, before the"
                                + " shift and after it but its first ")
                .append(paired.settle())
                .append("; ± the bootstrap std of the difference):\n\n");
        for (boolean after : new boolean[] {false, true}) {
            PairedQuality q = paired.side(after);
            md.append(after ? "- after: " : "- before: ")
                    .append(
                            q == null
                                    ? "no shared queries"
                                    : String.format(
                                            Locale.ROOT,
                                            "static %.2f, online %.2f, online − static %+.2f ± %.2f"
                                                    + " (%d queries)",
                                            q.first(),
                                            q.second(),
                                            q.difference(),
                                            q.differenceStd(),
                                            q.queries()))
                    .append('\n');
        }
        md.append(
                "\nFallbacks and promotions (the job routes by the global trend after its windows"
                        + " stay below it, and by a challenger that beats its router):");
        md.append("\n\n");
        for (AdaptExperiment.Pass p : List.of(still, online)) {
            List<Alert> changes = p.fallbacks();
            md.append("- ").append(p.name()).append(": ");
            if (changes.isEmpty()) {
                md.append("none\n");
                continue;
            }
            List<String> items = new java.util.ArrayList<>();
            for (Alert a : changes) {
                boolean promotion = a.getKind().startsWith("promoted/");
                items.add(
                        String.format(
                                Locale.ROOT,
                                promotion
                                        ? "%s at %+.0f s (its AUC %.2f)"
                                        : "%s at %+.0f s (AUC %+.2f against the trend)",
                                promotion
                                        ? a.getKind()
                                        : a.getKind().substring(0, a.getKind().indexOf('/')),
                                (a.getWindowEnd().toEpochMilli() - p.shiftedAtMillis()) / 1000.0,
                                a.getValue()));
            }
            md.append(String.join(", ", items)).append('\n');
        }
        md.append("\nWindows (seconds relative to the shift):\n\n");
        md.append(
                "| router | t (s) | n | AUC, all queries | trend, all queries | explored | live AUC"
                        + " | live oracle | live trend | OOD share | PSI | shift |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (AdaptExperiment.Pass p : List.of(still, online)) {
            for (WindowMetrics w : p.windows()) {
                md.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %.0f | %d | %s | %s | %d | %s | %s | %s | %.2f | %s | %s |%n",
                                p.name(),
                                p.secondsSinceShift(w),
                                w.getN(),
                                fmt(p.auc(w)),
                                fmt(p.trendAuc(w)),
                                w.getShadowQueries(),
                                fmt(w.getAuc()),
                                fmt(w.getOracleAuc()),
                                fmt(w.getGlobalTrendAuc()),
                                w.getOodShare(),
                                fmt(w.getDrift()),
                                fmt(w.getEmbeddingShift())));
            }
        }
        return md.toString();
    }

    /** One window's worth of queries at the replay's rate: how long the shift takes to settle. */
    private int settleQueries() {
        return (int) Math.round(rate * Durations.parse("--window", window).toMillis() / 1000.0);
    }

    /**
     * {@code {"static": {...}, "online": {...}, "examples_to_positive_lift": N or null, "paired":
     * {...}}}: each router's mean AUC and global-trend AUC before the shift and after it has
     * settled (NaN, where a figure is missing, as null), the online router's feedback examples
     * until its lift over the trend turns positive for good, and both routers on the same queries
     * ({@link PairedQuality}): before the shift, and after it but its first {@code settle}.
     */
    static String summary(AdaptExperiment.Pass still, AdaptExperiment.Pass online, int settle)
            throws IOException {
        return summary(still, online, Paired.of(still, online, settle));
    }

    /**
     * Both passes on the same queries ({@link PairedQuality}): before the shift, and after it but
     * its first {@code settle} queries; null where they share none.
     */
    record Paired(int settle, @Nullable PairedQuality before, @Nullable PairedQuality after) {
        static Paired of(AdaptExperiment.Pass still, AdaptExperiment.Pass online, int settle) {
            return new Paired(
                    settle,
                    still.paired(online, false, settle),
                    still.paired(online, true, settle));
        }

        @Nullable PairedQuality side(boolean after) {
            return after ? this.after : before;
        }
    }

    private static String summary(
            AdaptExperiment.Pass still, AdaptExperiment.Pass online, Paired pairs)
            throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        for (AdaptExperiment.Pass p : List.of(still, online)) {
            Map<String, Object> levels = new LinkedHashMap<>();
            p.levels().forEach((k, v) -> levels.put(k, Double.isFinite(v) ? v : null));
            levels.put(
                    "fallbacks",
                    p.fallbacks().stream()
                            .filter(a -> a.getKind().startsWith("fallback/"))
                            .count());
            levels.put(
                    "promotions",
                    p.fallbacks().stream()
                            .filter(a -> a.getKind().startsWith("promoted/"))
                            .count());
            root.put(p.name(), levels);
        }
        root.put("examples_to_positive_lift", online.examplesToPositiveLift());
        Map<String, Object> paired = new LinkedHashMap<>();
        paired.put("settle_queries", pairs.settle());
        for (boolean after : new boolean[] {false, true}) {
            PairedQuality q = pairs.side(after);
            Map<String, Object> figures = new LinkedHashMap<>();
            if (q != null) {
                figures.put("queries", q.queries());
                figures.put("static_auc", q.first());
                figures.put("online_auc", q.second());
                figures.put("online_minus_static", q.difference());
                figures.put(
                        "difference_std",
                        Double.isFinite(q.differenceStd()) ? q.differenceStd() : null);
            }
            paired.put(after ? "after" : "before", q == null ? null : figures);
        }
        root.put("paired", paired);
        return new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(root);
    }

    /** One JSON line per pass and decided query (see {@code --queries-out}). */
    private static void writeQueries(Path file, AdaptExperiment.Pass... passes) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (var w = Files.newBufferedWriter(file)) {
            for (AdaptExperiment.Pass p : passes) {
                for (var j : p.judged()) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("pass", p.name());
                    line.put("index", j.index());
                    line.put("after", j.afterShift());
                    line.put("predicted", j.row().predicted());
                    line.put("observed", j.row().observed());
                    w.write(json.writeValueAsString(line));
                    w.newLine();
                }
            }
        }
    }

    private static String csv(AdaptExperiment.Pass still, AdaptExperiment.Pass online) {
        StringBuilder out =
                new StringBuilder(
                        "router,seconds_since_shift,n,full_auc,full_trend_auc,shadow_queries,auc,oracle_auc,global_trend_auc,ood_share,psi,embedding_shift\n");
        for (AdaptExperiment.Pass p : List.of(still, online)) {
            for (WindowMetrics w : p.windows()) {
                out.append(
                        String.format(
                                Locale.ROOT,
                                "%s,%.1f,%d,%s,%s,%d,%s,%s,%s,%.4f,%s,%s%n",
                                p.name(),
                                p.secondsSinceShift(w),
                                w.getN(),
                                csvNum(p.auc(w)),
                                csvNum(p.trendAuc(w)),
                                w.getShadowQueries(),
                                csvNum(w.getAuc()),
                                csvNum(w.getOracleAuc()),
                                csvNum(w.getGlobalTrendAuc()),
                                w.getOodShare(),
                                csvNum(w.getDrift()),
                                csvNum(w.getEmbeddingShift())));
            }
        }
        return out.toString();
    }

    private static String fmt(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String csvNum(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
    }
}

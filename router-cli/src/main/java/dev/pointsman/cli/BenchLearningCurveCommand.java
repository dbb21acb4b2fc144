package dev.pointsman.cli;

import dev.pointsman.cli.demo.AdaptExperiment;
import dev.pointsman.cli.demo.StopSignal;
import dev.pointsman.cli.demo.StreamingCurve;
import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.cli.demo.TrafficSplit;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.eval.EvalData;
import dev.pointsman.core.eval.LearningCurve;
import dev.pointsman.core.eval.RoutingQuality;
import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.embed.cli.EmbedderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pointsman bench learning-curve}: lift over the trend as the support set grows. */
@Command(
        name = "learning-curve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Lift over the global trend as the support set grows, offline: per seed, the file's"
                    + " in-distribution rows (all but its ood split) are split 70/10/20 together,"
                    + " the mixed traffic of one live pool; each router and the trend are fitted"
                    + " on the first N shuffled training rows (N nested, tuning on N/7 validation"
                    + " rows) and scored on the same test rows. Writes <name>.md, .csv and .png.",
        })
public final class BenchLearningCurveCommand implements Callable<Integer> {
    @Mixin EmbedderOptions embedding;

    @Option(
            names = "--data",
            paramLabel = "FILE",
            required = true,
            description = "Benchmark file (JSON lines, see shared/data/README.md).")
    String data;

    @Option(
            names = "--routers",
            split = ",",
            paramLabel = "ROUTER",
            defaultValue = "knn-shrunk,knn-100,linear",
            description = "Routers to draw. Default: ${DEFAULT-VALUE}.")
    List<String> routers;

    @Option(
            names = "--sizes",
            split = ",",
            paramLabel = "N",
            defaultValue = "250,500,1000,2000,4000,8000,16000",
            description =
                    "Support sizes; one above the training rows means all of them."
                            + " Default: ${DEFAULT-VALUE}.")
    int[] sizes;

    @Option(
            names = "--seeds",
            paramLabel = "N",
            defaultValue = "5",
            description = "Seeds (splits, shuffles and training). Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Mixin CachedEmbeddings cache;

    @Option(
            names = "--out",
            defaultValue = "bench/results/learning-curve",
            description = "Where the report goes. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--name", description = "Report file name (default: the data file's name).")
    String name;

    @Option(
            names = "--streaming",
            description =
                    "Instead of refitting offline, seed a pool with the first size's rows and"
                            + " replay the rest (up to the largest size) through the streaming"
                            + " router on the embedded stack, with its own exploration and partial"
                            + " feedback; each window's lift, judged on all its queries, against"
                            + " the support it was routed with. Writes <name>-streaming.{md,csv,png}.")
    boolean streaming;

    @Mixin RouterOption router;

    @Option(
            names = "--rate",
            defaultValue = "10",
            description = "With --streaming: queries per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--window",
            defaultValue = "30s",
            description = "With --streaming: metric window. Default: ${DEFAULT-VALUE}.")
    String window;

    @Option(
            names = "--exploration",
            paramLabel = "SHARE",
            description =
                    "With --streaming: the pool's exploration share. Default: a pool's default, "
                            + PoolSettings.DEFAULT_EXPLORATION
                            + ".")
    double exploration = PoolSettings.DEFAULT_EXPLORATION;

    @Option(
            names = "--k",
            defaultValue = "100",
            description = "With --streaming: neighbours per query. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--http-port",
            defaultValue = "18091",
            description = "With --streaming: the streams app's port. Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        if (seeds <= 0) {
            throw new IllegalArgumentException("--seeds must be > 0, got " + seeds);
        }
        LearningCurve curve;
        try {
            curve = new LearningCurve(routers, seeds);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--routers: " + e.getMessage(), e);
        }
        Benchmark bench = BenchmarkFiles.load(data);
        if (streaming) {
            return streaming(bench);
        }
        EvalData evalData = EvalData.of(bench, cache.embed(bench, embedding));
        int total;
        try {
            total = curve.work(evalData, sizes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--sizes: " + e.getMessage(), e);
        }
        ProgressBar bar = ProgressBar.onStderr("fitting");
        List<LearningCurve.Point> points =
                curve.run(evalData, sizes, done -> bar.update(done, total, ""));
        String label =
                name != null
                        ? name
                        : Path.of(data).getFileName().toString().replaceAll("\\.jsonl$", "");
        String metric = RoutingQuality.metricName(evalData.outcomes().hasCosts());
        String report = report(label, metric, evalData, points);
        Files.createDirectories(out);
        Files.writeString(out.resolve(label + ".md"), report);
        Files.writeString(out.resolve(label + ".csv"), csv(points));
        LearningCurvePlot.write(
                points,
                "Lift over the global trend as the support grows: " + label,
                metric,
                out.resolve(label + ".png"));
        System.out.println();
        System.out.println(report);
        System.out.printf("written: %s/%s.{md,csv,png}%n", out, label);
        return 0;
    }

    /** The shuffle of a --streaming run: one replay, one order. */
    private static final long STREAM_SEED = 42;

    private int streaming(Benchmark bench) throws Exception {
        int[] sorted = java.util.Arrays.stream(sizes).sorted().toArray();
        if (sorted.length < 1 || sorted[0] <= 0) {
            throw new IllegalArgumentException("--sizes: need a positive first size");
        }
        TrafficSplit traffic =
                StreamingCurve.traffic(
                        bench, sorted[0], sorted[sorted.length - 1] - sorted[0], STREAM_SEED);
        Path work = Files.createTempDirectory("pointsman-curve");
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
                                20,
                                ExplorationOption.check(exploration),
                                router.name(),
                                PoolSettings.LIVE_TREND),
                        System.out);
        List<StreamingCurve.Row> rows;
        try (StopSignal signal = new StopSignal("bench-learning-curve", () -> {})) {
            rows = StreamingCurve.run(experiment, bench, traffic, signal.stopping());
        }
        DemoCommand.wipe(work);
        String label =
                (name != null
                                ? name
                                : Path.of(data)
                                        .getFileName()
                                        .toString()
                                        .replaceAll("\\.jsonl$", ""))
                        + "-streaming";
        String metric = RoutingQuality.metricName(bench.hasCosts());
        StringBuilder md = new StringBuilder();
        md.append("# bench learning-curve --streaming: ").append(label).append("\n\n");
        md.append(
                String.format(
                        Locale.ROOT,
                        "%d seed rows, then %d queries of the same traffic at %.0f/s through the"
                                + " online %s router (k %d, exploration share %.0f%%, partial"
                                + " feedback), windows of %s, %s; each window judged on every"
                                + " decided query against the live trend. Shuffle seed %d.%n%n",
                        traffic.seed().size(),
                        traffic.before().size(),
                        rate,
                        router.name(),
                        k,
                        100 * exploration,
                        window,
                        embedding.embedderId(),
                        STREAM_SEED));
        md.append("| support at window start | queries | ")
                .append(metric)
                .append(" | trend | lift | explored |\n|---|---|---|---|---|---|\n");
        StringBuilder csv = new StringBuilder("support,queries,quality,trend,lift,explored\n");
        List<LearningCurve.Point> points = new java.util.ArrayList<>();
        for (StreamingCurve.Row r : rows) {
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %d | %d | %.2f | %.2f | %+.2f | %d |%n",
                            r.support(),
                            r.queries(),
                            r.auc(),
                            r.trend(),
                            r.lift(),
                            r.explored()));
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%d,%d,%.4f,%.4f,%.4f,%d%n",
                            r.support(),
                            r.queries(),
                            r.auc(),
                            r.trend(),
                            r.lift(),
                            r.explored()));
            points.add(
                    new LearningCurve.Point(
                            router.name() + " (streaming)",
                            (int) r.support(),
                            new double[] {r.auc()},
                            new double[] {r.trend()},
                            new double[] {r.lift()}));
        }
        if (rows.size() >= 4) {
            int quarter = rows.size() / 4;
            md.append(
                    String.format(
                            Locale.ROOT,
                            "%nMean lift of the first %d windows %+.2f, of the last %d %+.2f.%n",
                            quarter,
                            rows.subList(0, quarter).stream()
                                    .mapToDouble(StreamingCurve.Row::lift)
                                    .average()
                                    .orElse(Double.NaN),
                            quarter,
                            rows.subList(rows.size() - quarter, rows.size()).stream()
                                    .mapToDouble(StreamingCurve.Row::lift)
                                    .average()
                                    .orElse(Double.NaN)));
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve(label + ".md"), md.toString());
        Files.writeString(out.resolve(label + ".csv"), csv.toString());
        if (!points.isEmpty()) {
            LearningCurvePlot.write(
                    points,
                    "Lift over the live trend as the streaming router learns: " + label,
                    metric,
                    out.resolve(label + ".png"));
        }
        System.out.println();
        System.out.println(md);
        System.out.printf("written: %s/%s.{md,csv,png}%n", out, label);
        return 0;
    }

    private String report(
            String label, String metric, EvalData data, List<LearningCurve.Point> points) {
        StringBuilder md = new StringBuilder();
        md.append("# bench learning-curve: ").append(label).append("\n\n");
        md.append(
                String.format(
                        Locale.ROOT,
                        "%s, %d seeds, %s; %s lift over the global trend fitted on the same rows,"
                                + " mean ± std over seeds (router's and trend's mean %s in"
                                + " brackets).%n%n",
                        data.hasFixedSplits()
                                ? "train and test rows split 70/10/20 together (ood rows left out)"
                                : "every row split 70/10/20 together",
                        seeds,
                        embedding.embedderId(),
                        metric,
                        metric));
        int[] used = points.stream().mapToInt(LearningCurve.Point::size).distinct().toArray();
        md.append("| support |");
        routers.forEach(r -> md.append(' ').append(r).append(" |"));
        md.append("\n|---|").append("---|".repeat(routers.size())).append('\n');
        for (int size : used) {
            md.append("| ").append(size).append(" |");
            for (String r : routers) {
                LearningCurve.Point p =
                        points.stream()
                                .filter(q -> q.router().equals(r) && q.size() == size)
                                .findFirst()
                                .orElseThrow();
                md.append(
                        String.format(
                                Locale.ROOT,
                                " %+.2f ± %.2f (%.2f / %.2f) |",
                                p.meanLift(),
                                p.stdLift(),
                                p.meanQuality(),
                                p.meanTrend()));
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String csv(List<LearningCurve.Point> points) {
        StringBuilder csv = new StringBuilder("router,size,seed,quality,trend,lift\n");
        for (LearningCurve.Point p : points) {
            for (int s = 0; s < p.lift().length; s++) {
                csv.append(
                        String.format(
                                Locale.ROOT,
                                "%s,%d,%d,%.4f,%.4f,%.4f%n",
                                p.router(),
                                p.size(),
                                s,
                                p.quality()[s],
                                p.trend()[s],
                                p.lift()[s]));
            }
        }
        return csv.toString();
    }
}

package dev.pointsman.cli;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.eval.EvalData;
import dev.pointsman.core.eval.LearningCurve;
import dev.pointsman.core.eval.RoutingQuality;
import java.io.IOException;
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

    @Override
    public Integer call() throws IOException {
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

package dev.pointsman.cli;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.eval.EvalData;
import dev.pointsman.core.eval.EvalReport;
import dev.pointsman.core.eval.Evaluation;
import dev.pointsman.core.route.Predictions;
import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.core.route.Routers;
import dev.pointsman.embed.cli.EmbedderOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pointsman eval}: offline evaluation of routers on a benchmark file. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluates routers on a benchmark file the way arXiv 2505.12601 does: embeds every"
                    + " prompt, splits each dataset 70/10/20 per seed (or uses the file's"
                    + " train/test/ood split), fits each router on the train split, and prints"
                    + " Pareto-AUC (accuracy for quality-only data) as mean ± std over seeds"
                    + " next to the oracle, random and global-trend rows.",
        })
public final class EvalCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin EmbedderOptions embedding;

    @Option(
            names = "--data",
            paramLabel = "FILE",
            description =
                    "Benchmark file (JSON lines, see shared/data/README.md), or '"
                            + BenchmarkFiles.SAMPLE
                            + "' for the bundled 300-row RouterBench sample. Default: ${DEFAULT-VALUE}.",
            defaultValue = BenchmarkFiles.SAMPLE)
    String data;

    @Option(
            names = "--datasets",
            split = ",",
            paramLabel = "NAME",
            description = "Only these datasets (default: all in the file).")
    List<String> datasets;

    @Option(
            names = "--routers",
            split = ",",
            paramLabel = "ROUTER",
            description =
                    "Routers: "
                            + RouterSpec.KNOWN
                            + ". Default: all of "
                            + "global-trend,knn-10,knn-100,knn-100-weighted,knn-shrunk,linear,mlp,linear-mf,mlp-mf.")
    List<String> routers;

    @Option(
            names = "--seeds",
            paramLabel = "N",
            description = "Number of seeds (splits and training). Default: ${DEFAULT-VALUE}.",
            defaultValue = "5")
    int seeds;

    @Option(
            names = "--predictions",
            paramLabel = "OUT.jsonl",
            description = "Write every test prediction as JSON lines.")
    Path predictions;

    @Option(names = "--report", paramLabel = "OUT.json", description = "Write the results as JSON.")
    Path report;

    @Option(
            names = "--plot",
            paramLabel = "DIR",
            description = "Draw each dataset's Pareto fronts (seed 0) as PNG into DIR.")
    Path plot;

    @Mixin CachedEmbeddings cache;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<String> routerNames = routers == null || routers.isEmpty() ? Routers.DEFAULT : routers;
        routerNames.forEach(Routers::byName);
        String embedderId = embedding.embedderId();
        if (seeds <= 0) {
            throw new IllegalArgumentException("--seeds must be > 0, got " + seeds);
        }

        Benchmark benchmark = load();
        if (datasets != null && !datasets.isEmpty()) {
            benchmark = benchmark.onlyDatasets(datasets);
        }
        System.err.printf(
                "pointsman eval: %d rows, %d models, datasets %s, %s%n",
                benchmark.rows().size(),
                benchmark.models().size(),
                benchmark.datasets(),
                benchmark.hasCosts()
                        ? "with costs (Pareto-AUC)"
                        : "quality only (accuracy at λ = 0)");

        List<float[]> vectors = cache.embed(benchmark, embedding);
        EvalData evalData = EvalData.of(benchmark, vectors);

        ProgressBar training = ProgressBar.onStderr("training");
        ReportFiles.PredictionsWriter writer =
                predictions == null
                        ? null
                        : new ReportFiles.PredictionsWriter(predictions, benchmark.models());
        Evaluation.Listener listener =
                new Evaluation.Listener() {
                    @Override
                    public void onRouterDone(
                            String dataset, String router, int seed, int done, int total) {
                        training.update(done, total, dataset + " seed " + seed + " " + router);
                    }

                    @Override
                    public void onPredictions(
                            String dataset,
                            String router,
                            int seed,
                            List<String> ids,
                            Predictions p) {
                        if (writer != null) {
                            writer.onPredictions(dataset, router, seed, ids, p);
                        }
                    }
                };
        EvalReport result;
        try {
            result = new Evaluation(routerNames, seeds, listener).run(evalData);
        } finally {
            if (writer != null) {
                writer.close();
            }
        }

        out.printf(
                "%n%s on %s — embedder %s, %d seeds (mean ± std)%n",
                result.metric().equals("auc") ? "Pareto-AUC" : "Accuracy at λ = 0 (%)",
                data,
                embedderId,
                seeds);
        out.print(ResultTable.quality(result));
        out.printf("%nLift over global-trend%n");
        out.print(ResultTable.lift(result));
        if (report != null) {
            ReportFiles.writeReport(
                    report,
                    new ReportFiles.RunInfo(
                            data,
                            embedding.embedder,
                            embedding.truncation,
                            embedding.maxTokens,
                            seeds),
                    result);
            out.printf("%nreport: %s%n", report);
        }
        if (predictions != null) {
            out.printf("predictions: %s%n", predictions);
        }
        if (plot != null) {
            for (Path file : ParetoPlot.write(plot, result)) {
                out.printf("plot: %s%n", file);
            }
        }
        out.flush();
        return 0;
    }

    private Benchmark load() throws IOException {
        return BenchmarkFiles.load(data);
    }
}

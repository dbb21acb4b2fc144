package dev.pointsman.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.eval.EvalData;
import dev.pointsman.core.eval.EvalReport;
import dev.pointsman.core.eval.EvalReport.DatasetResult;
import dev.pointsman.core.eval.Evaluation;
import dev.pointsman.core.eval.SeedStats;
import dev.pointsman.core.route.Routers;
import dev.pointsman.embed.cli.EmbedderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pointsman bench ablation}: every router under every encoder, the lift over the global
 * trend per test set and on average, in one table.
 */
@Command(
        name = "ablation",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the evaluation of `pointsman eval` for every encoder of --embedders (a model, a"
                    + " model directory, or a concatenation such as"
                    + " all-minilm-l6-v2+e5-small-v2-q+features) and every router, and writes one"
                    + " table of lift over the global trend (mean ± std over seeds) per test set"
                    + " and on average: <name>.md and <name>.json (every seed's lift).",
        })
public final class BenchAblationCommand implements Callable<Integer> {
    @Mixin EmbedderOptions embedding;

    @Option(
            names = "--data",
            paramLabel = "FILE",
            required = true,
            description = "Benchmark file (JSON lines, see shared/data/README.md).")
    String data;

    @Option(
            names = "--embedders",
            split = ",",
            paramLabel = "ENCODER",
            defaultValue = "all-minilm-l6-v2",
            description = "Encoders, each as --embedder takes it. Default: ${DEFAULT-VALUE}.")
    List<String> embedders;

    @Option(
            names = "--routers",
            split = ",",
            paramLabel = "ROUTER",
            defaultValue = "knn-100,knn-shrunk,linear",
            description = "Routers (as eval names them). Default: ${DEFAULT-VALUE}.")
    List<String> routers;

    @Option(
            names = "--seeds",
            paramLabel = "N",
            defaultValue = "5",
            description = "Seeds (splits and training). Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(
            names = "--mixed",
            description =
                    "Treat every row as one dataset (the mixed traffic of one live pool) instead"
                            + " of evaluating each dataset on its own; data without fixed splits.")
    boolean mixed;

    @Mixin CachedEmbeddings cache;

    @Option(
            names = "--out",
            defaultValue = "bench/results/ablation",
            description = "Where the report goes. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--name", required = true, description = "Report file name.")
    String name;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (spec.commandLine().getParseResult().hasMatchedOption("--embedder")) {
            throw new IllegalArgumentException(
                    "--embedder: bench ablation runs every encoder of --embedders");
        }
        if (seeds <= 0) {
            throw new IllegalArgumentException("--seeds must be > 0, got " + seeds);
        }
        for (String router : routers) {
            try {
                Routers.byName(router);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--routers: " + e.getMessage(), e);
            }
        }
        Benchmark bench = BenchmarkFiles.load(data);
        Map<String, EvalReport> reports = new LinkedHashMap<>();
        for (String encoder : embedders) {
            embedding.embedder = encoder;
            String id;
            try {
                id = embedding.embedderId();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--embedders: " + e.getMessage(), e);
            }
            EvalData evalData = EvalData.of(bench, cache.embed(bench, embedding));
            if (mixed) {
                if (evalData.hasFixedSplits()) {
                    throw new IllegalArgumentException(
                            "--mixed: " + data + " has fixed splits; drop --mixed");
                }
                evalData =
                        new EvalData(
                                evalData.ids(),
                                Collections.nCopies(evalData.size(), "mixed"),
                                evalData.splits(),
                                evalData.vectors(),
                                evalData.outcomes());
            }
            ProgressBar bar = ProgressBar.onStderr(encoder);
            Evaluation.Listener listener =
                    new Evaluation.Listener() {
                        @Override
                        public void onRouterDone(
                                String dataset, String router, int seed, int done, int total) {
                            bar.update(done, total, dataset + " seed " + seed + " " + router);
                        }
                    };
            reports.put(id, new Evaluation(routers, seeds, listener).run(evalData));
        }
        String table = table(reports);
        Files.createDirectories(out);
        Files.writeString(out.resolve(name + ".md"), table);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve(name + ".json").toFile(), json(reports));
        System.out.println();
        System.out.println(table);
        System.out.printf("written: %s/%s.{md,json}%n", out, name);
        return 0;
    }

    /** Columns: each test set, then the group means ({@link ResultTable#summaryGroups}). */
    private String table(Map<String, EvalReport> reports) {
        EvalReport first = reports.values().iterator().next();
        List<String> columns = new ArrayList<>(first.datasets().keySet());
        Map<String, List<DatasetResult>> groups = ResultTable.summaryGroups(first);
        StringBuilder md = new StringBuilder();
        md.append("# bench ablation: ").append(name).append("\n\n");
        md.append(
                String.format(
                        Locale.ROOT,
                        "%s, %s, %d seeds; lift over the global trend (%s), mean ± std over"
                                + " seeds; the trend row is its own %s.%n%n",
                        Path.of(data).getFileName(),
                        mixed ? "every row as one mixed pool" : "each test set on its own",
                        seeds,
                        first.metric(),
                        first.metric()));
        md.append("| encoder | router |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        groups.keySet().forEach(g -> md.append(' ').append(g).append(" |"));
        md.append("\n|---|---|").append("---|".repeat(columns.size() + groups.size())).append('\n');
        reports.forEach(
                (encoder, report) -> {
                    Map<String, List<DatasetResult>> own = ResultTable.summaryGroups(report);
                    for (String row : report.rows()) {
                        if (row.equals(EvalReport.ORACLE) || row.equals(EvalReport.RANDOM)) {
                            continue;
                        }
                        boolean trend = row.equals(EvalReport.GLOBAL_TREND);
                        md.append("| ").append(encoder).append(" | ").append(row).append(" |");
                        for (String c : columns) {
                            var values = report.datasets().get(c).rows().get(row);
                            md.append(' ')
                                    .append(
                                            ResultTable.cell(
                                                    trend ? values.quality() : values.lift()))
                                    .append(" |");
                        }
                        for (var group : own.values()) {
                            md.append(' ')
                                    .append(
                                            ResultTable.cell(
                                                    ResultTable.average(
                                                            group,
                                                            row,
                                                            trend
                                                                    ? EvalReport.RowResult::quality
                                                                    : EvalReport.RowResult::lift)))
                                    .append(" |");
                        }
                        md.append('\n');
                    }
                });
        return md.toString();
    }

    private Map<String, Object> json(Map<String, EvalReport> reports) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("data", data);
        root.put("mixed", mixed);
        root.put("seeds", seeds);
        Map<String, Object> encoders = new LinkedHashMap<>();
        reports.forEach(
                (encoder, report) -> {
                    Map<String, Object> perRouter = new LinkedHashMap<>();
                    for (String row : report.rows()) {
                        Map<String, Object> perSet = new LinkedHashMap<>();
                        report.datasets()
                                .forEach(
                                        (set, d) -> {
                                            var v = d.rows().get(row);
                                            perSet.put(
                                                    set,
                                                    Map.of(
                                                            "quality", v.quality(),
                                                            "lift", v.lift(),
                                                            "mean_lift", SeedStats.mean(v.lift())));
                                        });
                        perRouter.put(row, perSet);
                    }
                    encoders.put(encoder, perRouter);
                });
        root.put("encoders", encoders);
        return root;
    }
}

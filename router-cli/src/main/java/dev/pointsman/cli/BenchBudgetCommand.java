package dev.pointsman.cli;

import dev.pointsman.cli.demo.BudgetExperiment;
import dev.pointsman.cli.demo.StopSignal;
import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.cli.demo.TrafficSplit;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.spend.SpendSettings;
import dev.pointsman.core.spend.SpendTracking;
import dev.pointsman.embed.cli.EmbedderOptions;
import dev.pointsman.schemas.Alert;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pointsman bench budget}: a pool's spend paced to budgets, through a price change. */
@Command(
        name = "budget",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Replays the same traffic on the embedded stack once per budget, with the pool's λ"
                    + " paced by the routing job to that budget; part way through, the catalog"
                    + " raises some models' prices and the replay's gateway charges them. Reports"
                    + " the spend over a trailing window against the budget, the queries the pacer"
                    + " needs to come back within the tolerance after the price change, and the"
                    + " quality the routing bought against the best fixed λ in hindsight at the same"
                    + " spend (the same decisions' predictions, every model's true outcome). Writes"
                    + " a table, a JSON and a PNG to --out."
        })
public final class BenchBudgetCommand implements Callable<Integer> {
    @Mixin EmbedderOptions embedding;

    @Mixin RouterOption router;

    @Option(
            names = "--data",
            paramLabel = "FILE",
            defaultValue = BenchmarkFiles.SAMPLE,
            description = "Benchmark file with costs, or 'sample'. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(
            names = "--budgets",
            split = ",",
            paramLabel = "USD",
            defaultValue = "0.5,1,2",
            description =
                    "Budgets in USD per 1,000 queries, one run each. Default: ${DEFAULT-VALUE}.")
    List<Double> budgets;

    @Option(
            names = "--queries",
            defaultValue = "3000",
            description = "Queries per run. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(
            names = "--change-at",
            defaultValue = "1500",
            description = "Query at which prices change; -1 for none. Default: ${DEFAULT-VALUE}.")
    int changeAt;

    @Option(
            names = "--price-change",
            paramLabel = "MODEL=FACTOR[,...]|none",
            defaultValue = "gpt-4-1106-preview=2",
            description =
                    "Models whose price is multiplied at --change-at, or none. Default:"
                            + " ${DEFAULT-VALUE}.")
    String priceChangeSpec;

    @Option(
            names = "--shift-to",
            paramLabel = "DATASET",
            description =
                    "A dataset of the data that never seeds the pool and is all the traffic from"
                            + " --change-at on: a traffic shift the pacer must follow.")
    String shiftTo;

    @Option(
            names = "--new-model",
            paramLabel = "MODEL",
            description =
                    "A model of the data that the pool is declared and seeded without and that"
                            + " joins its catalog at --change-at (e.g. a cheaper one).")
    String newModel;

    private Map<String, Double> priceChange = Map.of();

    @Option(
            names = "--window",
            defaultValue = "500",
            description = "Trailing window of the spend, in queries. Default: ${DEFAULT-VALUE}.")
    int window;

    @Option(
            names = "--warmup",
            defaultValue = "500",
            description = "Queries before the windows count. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(
            names = "--tolerance",
            defaultValue = "0.05",
            description =
                    "Spend within this share of the budget is on target. Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Option(
            names = "--step",
            description =
                    "The pacer's step (budget.step). Default: " + SpendSettings.DEFAULT_STEP + ".")
    double step = SpendSettings.DEFAULT_STEP;

    @Option(
            names = "--forecast",
            arity = "1",
            defaultValue = "true",
            description =
                    "Whether the deciders count each decision's predicted cost at once"
                            + " (budget.forecast). Default: ${DEFAULT-VALUE}.")
    boolean forecast;

    @Option(
            names = "--exploration",
            paramLabel = "SHARE",
            defaultValue = "0",
            description =
                    "The pool's exploration share. Default: ${DEFAULT-VALUE}, so that the spend is"
                            + " the routing's alone and the fixed-λ comparison is like for like.")
    double exploration;

    @Option(
            names = "--rate",
            defaultValue = "20",
            description = "Queries per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--max-seed",
            defaultValue = "1000",
            description = "Seed examples. Default: ${DEFAULT-VALUE}.")
    int maxSeed;

    @Option(names = "--k", defaultValue = "20", description = "Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--http-port",
            defaultValue = "18091",
            description = "Port of the streams app during the runs. Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(
            names = "--out",
            defaultValue = "bench/results/budget",
            description = "Where the report goes. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--name", description = "Report file name (default: the data file's name).")
    String name;

    @Override
    public Integer call() throws Exception {
        PrintStream log = System.out;
        Benchmark bench = BenchmarkFiles.load(data);
        priceChange = priceChanges(priceChangeSpec);
        check(bench);
        TrafficSplit traffic =
                TrafficSplit.byDataset(bench, shiftTo, 0.3, seed)
                        .capped(maxSeed, Integer.MAX_VALUE, Integer.MAX_VALUE, seed);
        String label =
                name != null
                        ? name
                        : Path.of(data).getFileName().toString().replaceAll("\\.jsonl$", "");
        Path work = Files.createTempDirectory("pointsman-budget");
        BudgetExperiment experiment =
                new BudgetExperiment(
                        new BudgetExperiment.Settings(
                                work,
                                embedding.toConfig(),
                                StreamsChild.locateJar(),
                                httpPort,
                                k,
                                rate,
                                exploration,
                                router.name(),
                                step,
                                forecast,
                                queries,
                                changeAt,
                                priceChange,
                                newModel),
                        log);
        log.printf(
                Locale.ROOT,
                "bench budget %s: %d seed examples, %d queries per run from %d traffic rows, budgets"
                        + " %s USD per 1,000 queries%n",
                label,
                traffic.seed().size(),
                queries,
                traffic.before().size(),
                budgets);
        List<BudgetExperiment.Run> runs = new ArrayList<>();
        try (StopSignal signal = new StopSignal("bench-budget", () -> {})) {
            for (double b : budgets) {
                runs.add(experiment.run(b, bench, traffic, signal.stopping()));
            }
        }
        DemoCommand.wipe(work);
        Files.createDirectories(out);
        String report = report(label, traffic, runs);
        Files.writeString(out.resolve(label + ".md"), report);
        Files.writeString(out.resolve(label + ".json"), json(runs));
        BudgetPlot.write(
                runs,
                window,
                warmup,
                changeAt,
                tolerance,
                "Spend paced to a budget: " + label,
                out.resolve(label + ".png"));
        log.println();
        log.println(report);
        log.printf("written: %s/%s.{md,json,png}%n", out, label);
        return 0;
    }

    private void check(Benchmark bench) {
        if (bench.rows().isEmpty() || bench.rows().get(0).costs() == null) {
            throw new IllegalArgumentException("--data " + data + " has no costs to pace");
        }
        for (double b : budgets) {
            if (!(b > 0 && Double.isFinite(b))) {
                throw new IllegalArgumentException("--budgets must be > 0, got " + b);
            }
        }
        for (var e : priceChange.entrySet()) {
            if (!bench.models().contains(e.getKey())) {
                throw new IllegalArgumentException(
                        "--price-change names "
                                + e.getKey()
                                + ", not a model of the data: "
                                + bench.models());
            }
            if (!(e.getValue() > 0)) {
                throw new IllegalArgumentException(
                        "--price-change factor of " + e.getKey() + " must be > 0");
            }
        }
        if (queries <= warmup + window) {
            throw new IllegalArgumentException(
                    "--queries must be more than --warmup + --window, got " + queries);
        }
        if ((shiftTo != null || newModel != null) && changeAt < 0) {
            throw new IllegalArgumentException(
                    "--shift-to and --new-model need a --change-at >= 0");
        }
        if (newModel != null && !bench.models().contains(newModel)) {
            throw new IllegalArgumentException(
                    "--new-model " + newModel + " is not a model of the data: " + bench.models());
        }
        if (changeAt >= queries) {
            throw new IllegalArgumentException("--change-at must be below --queries or -1");
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("--tolerance must be > 0");
        }
        ExplorationOption.check(exploration);
    }

    /** {@code --price-change}: "none", or MODEL=FACTOR pairs separated by commas. */
    static Map<String, Double> priceChanges(String spec) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (spec.isBlank() || spec.equals("none")) {
            return out;
        }
        for (String pair : spec.split(",")) {
            int eq = pair.lastIndexOf('=');
            double factor;
            try {
                factor = eq < 0 ? Double.NaN : Double.parseDouble(pair.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                factor = Double.NaN;
            }
            if (eq <= 0 || !(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException(
                        "--price-change takes MODEL=FACTOR pairs (factor > 0) or none, got '"
                                + pair
                                + "'");
            }
            out.put(pair.substring(0, eq).trim(), factor);
        }
        return out;
    }

    /** What changes at --change-at, for the report. */
    private String change() {
        List<String> parts = new ArrayList<>();
        if (!priceChange.isEmpty()) {
            parts.add("prices ×" + priceChange);
        }
        if (shiftTo != null) {
            parts.add("traffic shifts to " + shiftTo);
        }
        if (newModel != null) {
            parts.add(newModel + " joins the catalog");
        }
        return changeAt < 0 || parts.isEmpty()
                ? "nothing changes"
                : String.join(" and ", parts) + " at query " + changeAt;
    }

    private SpendTracking.Result tracking(BudgetExperiment.Run run) {
        return run.tracking(warmup, window, changeAt, tolerance);
    }

    private String report(String label, TrafficSplit traffic, List<BudgetExperiment.Run> runs) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# bench budget: %s%n%n", label));
        md.append(
                String.format(
                        Locale.ROOT,
                        "%d seed examples; %d queries per run at %.0f/s; router %s, k %d, pacer step"
                                + " %.3f, forecast %s, exploration %.2f; %s. Spend over"
                                + " trailing windows of %d queries, counted after the first %d;"
                                + " on target within ±%.0f%%.%n%n",
                        traffic.seed().size(),
                        queries,
                        rate,
                        router.name(),
                        k,
                        step,
                        forecast,
                        exploration,
                        change(),
                        window,
                        warmup,
                        100 * tolerance));
        md.append(
                "| budget (USD / 1k) | spend after warm-up | windows on target before the change |"
                        + " worst window before | windows on target, whole run | windows over |"
                        + " queries until back on target after the change | queries to recover"
                        + " (every later window on target) | windows on target after the change"
                        + " | quality | best fixed λ at that spend | ratio | alerts |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (BudgetExperiment.Run run : runs) {
            SpendTracking.Result r = tracking(run);
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %.2f | %.3f (%+.1f%%) | %s | %+.1f%% | %.0f%% | %.0f%% | %s | %s | %s |"
                                    + " %.4f | %.4f | %.1f%% | %s |%n",
                            run.budgetPer1k(),
                            1000 * r.meanSpend(),
                            100 * (r.meanSpend() / r.budget() - 1),
                            percent(r.withinBefore()),
                            100 * r.worstBefore(),
                            100 * r.within(),
                            100 * r.over(),
                            recovery(r.backWithin()),
                            recovery(r.toRecover()),
                            percent(r.withinAfter()),
                            r.quality(),
                            r.hindsight(),
                            100 * r.qualityRatio(),
                            run.alerts().stream()
                                    .map(Alert::getKind)
                                    .filter(kind -> kind.startsWith("budget"))
                                    .distinct()
                                    .toList()));
        }
        md.append(
                "\nThe noise floor: the same windows for the best fixed λ in hindsight, one that"
                        + " spends exactly the budget on the queries before the change and one on"
                        + " those after it, routing by the same predictions. It has no transient"
                        + " and no feedback to lag, so what it leaves off target is the spread of"
                        + " the answers' own costs.\n\n");
        md.append(
                "| budget (USD / 1k) | windows on target before the change: pacer / floor |"
                        + " queries until back on target: pacer / floor | queries to recover:"
                        + " pacer / floor | windows on target after the change: pacer / floor |\n");
        md.append("|---|---|---|---|---|\n");
        for (BudgetExperiment.Run run : runs) {
            SpendTracking.Result r = tracking(run);
            SpendTracking.Floor f = r.floor();
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %.2f | %s / %s | %s / %s | %s / %s | %s / %s |%n",
                            run.budgetPer1k(),
                            percent(r.withinBefore()),
                            percent(f.withinBefore()),
                            recovery(r.backWithin()),
                            recovery(f.backWithin()),
                            recovery(r.toRecover()),
                            recovery(f.toRecover()),
                            percent(r.withinAfter()),
                            percent(f.withinAfter())));
        }
        md.append("\n![spend against budget](").append(label).append(".png)\n");
        return md.toString();
    }

    private String recovery(int queries) {
        return changeAt < 0
                ? "no change"
                : queries < 0 ? "not within the run" : Integer.toString(queries);
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    private String json(List<BudgetExperiment.Run> runs) throws java.io.IOException {
        List<Map<String, Object>> all = new ArrayList<>();
        for (BudgetExperiment.Run run : runs) {
            SpendTracking.Result r = tracking(run);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("budget_per_1k", run.budgetPer1k());
            o.put("spend_per_1k_after_warmup", 1000 * r.meanSpend());
            o.put("windows_on_target_before_change", r.withinBefore());
            o.put("worst_window_before_change", r.worstBefore());
            o.put("windows_on_target", r.within());
            o.put("windows_over", r.over());
            o.put("queries_to_back_within", r.backWithin());
            o.put("queries_to_recover", r.toRecover());
            o.put("windows_on_target_after_change", r.withinAfter());
            o.put("floor_windows_on_target_before_change", r.floor().withinBefore());
            o.put("floor_queries_to_back_within", r.floor().backWithin());
            o.put("floor_queries_to_recover", r.floor().toRecover());
            o.put("floor_windows_on_target_after_change", r.floor().withinAfter());
            o.put("quality", r.quality());
            o.put("hindsight_quality", r.hindsight());
            o.put("quality_ratio", r.qualityRatio());
            o.put("paid", run.paid());
            o.put("lambda", run.lambdas());
            all.add(o);
        }
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(all);
    }
}

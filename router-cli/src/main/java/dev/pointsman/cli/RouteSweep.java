package dev.pointsman.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pointsman.cli.bench.RouteBenchmark;
import dev.pointsman.core.eval.SeedStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code bench route --sweep SETTING=V1,V2,...}: which setting varies over which values, and the
 * files a sweep writes: every run's record as JSON, a Markdown table of each value's mean ± std
 * over the rounds, and plots of decisions/s and of the latency percentiles against the value.
 */
record RouteSweep(String axis, List<String> values, int rounds) {
    /** The settings a sweep can vary, as {@code --sweep} names them. */
    static final String AXES =
            "support, models, pools, parallelism, shards, replicas, deciders, k, search-batch, load";

    RouteSweep {
        values = List.copyOf(values);
    }

    /** Reads {@code --sweep}; fails naming the option. */
    static RouteSweep parse(String spec, int rounds) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException(
                    "--sweep takes SETTING=V1,V2,..., got '" + spec + "'");
        }
        String axis = spec.substring(0, eq).trim();
        if (!List.of(AXES.split(", ")).contains(axis)) {
            throw new IllegalArgumentException(
                    "--sweep: unknown setting '" + axis + "'; one of " + AXES);
        }
        List<String> values = new ArrayList<>();
        for (String v : spec.substring(eq + 1).split(",")) {
            String t = v.trim();
            try {
                double d = Double.parseDouble(t);
                if (!(d > 0)) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--sweep: " + axis + " takes positive numbers, got '" + t + "'", e);
            }
            values.add(t);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        }
        return new RouteSweep(axis, values, rounds);
    }

    /**
     * The values in the order round {@code round} runs them: forward in even rounds, backward in
     * odd ones. Every run of a sweep shares one JVM, whose JIT keeps compiling across runs (later
     * runs were up to 40% faster on the 2-core VM), so a fixed order would favour the last value.
     */
    List<String> order(int round) {
        if (round % 2 == 0) {
            return values;
        }
        List<String> backward = new ArrayList<>(values);
        java.util.Collections.reverse(backward);
        return backward;
    }

    /** One value's runs, in round order. */
    private List<RouteBenchmark.Result> runs(List<Map<String, Object>> rows, String value) {
        List<RouteBenchmark.Result> runs = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (value.equals(row.get("value"))) {
                runs.add((RouteBenchmark.Result) row.get("result"));
            }
        }
        return runs;
    }

    private static double[] each(
            List<RouteBenchmark.Result> runs, ToDoubleFunction<RouteBenchmark.Result> field) {
        return runs.stream().mapToDouble(field).toArray();
    }

    private static String cell(double[] v, String format) {
        String mean = String.format(Locale.ROOT, format, SeedStats.mean(v));
        return v.length < 2
                ? mean
                : mean + " ± " + String.format(Locale.ROOT, format, SeedStats.std(v));
    }

    /** The Markdown table: one row per value, mean ± std over the rounds. */
    String table(List<Map<String, Object>> rows) {
        StringBuilder md = new StringBuilder();
        md.append("| ")
                .append(axis)
                .append(
                        " | decisions/s | offered/s | p50 ms | p99 ms | p99.9 ms | committed p99"
                                + " ms |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (String value : values) {
            List<RouteBenchmark.Result> runs = runs(rows, value);
            md.append("| ")
                    .append(value)
                    .append(" | ")
                    .append(cell(each(runs, RouteBenchmark.Result::decisionsPerSecond), "%.1f"))
                    .append(" | ")
                    .append(cell(each(runs, RouteBenchmark.Result::offeredPerSecond), "%.1f"))
                    .append(" | ")
                    .append(cell(each(runs, RouteBenchmark.Result::p50Ms), "%.1f"))
                    .append(" | ")
                    .append(cell(each(runs, RouteBenchmark.Result::p99Ms), "%.1f"))
                    .append(" | ")
                    .append(cell(each(runs, RouteBenchmark.Result::p999Ms), "%.1f"))
                    .append(" | ")
                    .append(cell(each(runs, RouteBenchmark.Result::committedP99Ms), "%.1f"))
                    .append(" |\n");
        }
        return md.toString();
    }

    /**
     * Writes {@code name}.json, .md, .png and -latency.png under {@code dir}; {@code args} are the
     * command line after {@code pointsman}, for the table's caption.
     */
    void write(List<Map<String, Object>> rows, Path dir, String name, String args)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("axis", axis);
        root.put("values", values);
        root.put("rounds", rounds);
        root.put("command", "bin/pointsman " + args);
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("java", System.getProperty("java.version"));
        root.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        root.put("runs", rows);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve(name + ".json").toFile(), root);
        Files.writeString(
                dir.resolve(name + ".md"),
                "`bin/pointsman "
                        + args
                        + "` ("
                        + Runtime.getRuntime().availableProcessors()
                        + " cores; mean ± std over the rounds)\n\n"
                        + table(rows));
        double lo = values.stream().mapToDouble(Double::parseDouble).min().orElse(1);
        double hi = values.stream().mapToDouble(Double::parseDouble).max().orElse(1);
        boolean logX = hi >= 10 * lo;
        List<LinePlot.Point> throughput = new ArrayList<>();
        List<LinePlot.Point> latency = new ArrayList<>();
        for (String value : values) {
            double x = Double.parseDouble(value);
            List<RouteBenchmark.Result> runs = runs(rows, value);
            throughput.add(
                    point("decisions/s", x, each(runs, RouteBenchmark.Result::decisionsPerSecond)));
            latency.add(point("p50", x, each(runs, RouteBenchmark.Result::p50Ms)));
            latency.add(point("p99", x, each(runs, RouteBenchmark.Result::p99Ms)));
            latency.add(point("p99.9", x, each(runs, RouteBenchmark.Result::p999Ms)));
            latency.add(
                    point("committed p99", x, each(runs, RouteBenchmark.Result::committedP99Ms)));
        }
        LinePlot.write(
                throughput,
                "bench route: decisions/s at saturation against " + axis,
                axis,
                "decisions/s",
                "%.0f",
                logX,
                dir.resolve(name + ".png"));
        LinePlot.write(
                latency,
                "bench route: query → decision visible, at --load × saturation, against " + axis,
                axis,
                "ms",
                "%.0f",
                logX,
                dir.resolve(name + "-latency.png"));
    }

    private static LinePlot.Point point(String series, double x, double[] v) {
        return new LinePlot.Point(series, x, SeedStats.mean(v), SeedStats.std(v));
    }
}

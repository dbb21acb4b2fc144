package dev.pointsman.cli;

import dev.pointsman.core.eval.EvalReport;
import dev.pointsman.core.eval.EvalReport.DatasetResult;
import dev.pointsman.core.eval.SeedStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Formats a report like Table 2 of arXiv 2505.12601: rows are routers and the reference rows,
 * columns are test sets plus their average, cells are mean ± std over seeds.
 */
final class ResultTable {
    private ResultTable() {}

    /** The quality table (Pareto-AUC or accuracy). */
    static String quality(EvalReport report) {
        return render(report, r -> r.quality());
    }

    /** Lift over the global-trend row. */
    static String lift(EvalReport report) {
        return render(report, r -> r.lift());
    }

    private static String render(
            EvalReport report, Function<EvalReport.RowResult, double[]> values) {
        Map<String, List<DatasetResult>> groups = summaryGroups(report);
        List<String> header = new ArrayList<>();
        header.add("router");
        for (DatasetResult d : report.datasets().values()) {
            header.add(
                    d.split() == null || d.split().equals("test")
                            ? d.name()
                            : d.name() + " (" + d.split() + ")");
        }
        header.addAll(groups.keySet());
        boolean drop = groups.containsKey("test mean") && groups.containsKey("ood mean");
        if (drop) {
            header.add("drop (test − ood)");
        }
        List<List<String>> cells = new ArrayList<>();
        for (String row : report.rows()) {
            List<String> line = new ArrayList<>();
            line.add(row);
            for (DatasetResult d : report.datasets().values()) {
                line.add(cell(values.apply(d.rows().get(row))));
            }
            for (List<DatasetResult> group : groups.values()) {
                line.add(cell(average(group, row, values)));
            }
            if (drop) {
                double[] test = average(groups.get("test mean"), row, values);
                double[] ood = average(groups.get("ood mean"), row, values);
                double[] diff = new double[test.length];
                for (int seed = 0; seed < diff.length; seed++) {
                    diff[seed] = test[seed] - ood[seed];
                }
                line.add(cell(diff));
            }
            cells.add(line);
        }
        return layout(header, cells);
    }

    /**
     * Average columns: "mean" over all test sets, or "test mean" and "ood mean" with fixed splits.
     */
    static Map<String, List<DatasetResult>> summaryGroups(EvalReport report) {
        Map<String, List<DatasetResult>> groups = new LinkedHashMap<>();
        if (report.datasets().size() < 2) {
            return groups;
        }
        for (DatasetResult d : report.datasets().values()) {
            String key = d.split() == null ? "mean" : d.split() + " mean";
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(d);
        }
        return groups;
    }

    /** Per seed, the mean over the group's test sets. */
    static double[] average(
            List<DatasetResult> group,
            String row,
            Function<EvalReport.RowResult, double[]> values) {
        double[] sum = null;
        for (DatasetResult d : group) {
            double[] v = values.apply(d.rows().get(row));
            if (sum == null) {
                sum = new double[v.length];
            }
            for (int s = 0; s < v.length; s++) {
                sum[s] += v[s] / group.size();
            }
        }
        return sum;
    }

    static String cell(double[] perSeed) {
        return String.format("%.2f ± %.2f", SeedStats.mean(perSeed), SeedStats.std(perSeed));
    }

    private static String layout(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int c = 0; c < header.size(); c++) {
            width[c] = header.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, header, width);
        List<String> rule = new ArrayList<>();
        for (int w : width) {
            rule.add("-".repeat(w));
        }
        appendRow(sb, rule, width);
        for (List<String> row : rows) {
            appendRow(sb, row, width);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> row, int[] width) {
        for (int c = 0; c < row.size(); c++) {
            String v = row.get(c);
            if (c == 0) {
                sb.append(v).append(" ".repeat(width[c] - v.length()));
            } else {
                sb.append("  ").append(" ".repeat(width[c] - v.length())).append(v);
            }
        }
        sb.append('\n');
    }
}

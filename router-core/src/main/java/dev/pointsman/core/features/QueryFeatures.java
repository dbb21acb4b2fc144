package dev.pointsman.core.features;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cheap features of a prompt's text that an embedding of its last 128 tokens may miss: how long it
 * is, and whether it looks like code or like arithmetic. Fixed functions of the text, so a query is
 * described the same way offline and live.
 */
public final class QueryFeatures {
    /** The features' names, in the order {@link #of} writes them. */
    public static final List<String> NAMES =
            List.of(
                    "log-chars",
                    "log-lines",
                    "digit-share",
                    "symbol-share",
                    "upper-share",
                    "code-markers",
                    "math-markers",
                    "question-mark");

    private static final Pattern CODE =
            Pattern.compile(
                    "```|\\bdef |\\breturn\\b|\\bimport |\\bclass |\\bfunction\\b|=>|;\\s*$|[{}]"
                            + "|\\bprint\\(|\\bassert ",
                    Pattern.MULTILINE);
    private static final Pattern MATH =
            Pattern.compile(
                    "\\d\\s*[-+*/×÷^=]\\s*\\d|\\\\frac|\\\\sqrt|\\$[^$]+\\$|\\bhow many\\b"
                            + "|\\bcalculate\\b|\\bsolve\\b|\\bsum of\\b|\\bpercent",
                    Pattern.CASE_INSENSITIVE);

    private QueryFeatures() {}

    /** The features of {@code prompt}, {@link #NAMES} in order. */
    public static double[] of(String prompt) {
        int n = prompt.length();
        int digits = 0;
        int symbols = 0;
        int upper = 0;
        int lines = 1;
        for (int i = 0; i < n; i++) {
            char c = prompt.charAt(i);
            if (Character.isDigit(c)) {
                digits++;
            } else if (Character.isUpperCase(c)) {
                upper++;
            } else if (c == '\n') {
                lines++;
            } else if (!Character.isLetterOrDigit(c) && !Character.isWhitespace(c)) {
                symbols++;
            }
        }
        double share = Math.max(1, n);
        return new double[] {
            Math.log1p(n),
            Math.log(lines),
            digits / share,
            symbols / share,
            upper / share,
            Math.log1p(count(CODE.matcher(prompt))),
            Math.log1p(count(MATH.matcher(prompt.toLowerCase(Locale.ROOT)))),
            prompt.indexOf('?') >= 0 ? 1 : 0
        };
    }

    private static int count(Matcher m) {
        int found = 0;
        while (m.find()) {
            found++;
        }
        return found;
    }

    /**
     * The features of every prompt, each column standardised to mean 0 and standard deviation 1
     * over {@code prompts} (a column that never varies stays 0). Label-free, so it may see every
     * prompt of a benchmark.
     */
    public static double[][] standardised(List<String> prompts) {
        int d = NAMES.size();
        double[][] rows = new double[prompts.size()][];
        double[] mean = new double[d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = of(prompts.get(i));
            for (int j = 0; j < d; j++) {
                mean[j] += rows[i][j] / rows.length;
            }
        }
        double[] sd = new double[d];
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / rows.length;
            }
        }
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                row[j] = sd[j] > 0 ? (row[j] - mean[j]) / Math.sqrt(sd[j]) : 0;
            }
        }
        return rows;
    }
}

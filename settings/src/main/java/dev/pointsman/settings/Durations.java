package dev.pointsman.settings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them on every command line and in every settings file: {@code 250ms},
 * {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, or ISO-8601 such as {@code PT1M}.
 */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    /**
     * @param option the option or key the text was given for, named in the error
     */
    public static Duration parse(String option, String text) {
        String t = text.trim();
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    option
                            + " must be a duration like 250ms, 30s, 5m, 2h or PT1M, got '"
                            + text
                            + "'");
        }
    }

    /** The shortest of the forms {@link #parse} reads that says {@code d} exactly. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (d.getNano() % 1_000_000 != 0 || ms < 0) {
            return d.toString();
        }
        if (ms == 0) {
            return "0s";
        }
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        throw new AssertionError("every whole millisecond count divides by 1");
    }
}

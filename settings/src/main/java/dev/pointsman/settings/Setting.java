package dev.pointsman.settings;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * One typed setting: its name (the command-line option without its dashes, and the key in a
 * settings file), its default, what it does, and the rule a value must keep. A value that breaks
 * the rule, or text that is not a value of the type, fails at start-up with an error that names the
 * option the user typed ({@code --shards must be > 0, got 0}).
 *
 * @param defaultValue null where the setting has none: it must then be given, unless {@code
 *     optional}
 * @param optional whether the setting may be left unset (null)
 * @param parser reads the typed text; its errors name the option
 */
public record Setting<T>(
        String name,
        @Nullable T defaultValue,
        boolean optional,
        String description,
        Function<String, T> parser,
        Predicate<T> valid,
        String rule) {

    public Setting {
        if (name == null || name.isBlank() || name.startsWith("-")) {
            throw new IllegalArgumentException("a setting's name is a bare word, got " + name);
        }
    }

    /** An integer setting of at least {@code min}. */
    public static Setting<Integer> integer(
            String name, int defaultValue, String description, int min) {
        return integer(name, defaultValue, description, min, Integer.MAX_VALUE);
    }

    /** An integer setting in [{@code min}, {@code max}]. */
    public static Setting<Integer> integer(
            String name, int defaultValue, String description, int min, int max) {
        String rule =
                max < Integer.MAX_VALUE
                        ? "must be in [" + min + ", " + max + "]"
                        : min == 1 ? "must be > 0" : "must be >= " + min;
        Predicate<Integer> valid = v -> v >= min && v <= max;
        return new Setting<>(name, defaultValue, false, description, integers(name), valid, rule);
    }

    /** An integer setting in [{@code min}, {@code max}] that may be left unset. */
    public static Setting<Integer> optionalInteger(
            String name, String description, int min, int max) {
        Setting<Integer> set = integer(name, min, description, min, max);
        return new Setting<>(name, null, true, description, set.parser, set.valid, set.rule);
    }

    /** A number setting that keeps {@code valid}, described by {@code rule}. */
    public static Setting<Double> number(
            String name,
            double defaultValue,
            String description,
            Predicate<Double> valid,
            String rule) {
        return new Setting<>(name, defaultValue, false, description, numbers(name), valid, rule);
    }

    /**
     * A duration setting longer than zero and at least {@code min}, written {@code 250ms}, {@code
     * 30s}, {@code 5m} (see {@link Durations}).
     */
    public static Setting<Duration> duration(
            String name, Duration defaultValue, String description, Duration min) {
        String rule = min.isZero() ? "must be > 0" : "must be at least " + Durations.format(min);
        Predicate<Duration> valid = d -> d.compareTo(min) >= 0 && !d.isZero();
        return new Setting<>(name, defaultValue, false, description, durations(name), valid, rule);
    }

    /** A duration setting that may be zero. */
    public static Setting<Duration> nonNegativeDuration(
            String name, Duration defaultValue, String description) {
        Predicate<Duration> valid = d -> !d.isNegative();
        return new Setting<>(
                name, defaultValue, false, description, durations(name), valid, "must be >= 0");
    }

    private static Function<String, Integer> integers(String name) {
        return parsing(name, "an integer", Integer::valueOf);
    }

    private static Function<String, Double> numbers(String name) {
        return parsing(name, "a number", Double::valueOf);
    }

    /** {@code parse}, with its failure reported as the option and what it must be. */
    private static <T> Function<String, T> parsing(
            String name, String kind, Function<String, T> parse) {
        return text -> {
            try {
                return parse.apply(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--" + name + " must be " + kind + ", got '" + text + "'");
            }
        };
    }

    private static Function<String, Duration> durations(String name) {
        return text -> Durations.parse("--" + name, text);
    }

    /** A text setting that must not be blank; {@code defaultValue} null makes it required. */
    public static Setting<String> text(
            String name, @Nullable String defaultValue, String description) {
        return new Setting<>(
                name, defaultValue, false, description, t -> t, t -> !t.isBlank(), "must be set");
    }

    /** A text setting that may be left unset. */
    public static Setting<String> optionalText(String name, String description) {
        return new Setting<>(
                name, null, true, description, t -> t, t -> !t.isBlank(), "must not be blank");
    }

    /** The option as typed on a command line. */
    public String option() {
        return "--" + name;
    }

    /** {@code value}, when it keeps the rule; otherwise an error naming the option. */
    public @Nullable T check(@Nullable T value) {
        if (value == null ? !optional : !valid.test(value)) {
            throw new IllegalArgumentException(
                    option()
                            + " "
                            + (value == null ? "must be set" : rule + ", got " + show(value)));
        }
        return value;
    }

    /** Reads {@code text} as typed for this setting, and checks it. */
    public T parse(String text) {
        return check(parser.apply(text.trim()));
    }

    /** The default as a user would type it ({@code 30s} for a duration), or null. */
    public @Nullable String defaultText() {
        return defaultValue == null ? null : show(defaultValue);
    }

    private static String show(Object value) {
        return value instanceof Duration d ? Durations.format(d) : String.valueOf(value);
    }
}

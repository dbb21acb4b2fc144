package dev.pointsman.core.config;

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
        return new Setting<>(
                name,
                defaultValue,
                false,
                description,
                text -> {
                    try {
                        return Integer.valueOf(text);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "--" + name + " must be an integer, got '" + text + "'");
                    }
                },
                v -> v >= min,
                min == 1 ? "must be > 0" : "must be >= " + min);
    }

    /** An integer setting in [{@code min}, {@code max}] that may be left unset. */
    public static Setting<Integer> optionalInteger(
            String name, String description, int min, int max) {
        return new Setting<>(
                name,
                null,
                true,
                description,
                integer(name, min, description, min).parser(),
                v -> v >= min && v <= max,
                "must be in [" + min + ", " + max + "]");
    }

    /**
     * A duration setting, written {@code 250ms}, {@code 30s}, {@code 5m} (see {@link Durations}).
     */
    public static Setting<Duration> duration(
            String name, Duration defaultValue, String description, Duration min) {
        return new Setting<>(
                name,
                defaultValue,
                false,
                description,
                text -> Durations.parse("--" + name, text),
                d -> d.compareTo(min) >= 0 && !d.isZero(),
                min.isZero() ? "must be > 0" : "must be at least " + Durations.format(min));
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

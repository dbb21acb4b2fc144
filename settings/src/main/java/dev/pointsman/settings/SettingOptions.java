package dev.pointsman.settings;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Command-line options made from {@link Setting}s, so that a setting's name, default, help and rule
 * are written once, where the setting is defined.
 */
public final class SettingOptions {
    private SettingOptions() {}

    /** Adds an option for each of {@code settings} to {@code spec}. */
    public static void add(CommandSpec spec, List<Setting<?>> settings) {
        add(spec, settings, true);
    }

    /**
     * Adds the options, none of them required on the command line: for a command whose modes need
     * only some of them; {@link #value} still fails, naming the option, when one a mode reads is
     * missing.
     */
    public static void addUnenforced(CommandSpec spec, List<Setting<?>> settings) {
        add(spec, settings, false);
    }

    private static void add(CommandSpec spec, List<Setting<?>> settings, boolean enforce) {
        for (Setting<?> s : settings) {
            String help =
                    s.description()
                            + (s.defaultValue() == null ? "" : " Default: ${DEFAULT-VALUE}.");
            spec.addOption(
                    OptionSpec.builder(s.option())
                            .type(String.class)
                            .paramLabel(label(s))
                            .required(enforce && s.defaultValue() == null && !s.optional())
                            .defaultValue(s.defaultText())
                            .description(help)
                            .build());
        }
    }

    /** The value of {@code setting} on the command line {@code spec} parsed, checked. */
    public static <T> T value(CommandSpec spec, Setting<T> setting) {
        String text = spec.findOption(setting.option()).getValue();
        return text == null ? setting.check(null) : setting.parse(text);
    }

    private static String label(Setting<?> s) {
        if (s.defaultValue() instanceof java.time.Duration) {
            return "DURATION";
        }
        return s.defaultValue() instanceof Number ? "N" : "VALUE";
    }
}

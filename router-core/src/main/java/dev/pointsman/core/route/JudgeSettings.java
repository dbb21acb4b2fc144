package dev.pointsman.core.route;

import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A pool's judge, from its catalog's defaults: {@code judge.model}, a model of the catalog with an
 * upstream that grades the gateway's answers, and {@code judge.share}, the share of answers it
 * grades (default 1). Read by the gateway and checked when a catalog is declared.
 *
 * @param model the judge's catalog name
 * @param share the share of answers graded, in [0, 1]
 */
public record JudgeSettings(String model, double share) {
    public static final String MODEL = "judge.model";
    public static final String SHARE = "judge.share";

    /**
     * The pool's judge, or null when its defaults name none.
     *
     * @param models which catalog models exist
     * @param hasUpstream which of them the gateway can send to
     * @throws IllegalArgumentException naming the default at fault
     */
    public static @Nullable JudgeSettings parse(
            String pool,
            Map<String, String> defaults,
            Predicate<String> models,
            Predicate<String> hasUpstream) {
        String name = defaults.get(MODEL);
        if (name == null || name.isBlank()) {
            if (defaults.containsKey(SHARE)) {
                throw new IllegalArgumentException(
                        "catalog of " + pool + ": " + SHARE + " is set without " + MODEL);
            }
            return null;
        }
        if (!models.test(name)) {
            throw new IllegalArgumentException(
                    "catalog of "
                            + pool
                            + ": "
                            + MODEL
                            + " '"
                            + name
                            + "' is not one of its models");
        }
        if (!hasUpstream.test(name)) {
            throw new IllegalArgumentException(
                    "catalog of " + pool + ": " + MODEL + " '" + name + "' has no upstream");
        }
        double share = 1.0;
        String s = defaults.get(SHARE);
        if (s != null) {
            try {
                share = Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                share = Double.NaN;
            }
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException(
                        "catalog of "
                                + pool
                                + ": "
                                + SHARE
                                + " must be in [0, 1], got '"
                                + s
                                + "'");
            }
        }
        return new JudgeSettings(name, share);
    }

    /** Whether the answer of {@code decisionId} is one of the share graded (deterministic). */
    public boolean grades(String decisionId) {
        return Exploration.draw(decisionId + "/judge", share);
    }
}

package dev.pointsman.streams.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** Reads and checks the fields of a JSON request body; a bad field is a 400 naming it. */
public final class Fields {
    private Fields() {}

    public static String requiredText(JsonNode node, String field) throws BadRequest {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new BadRequest(400, "'" + field + "' is required");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new BadRequest(400, "'" + field + "' must be a non-empty string");
        }
        int bad = unpairedSurrogate(v.asText());
        if (bad >= 0) {
            throw new BadRequest(
                    400,
                    "'" + field + "' is not valid Unicode: an unpaired surrogate at index " + bad);
        }
        return v.asText();
    }

    /**
     * The index of the first unpaired UTF-16 surrogate in {@code s} (a JSON escape of half a
     * surrogate pair makes one, and no UTF-8 encoding can carry it), or -1.
     */
    static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    public static double requiredNumber(JsonNode node, String field, double min, double max)
            throws BadRequest {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new BadRequest(400, "'" + field + "' is required");
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new BadRequest(400, "'" + field + "' must be a number");
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            throw new BadRequest(
                    400,
                    "'"
                            + field
                            + "' is "
                            + d
                            + ", outside ["
                            + min
                            + ", "
                            + (max == Double.MAX_VALUE || max == Long.MAX_VALUE ? "∞" : max)
                            + "]");
        }
        return d;
    }

    public static @Nullable Double optionalNumber(
            JsonNode node, String field, double min, double max) throws BadRequest {
        return node.hasNonNull(field) ? requiredNumber(node, field, min, max) : null;
    }
}

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
        return v.asText();
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

package dev.pointsman.streams.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** An HTTP response: status, content type and body. */
record Response(int status, String contentType, byte[] body) {
    static final ObjectMapper JSON = new ObjectMapper();

    static Response json(int status, JsonNode node) {
        try {
            return new Response(status, "application/json", JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"error": reason}} with {@code status}. */
    static Response error(int status, String reason) {
        return json(status, JSON.createObjectNode().put("error", reason));
    }
}

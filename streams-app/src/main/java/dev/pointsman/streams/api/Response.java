package dev.pointsman.streams.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP response: status, content type, extra headers and either a body or a {@link Stream} that
 * writes one of unknown length (sent chunked, e.g. server-sent events).
 */
public record Response(
        int status,
        String contentType,
        byte[] body,
        Map<String, String> headers,
        @Nullable Stream stream) {
    public static final ObjectMapper JSON = new ObjectMapper();

    /** Writes a streamed body; the transport flushes and closes it afterwards. */
    @FunctionalInterface
    public interface Stream {
        void write(OutputStream out) throws IOException;
    }

    public Response {
        headers = Map.copyOf(headers);
    }

    public Response(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of(), null);
    }

    public static Response json(int status, JsonNode node) {
        try {
            return new Response(status, "application/json", JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"error": reason}} with {@code status}. */
    public static Response error(int status, String reason) {
        return json(status, JSON.createObjectNode().put("error", reason));
    }

    /** A body of unknown length that {@code stream} writes. */
    public static Response streamed(int status, String contentType, Stream stream) {
        return new Response(status, contentType, new byte[0], Map.of(), stream);
    }

    /** This response with {@code more} headers added. */
    public Response withHeaders(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(more);
        return new Response(status, contentType, body, all, stream);
    }
}

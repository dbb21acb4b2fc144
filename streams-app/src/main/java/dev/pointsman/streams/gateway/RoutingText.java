package dev.pointsman.streams.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pointsman.streams.api.BadRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The text a completion request is routed by: a chat's message texts in order (the embedder keeps
 * the tail of a long one, so the latest turn counts most), or a completion's prompt.
 */
final class RoutingText {
    /**
     * The most of a request's text that goes into its query: the embedder reads a few hundred
     * tokens of either end (its truncation side), and a query must stay far below Kafka's record
     * limit. A longer text keeps its first and last half of this.
     */
    static final int MAX_CHARS = 16_384;

    private RoutingText() {}

    static String of(JsonNode body, Gateway.Kind kind) throws BadRequest {
        List<String> parts = new ArrayList<>();
        if (kind == Gateway.Kind.CHAT) {
            JsonNode messages = body.get("messages");
            if (messages == null || !messages.isArray() || messages.isEmpty()) {
                throw new BadRequest(400, "'messages' must be a non-empty array");
            }
            for (int i = 0; i < messages.size(); i++) {
                JsonNode m = messages.get(i);
                if (!m.isObject()) {
                    throw new BadRequest(400, "messages[" + i + "] must be an object");
                }
                content(m.get("content"), "messages[" + i + "].content", parts);
            }
        } else {
            JsonNode prompt = body.get("prompt");
            if (prompt == null || prompt.isNull()) {
                throw new BadRequest(400, "'prompt' is required");
            }
            if (prompt.isTextual()) {
                parts.add(prompt.asText());
            } else if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
                parts.add(prompt.get(0).asText());
            } else {
                throw new BadRequest(400, "'prompt' must be a string (one prompt per request)");
            }
        }
        String text = String.join("\n\n", parts).strip();
        if (text.isEmpty()) {
            throw new BadRequest(400, "the request has no text to route by");
        }
        return cut(text);
    }

    /** {@code text}, or its first and last {@link #MAX_CHARS}/2 characters when it is longer. */
    static String cut(String text) {
        if (text.length() <= MAX_CHARS) {
            return text;
        }
        int half = MAX_CHARS / 2;
        int head = half;
        int tail = text.length() - half;
        // Never split a surrogate pair.
        if (Character.isHighSurrogate(text.charAt(head - 1))) {
            head--;
        }
        if (Character.isLowSurrogate(text.charAt(tail))) {
            tail++;
        }
        return text.substring(0, head) + "\n…\n" + text.substring(tail);
    }

    /** A message's content: a string, or an array of parts whose text parts count. */
    private static void content(JsonNode content, String where, List<String> parts)
            throws BadRequest {
        if (content == null || content.isNull()) {
            return; // e.g. an assistant turn that only called tools
        }
        if (content.isTextual()) {
            parts.add(content.asText());
            return;
        }
        if (!content.isArray()) {
            throw new BadRequest(400, where + " must be a string or an array of parts");
        }
        for (JsonNode part : content) {
            if (part.isObject() && "text".equals(part.path("type").asText())) {
                parts.add(part.path("text").asText());
            }
        }
    }
}

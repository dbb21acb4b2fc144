package dev.pointsman.streams.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Copies an upstream's answer to the client byte for byte and reads the token counts from it: the
 * {@code usage} of a JSON completion, or of the server-sent event that carries it in a stream.
 */
final class Relay {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writing to the client failed: it went away, which is not the upstream's fault. */
    static final class ClientGone extends IOException {
        private static final long serialVersionUID = 1L;

        ClientGone(IOException cause) {
            super("the client went away: " + cause.getMessage(), cause);
        }
    }

    /** Tokens an answer used, as its {@code usage} says. */
    record Usage(long promptTokens, long completionTokens) {}

    /** The most characters of an answer's text kept for a judge. */
    static final int MAX_TEXT = 16_384;

    private Relay() {}

    /** The usage of a JSON completion, or null when it has none. */
    static @Nullable Usage ofJson(byte[] body) {
        try {
            return usage(JSON.readTree(body));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The text of a completion (a chat message's content, or a completion's text), or of one
     * streamed event (its delta's content); empty when it has none.
     */
    static String text(JsonNode completion) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode text = choice.path("message").path("content");
        if (!text.isTextual()) {
            text = choice.path("delta").path("content");
        }
        if (!text.isTextual()) {
            text = choice.path("text");
        }
        return text.isTextual() ? text.asText() : "";
    }

    /** The text of a JSON completion; empty when it is not one. */
    static String textOfJson(byte[] body) {
        try {
            return cut(text(JSON.readTree(body)));
        } catch (IOException e) {
            return "";
        }
    }

    private static String cut(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    /**
     * Copies server-sent events from {@code in} to {@code out}, flushing after each event, and
     * returns the last usage an event carried (null: none did); the answer's text, up to {@value
     * #MAX_TEXT} characters, is appended to {@code text}.
     *
     * @param dropUsageOnly whether to leave out an event that carries only usage (no choices): the
     *     one the gateway asked for with {@code stream_options.include_usage} when the client had
     *     not, so that the client sees the stream it asked for
     */
    static @Nullable Usage copyEvents(
            InputStream in, OutputStream out, boolean dropUsageOnly, StringBuilder text)
            throws IOException {
        Usage usage = null;
        List<byte[]> event = new ArrayList<>();
        byte[] line;
        while ((line = readLine(in)) != null) {
            event.add(line);
            if (!blank(line)) {
                continue;
            }
            JsonNode data = data(event);
            if (data != null && text.length() < MAX_TEXT) {
                text.append(text(data));
                text.setLength(Math.min(text.length(), MAX_TEXT));
            }
            Usage found = data == null ? null : usage(data);
            usage = found == null ? usage : found;
            if (!(dropUsageOnly && found != null && usageOnly(event))) {
                send(event, out);
            }
            event.clear();
        }
        send(event, out);
        Usage last = eventUsage(event);
        return last == null ? usage : last;
    }

    private static void send(List<byte[]> lines, OutputStream out) throws ClientGone {
        try {
            for (byte[] l : lines) {
                out.write(l);
            }
            out.flush();
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    /** One line with its terminator, or null at the end of the stream. */
    private static byte @Nullable [] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static boolean blank(byte[] line) {
        for (byte b : line) {
            if (b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static @Nullable Usage eventUsage(List<byte[]> event) {
        JsonNode data = data(event);
        return data == null ? null : usage(data);
    }

    private static boolean usageOnly(List<byte[]> event) {
        JsonNode data = data(event);
        return data != null && (!data.has("choices") || data.get("choices").isEmpty());
    }

    /** The JSON of an event's {@code data:} lines, or null when there is none. */
    private static @Nullable JsonNode data(List<byte[]> event) {
        StringBuilder data = new StringBuilder();
        for (byte[] l : event) {
            String s = new String(l, StandardCharsets.UTF_8).strip();
            if (s.startsWith("data:")) {
                data.append(s.substring(5).strip());
            }
        }
        if (data.length() == 0 || data.charAt(0) != '{') {
            return null;
        }
        try {
            return JSON.readTree(data.toString());
        } catch (IOException e) {
            return null;
        }
    }

    private static @Nullable Usage usage(JsonNode node) {
        JsonNode u = node.get("usage");
        if (u == null || !u.isObject()) {
            return null;
        }
        return new Usage(u.path("prompt_tokens").asLong(0), u.path("completion_tokens").asLong(0));
    }
}

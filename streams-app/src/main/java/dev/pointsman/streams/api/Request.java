package dev.pointsman.streams.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** What a handler reads of an HTTP request: its path, query parameters, headers and JSON body. */
public final class Request {
    /** The largest body read; a larger one is answered 413. */
    public static final int MAX_BODY = 1 << 20;

    /** How much of a body over the limit is read and dropped so that the 413 reaches the client. */
    private static final long DRAIN = 64L << 20;

    private final HttpExchange exchange;

    Request(HttpExchange exchange) {
        this.exchange = exchange;
    }

    public String path() {
        return exchange.getRequestURI().getPath();
    }

    public @Nullable String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The body as JSON; 413 when over {@link #MAX_BODY}, 400 when empty or not JSON. */
    public JsonNode json() throws BadRequest, IOException {
        return json(MAX_BODY);
    }

    /** The body as JSON; 413 when over {@code maxBytes}, 400 when empty or not JSON. */
    public JsonNode json(int maxBytes) throws BadRequest, IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                // Read the rest (up to a bound) before answering: a connection closed with the
                // request unread is reset, and the client would lose the 413 with it.
                // (read, not skip: the server's body stream does not bound skip by its length)
                byte[] sink = new byte[64 << 10];
                long left = DRAIN;
                int read;
                while (left > 0 && (read = in.read(sink)) > 0) {
                    left -= read;
                }
            }
        }
        if (bytes.length > maxBytes) {
            throw new BadRequest(413, "the request body is larger than " + maxBytes + " bytes");
        }
        if (bytes.length == 0) {
            throw new BadRequest(400, "the request body is empty; send JSON");
        }
        try {
            return Response.JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new BadRequest(
                    400, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The query parameter {@code name}, decoded; "" when it has no value, null when absent. */
    public @Nullable String queryParam(String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key =
                    URLDecoder.decode(
                            eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0
                        ? ""
                        : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}

package dev.pointsman.schemas.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an external schema registry (outside the system under test): the two endpoints of
 * the Confluent REST API that the client uses, on loopback.
 */
final class FakeSchemaRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(100);
    final List<String> registeredSubjects = new CopyOnWriteArrayList<>();

    FakeSchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/subjects/", this::register);
        server.createContext("/schemas/ids/", this::byId);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Puts a schema under an id directly, as another producer would have registered it. */
    void put(int id, String schema) {
        schemas.put(id, schema);
        ids.put(schema, id);
    }

    private void register(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/versions")) {
            reply(exchange, 405, Map.of("error_code", 405, "message", "method not allowed"));
            return;
        }
        registeredSubjects.add(path.substring("/subjects/".length(), path.length() - 9));
        String schema = JSON.readTree(exchange.getRequestBody()).path("schema").asText();
        int id = ids.computeIfAbsent(schema, s -> nextId.getAndIncrement());
        schemas.put(id, schema);
        reply(exchange, 200, Map.of("id", id));
    }

    private void byId(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        int id = Integer.parseInt(path.substring("/schemas/ids/".length()));
        String schema = schemas.get(id);
        if (schema == null) {
            reply(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
        } else {
            reply(exchange, 200, Map.of("schema", schema));
        }
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

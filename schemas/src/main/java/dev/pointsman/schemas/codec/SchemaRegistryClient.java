package dev.pointsman.schemas.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A small client for the Confluent Schema Registry REST API (also served by Apicurio's ccompat
 * endpoint, Karapace and Redpanda): registers writer schemas under a subject and fetches schemas by
 * id, caching both, since ids never change. Thread-safe.
 */
public final class SchemaRegistryClient {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Map<String, Integer> registered = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();

    /**
     * @param url base URL of the registry, for example {@code http://localhost:8081}
     */
    public SchemaRegistryClient(String url) {
        URI parsed;
        try {
            parsed = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schema-registry: not a URL: " + url, e);
        }
        if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())) {
            throw new IllegalArgumentException(
                    "schema-registry: expected an http(s) URL, got " + url);
        }
        this.base = parsed;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI url() {
        return base;
    }

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    public int register(String subject, Schema schema) {
        String key = subject + '\n' + schema.toString();
        Integer cached = registered.get(key);
        if (cached != null) {
            return cached;
        }
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode reply =
                send(
                        HttpRequest.newBuilder(
                                        base.resolve(
                                                "subjects/"
                                                        + URLEncoder.encode(
                                                                subject, StandardCharsets.UTF_8)
                                                        + "/versions"))
                                .header("Content-Type", CONTENT_TYPE)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        "registering " + subject);
        int id = reply.path("id").asInt(-1);
        if (id < 0) {
            throw new IllegalStateException(
                    "schema registry " + base + " answered without an id: " + reply);
        }
        registered.put(key, id);
        byId.putIfAbsent(id, schema);
        return id;
    }

    /**
     * The schema with global id {@code id}.
     *
     * @throws UndecodableRecordException if the registry does not know the id
     */
    public Schema schema(int id) throws UndecodableRecordException {
        Schema cached = byId.get(id);
        if (cached != null) {
            return cached;
        }
        HttpRequest request =
                HttpRequest.newBuilder(base.resolve("schemas/ids/" + id))
                        .header("Accept", CONTENT_TYPE)
                        .GET()
                        .build();
        HttpResponse<String> response = exchange(request, "fetching schema " + id);
        if (response.statusCode() == 404) {
            throw new UndecodableRecordException(
                    "schema id " + id + " is unknown to the registry at " + base, null);
        }
        JsonNode reply = parse(response, "fetching schema " + id);
        Schema schema;
        try {
            schema = new Schema.Parser().parse(reply.path("schema").asText());
        } catch (RuntimeException e) {
            throw new UndecodableRecordException(
                    "schema id " + id + " is not an Avro schema: " + e.getMessage(), e);
        }
        byId.putIfAbsent(id, schema);
        return schema;
    }

    private JsonNode send(HttpRequest request, String what) {
        return parse(exchange(request, what), what);
    }

    private HttpResponse<String> exchange(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "schema registry " + base + " unreachable while " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        }
    }

    private JsonNode parse(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    "schema registry "
                            + base
                            + " refused "
                            + what
                            + ": HTTP "
                            + response.statusCode()
                            + " "
                            + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "schema registry " + base + " sent no JSON while " + what, e);
        }
    }
}

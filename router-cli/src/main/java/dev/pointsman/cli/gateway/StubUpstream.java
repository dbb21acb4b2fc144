package dev.pointsman.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Upstream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * A stand-in for the LLM endpoints behind the gateway (something outside Pointsman): an
 * OpenAI-compatible server on loopback that answers {@code POST /v1/chat/completions} and {@code
 * /v1/completions} for any model after a set delay, as JSON or as server-sent events, with {@code
 * usage}. A model can be told to fail. For tests and {@code pointsman bench gateway}.
 */
public final class StubUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The words of every answer; a streamed answer sends one per event. */
    public static final List<String> WORDS = List.of("routed", "by", "pointsman");

    /** One request the stub took: the model it named, whether it streamed, its bearer token. */
    public record Received(String model, boolean stream, String authorization) {}

    private final HttpServer server;
    private final ExecutorService pool;
    private final Duration delay;
    private final Map<String, Integer> failing = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, String> replies = new ConcurrentHashMap<>();

    /**
     * @param delay how long each answer waits before its first byte (and between streamed words)
     */
    public StubUpstream(Duration delay) throws IOException {
        this.delay = delay;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        pool =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "stub-upstream");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(pool);
        server.createContext("/v1/chat/completions", e -> answer(e, true));
        server.createContext("/v1/completions", e -> answer(e, false));
        server.start();
    }

    /** The base URL a catalog's upstream names: {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /**
     * {@code catalog} with every model's upstream set to this stub, under the upstream model id
     * {@code upstreamModel} gives it.
     */
    public PoolCatalog answering(PoolCatalog catalog, UnaryOperator<String> upstreamModel) {
        List<CatalogModel> models = new ArrayList<>();
        for (CatalogModel m : catalog.getModels()) {
            models.add(
                    CatalogModel.newBuilder(m)
                            .setUpstream(
                                    Upstream.newBuilder()
                                            .setBaseUrl(baseUrl())
                                            .setModel(upstreamModel.apply(m.getName()))
                                            .build())
                            .build());
        }
        return PoolCatalog.newBuilder(catalog).setModels(models).build();
    }

    /** From now on, requests for {@code model} are answered with HTTP {@code status}. */
    public void fail(String model, int status) {
        failing.put(model, status);
    }

    /** From now on, {@code model} answers every request with {@code text} (a judge's grade). */
    public void reply(String model, String text) {
        replies.put(model, text);
    }

    public void heal(String model) {
        failing.remove(model);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The answer's text, as the stub writes it for {@code model}. */
    public static String text(String model) {
        return String.join(" ", WORDS) + " to " + model;
    }

    private void answer(HttpExchange exchange, boolean chat) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String model = body.path("model").asText();
            boolean stream = body.path("stream").asBoolean(false);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            received.add(new Received(model, stream, auth == null ? "" : auth));
            sleep(delay);
            Integer status = failing.get(model);
            if (status != null) {
                byte[] error =
                        ("{\"error\":{\"message\":\"stub: " + model + " is failing\"}}")
                                .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, error.length);
                exchange.getResponseBody().write(error);
                return;
            }
            String said = replies.getOrDefault(model, text(model));
            int promptTokens = body.toString().length() / 4;
            int completionTokens = WORDS.size() + 2;
            if (!stream) {
                ObjectNode out = completion(model, chat);
                ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
                if (chat) {
                    choice.putObject("message").put("role", "assistant").put("content", said);
                } else {
                    choice.put("text", said);
                }
                choice.put("finish_reason", "stop");
                usage(out, promptTokens, completionTokens);
                byte[] bytes = JSON.writeValueAsBytes(out);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            String[] pieces = said.split("(?<= )");
            for (String piece : pieces) {
                ObjectNode chunk = completion(model, chat);
                if (chat) {
                    chunk.put("object", "chat.completion.chunk");
                }
                ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                if (chat) {
                    choice.putObject("delta").put("content", piece);
                } else {
                    choice.put("text", piece);
                }
                choice.putNull("finish_reason");
                event(out, chunk);
                sleep(delay.dividedBy(Math.max(1, pieces.length)));
            }
            if (body.path("stream_options").path("include_usage").asBoolean(false)) {
                ObjectNode last = completion(model, chat);
                if (chat) {
                    last.put("object", "chat.completion.chunk");
                }
                last.putArray("choices");
                usage(last, promptTokens, completionTokens);
                event(out, last);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static ObjectNode completion(String model, boolean chat) {
        return JSON.createObjectNode()
                .put("id", "stub-" + System.nanoTime())
                .put("object", chat ? "chat.completion" : "text_completion")
                .put("created", 0)
                .put("model", model);
    }

    private static void usage(ObjectNode out, int prompt, int completion) {
        out.putObject("usage")
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        out.write(
                ("data: " + JSON.writeValueAsString(data) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}

package dev.pointsman.streams.gateway;

import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI-compatible upstreams of the catalog's models: one HTTP client, and per model a limit
 * on requests in flight and a timeout on the start of its answer.
 */
final class Upstreams {
    /** How much of a failed upstream's body its failure reason quotes. */
    private static final int REASON_CHARS = 300;

    /** A model that could not take the request. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        /** Whether the model failed (an error or a timeout), rather than being busy or unset. */
        final boolean failed;

        Unavailable(boolean failed, String reason) {
            super(reason);
            this.failed = failed;
        }
    }

    /**
     * An upstream's answer: its status and body, and the permit to give back once the body is read.
     */
    static final class Call implements AutoCloseable {
        final HttpResponse<InputStream> response;
        private final Semaphore permits;
        private boolean closed;

        Call(HttpResponse<InputStream> response, Semaphore permits) {
            this.response = response;
            this.permits = permits;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                permits.release();
                try {
                    response.body().close();
                } catch (IOException e) {
                    // the body is done with either way
                }
            }
        }
    }

    private final HttpClient client;
    private final GatewaySettings settings;
    private final Function<String, @Nullable String> env;
    private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();

    /**
     * @param env reads the environment variables that hold the upstreams' keys
     */
    Upstreams(GatewaySettings settings, Function<String, @Nullable String> env) {
        this.settings = settings;
        this.env = env;
        this.client =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
    }

    /**
     * Sends {@code body} to the model's upstream at {@code path} (e.g. {@code /chat/completions})
     * and returns once the answer starts: a 2xx, or a 4xx other than 429 (the request's own fault,
     * which no other model would take either). Throws {@link Unavailable} otherwise.
     */
    Call send(String pool, CatalogModel model, String path, byte[] body)
            throws Unavailable, InterruptedException {
        Upstream up = model.getUpstream();
        if (up == null) {
            throw new Unavailable(false, "has no upstream in the catalog");
        }
        URI uri = uri(up.getBaseUrl(), path); // before the permit: a bad URL must not hold one
        String key = null;
        if (up.getApiKeyEnv() != null) {
            key = env.apply(up.getApiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new Unavailable(
                        false,
                        "its key's environment variable "
                                + up.getApiKeyEnv()
                                + " is not set in the gateway's process");
            }
        }
        int limit =
                up.getMaxConcurrent() == null ? settings.maxConcurrent() : up.getMaxConcurrent();
        Semaphore free =
                // Keyed with the limit too, so that a catalog that changes it takes effect.
                permits.computeIfAbsent(
                        pool + "\u0000" + model.getName() + "\u0000" + limit,
                        k -> new Semaphore(limit));
        if (!free.tryAcquire()) {
            throw new Unavailable(false, "is busy (" + limit + " requests in flight)");
        }
        Duration timeout =
                up.getTimeoutMs() == null
                        ? settings.upstreamTimeout()
                        : Duration.ofMillis(up.getTimeoutMs());
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        // Plain HTTP/1.1 to a cleartext upstream: some servers mishandle the h2c
                        // upgrade the client would otherwise offer; TLS negotiates HTTP/2 itself.
                        .version(
                                uri.getScheme().equals("http")
                                        ? HttpClient.Version.HTTP_1_1
                                        : HttpClient.Version.HTTP_2)
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            free.release();
            throw new Unavailable(true, "did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException | IllegalArgumentException e) {
            free.release();
            throw new Unavailable(true, "could not be reached: " + e);
        } catch (InterruptedException e) {
            free.release();
            throw e;
        }
        int status = response.statusCode();
        Call call = new Call(response, free);
        if (status < 400 || (status < 500 && status != 429)) {
            return call;
        }
        String reason;
        try (call) {
            byte[] start = response.body().readNBytes(REASON_CHARS);
            reason = new String(start, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        } catch (IOException e) {
            reason = e.toString();
        }
        throw new Unavailable(status != 429, "answered HTTP " + status + ": " + reason);
    }

    private static URI uri(String baseUrl, String path) throws Unavailable {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        try {
            URI uri = URI.create(base + path);
            if (uri.getScheme() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new Unavailable(false, "has an upstream URL that is not http(s): " + baseUrl);
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new Unavailable(false, "has an invalid upstream URL: " + baseUrl);
        }
    }
}

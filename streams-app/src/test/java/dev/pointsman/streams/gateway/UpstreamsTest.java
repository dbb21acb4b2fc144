package dev.pointsman.streams.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.Upstream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The upstream client against a local HTTP server that answers by the model named in the path. */
class UpstreamsTest {
    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext(
                "/",
                e -> {
                    String path = e.getRequestURI().getPath();
                    authorizations.add(
                            String.valueOf(e.getRequestHeaders().getFirst("Authorization")));
                    int status =
                            path.startsWith("/fail")
                                    ? 503
                                    : path.startsWith("/limit")
                                            ? 429
                                            : path.startsWith("/bad") ? 400 : 200;
                    if (path.startsWith("/slow")) {
                        try {
                            release.await();
                        } catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    byte[] body = ("answer from " + path).getBytes(StandardCharsets.UTF_8);
                    e.sendResponseHeaders(status, body.length);
                    e.getResponseBody().write(body);
                    e.close();
                });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private CatalogModel model(String base, String keyEnv, Long timeoutMs, Integer maxConcurrent) {
        return CatalogModel.newBuilder()
                .setName("m")
                .setInputPrice(0)
                .setOutputPrice(0)
                .setUpstream(
                        Upstream.newBuilder()
                                .setBaseUrl(
                                        "http://127.0.0.1:" + server.getAddress().getPort() + base)
                                .setApiKeyEnv(keyEnv)
                                .setTimeoutMs(timeoutMs)
                                .setMaxConcurrent(maxConcurrent)
                                .build())
                .build();
    }

    private final Upstreams upstreams =
            new Upstreams(
                    new GatewaySettings(Duration.ofSeconds(5), 8, Duration.ofMinutes(1), 10),
                    Map.of("KEY_A", "secret-a")::get);

    private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theKeyComesFromTheNamedVariableAndA2xxIsReturned() throws Exception {
        try (Upstreams.Call call =
                upstreams.send(
                        "p", model("/ok/v1", "KEY_A", null, null), "/chat/completions", BODY)) {
            assertThat(call.response.statusCode()).isEqualTo(200);
            assertThat(new String(call.response.body().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("answer from /ok/v1/chat/completions");
        }
        assertThat(authorizations).containsExactly("Bearer secret-a");
    }

    @Test
    void aMissingKeyIsNotTheModelsFault() {
        assertThatThrownBy(() -> upstreams.send("p", model("/ok", "KEY_B", null, null), "/x", BODY))
                .isInstanceOfSatisfying(
                        Upstreams.Unavailable.class, e -> assertThat(e.failed).isFalse())
                .hasMessageContaining("KEY_B is not set");
        assertThat(authorizations).isEmpty();
    }

    @Test
    void a5xxIsAFailureA429IsNotAndA4xxGoesBackToTheClient() throws Exception {
        assertThatThrownBy(() -> upstreams.send("p", model("/fail", null, null, null), "/x", BODY))
                .isInstanceOfSatisfying(
                        Upstreams.Unavailable.class, e -> assertThat(e.failed).isTrue())
                .hasMessageContaining("answered HTTP 503: answer from /fail/x");
        assertThatThrownBy(() -> upstreams.send("p", model("/limit", null, null, null), "/x", BODY))
                .isInstanceOfSatisfying(
                        Upstreams.Unavailable.class, e -> assertThat(e.failed).isFalse());
        try (Upstreams.Call call =
                upstreams.send("p", model("/bad", null, null, null), "/x", BODY)) {
            assertThat(call.response.statusCode()).isEqualTo(400);
        }
    }

    @Test
    void aSlowUpstreamTimesOutAndABusyOneIsPassedOverUntilItsPermitIsBack() throws Exception {
        assertThatThrownBy(() -> upstreams.send("p", model("/slow", null, 200L, null), "/x", BODY))
                .isInstanceOfSatisfying(
                        Upstreams.Unavailable.class, e -> assertThat(e.failed).isTrue())
                .hasMessageContaining("did not answer within 200 ms");
        CatalogModel one = model("/ok", null, null, 1);
        Upstreams.Call first = upstreams.send("p", one, "/x", BODY);
        assertThatThrownBy(() -> upstreams.send("p", one, "/x", BODY))
                .isInstanceOfSatisfying(
                        Upstreams.Unavailable.class, e -> assertThat(e.failed).isFalse())
                .hasMessageContaining("busy (1 requests in flight)");
        first.close();
        try (Upstreams.Call again = upstreams.send("p", one, "/x", BODY)) {
            assertThat(again.response.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aUrlThatIsNotHttpIsRefusedBeforeAnyPermitIsTaken() throws Exception {
        CatalogModel ftp =
                CatalogModel.newBuilder()
                        .setName("m")
                        .setInputPrice(0)
                        .setOutputPrice(0)
                        .setUpstream(
                                Upstream.newBuilder()
                                        .setBaseUrl("ftp://x/v1")
                                        .setMaxConcurrent(1)
                                        .build())
                        .build();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> upstreams.send("p", ftp, "/x", BODY))
                    .hasMessageContaining("not http(s)");
        }
    }
}

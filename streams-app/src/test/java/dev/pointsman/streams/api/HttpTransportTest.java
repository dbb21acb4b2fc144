package dev.pointsman.streams.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.kafka.TestCertificates;
import dev.pointsman.streams.AppMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTransportTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
    }

    @Test
    void requestsWaitingForAnAnswerHoldNoRequestThread() throws Exception {
        List<CompletableFuture<Response>> pending = new CopyOnWriteArrayList<>();
        try (HttpTransport transport =
                new HttpTransport("127.0.0.1", 0, 1, null, new AppMetrics())) {
            transport
                    .routeAsync(
                            "/wait",
                            "GET",
                            r -> {
                                CompletableFuture<Response> later = new CompletableFuture<>();
                                pending.add(later);
                                return later;
                            })
                    .route("/now", "GET", r -> Response.error(200, "here"))
                    .start();
            int port = transport.port();
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiting.add(
                        http.sendAsync(get(port, "/wait"), HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (pending.size() < 5) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
            // Five requests wait on a server with one request thread, and it still answers.
            HttpResponse<String> now =
                    http.send(get(port, "/now"), HttpResponse.BodyHandlers.ofString());
            assertThat(now.body()).contains("here");
            assertThat(waiting).noneMatch(CompletableFuture::isDone);

            for (int i = 0; i < 5; i++) {
                pending.get(i).complete(Response.error(200, "answer " + i));
            }
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = waiting.get(i).get(20, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).startsWith("{\"error\":\"answer ");
            }
        }
    }

    @Test
    void aFailedAnswerBecomesItsStatus() throws Exception {
        try (HttpTransport transport =
                new HttpTransport("127.0.0.1", 0, 2, null, new AppMetrics())) {
            transport
                    .routeAsync(
                            "/busy",
                            "GET",
                            r ->
                                    CompletableFuture.failedFuture(
                                            new DecisionWaiter.Overloaded("too many waiting")))
                    .routeAsync(
                            "/bad",
                            "GET",
                            r -> {
                                throw new BadRequest(413, "too long");
                            })
                    .start();
            HttpResponse<String> busy =
                    http.send(get(transport.port(), "/busy"), HttpResponse.BodyHandlers.ofString());
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(busy.body()).isEqualTo("{\"error\":\"too many waiting\"}");
            HttpResponse<String> bad =
                    http.send(get(transport.port(), "/bad"), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(413);
            assertThat(bad.body()).isEqualTo("{\"error\":\"too long\"}");
            HttpResponse<String> post =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + transport.port()
                                                            + "/bad"))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void aBodyOverTheLimitGets413WithTheReason() throws Exception {
        try (HttpTransport transport =
                new HttpTransport("127.0.0.1", 0, 2, null, new AppMetrics())) {
            transport.route("/json", "POST", r -> Response.json(200, r.json())).start();
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + transport.port()
                                                            + "/json"))
                                    .POST(
                                            HttpRequest.BodyPublishers.ofString(
                                                    "\"" + "x".repeat(2 << 20) + "\""))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("larger than 1048576 bytes");
        }
    }

    @Test
    void servesHttpsWithTheKeystoreGiven(@TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.make(dir, "127.0.0.1");
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, certificates.password() + "\n");
        ApiSettings.Tls tls =
                ApiSettings.Tls.of(
                        certificates.keystore().toString(), passwordFile.toString(), name -> null);
        try (HttpTransport transport =
                new HttpTransport("127.0.0.1", 0, 2, tls.context(), new AppMetrics())) {
            transport.route("/x", "GET", r -> Response.error(200, "secret")).start();
            HttpClient trusting =
                    HttpClient.newBuilder().sslContext(trusting(certificates)).build();
            HttpResponse<String> r =
                    trusting.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "https://127.0.0.1:" + transport.port() + "/x"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).contains("secret");
            // Plain HTTP gets no answer from an HTTPS port.
            assertThatThrownBy(
                            () ->
                                    http.send(
                                            get(transport.port(), "/x"),
                                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void aKeystoreThatCannotBeUsedIsRefusedNamingTheOption(@TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.make(dir, "127.0.0.1");
        String keystore = certificates.keystore().toString();
        assertThatThrownBy(() -> ApiSettings.Tls.of(keystore, null, name -> null))
                .hasMessageContaining("--tls-keystore needs its password");
        assertThatThrownBy(() -> ApiSettings.Tls.of(keystore, null, name -> "wrong"))
                .hasMessageStartingWith("--tls-keystore " + keystore + " cannot be used");
        assertThatThrownBy(() -> ApiSettings.Tls.of(null, "/nowhere", name -> null))
                .hasMessage("--tls-keystore-password-file needs --tls-keystore");
        assertThat(
                        ApiSettings.Tls.of(
                                keystore,
                                null,
                                Map.of("POINTSMAN_TLS_KEYSTORE_PASSWORD", certificates.password())
                                        ::get))
                .isNotNull();
    }

    private static SSLContext trusting(TestCertificates certificates) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.truststore())) {
            store.load(in, certificates.password().toCharArray());
        }
        TrustManagerFactory trust =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}

package dev.pointsman.streams.api;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.apache.kafka.streams.state.HostInfo;
import org.jspecify.annotations.Nullable;

/**
 * {@link MetricsView} of every instance of the app: this instance's stores, and the other
 * instances' over their internal endpoints ({@code /internal/metrics/…}), so that {@code
 * /v1/metrics}, {@code /v1/pools} and the dashboard answer for every pool on any instance. Each
 * pool's windows live on the one instance that computes them; the others answer empty. An instance
 * that does not answer makes the call unavailable (503) rather than silently partial.
 */
public final class PeerMetricsView implements MetricsView {
    /** The internal endpoints' prefix. */
    static final String PREFIX = "/internal/metrics/";

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final MetricsView local;
    private final Supplier<List<HostInfo>> peers;
    private final RecordCodec<WindowMetrics> metricsCodec;
    private final RecordCodec<Alert> alertCodec;
    private final @Nullable String operatorToken;
    private final HttpClient http;
    private final String scheme;

    /**
     * @param peers the other instances' {@code application.server}s, now
     * @param operatorToken what a peer's internal endpoints ask for, when tokens are in use
     * @param tls the API's certificate when it serves HTTPS: peers are then asked over HTTPS,
     *     trusting the certificates it trusts; null for HTTP
     */
    public PeerMetricsView(
            MetricsView local,
            Supplier<List<HostInfo>> peers,
            RecordCodec<WindowMetrics> metricsCodec,
            RecordCodec<Alert> alertCodec,
            @Nullable String operatorToken,
            @Nullable SSLContext tls) {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (tls != null) {
            client.sslContext(tls);
        }
        this.http = client.build();
        this.scheme = tls == null ? "http" : "https";
        this.local = local;
        this.peers = peers;
        this.metricsCodec = metricsCodec;
        this.alertCodec = alertCodec;
        this.operatorToken = operatorToken;
    }

    @Override
    public Set<String> pools() {
        Set<String> all = new TreeSet<>(local.pools());
        for (HostInfo peer : peers.get()) {
            String body = new String(fetch(peer, "pools", null), StandardCharsets.UTF_8);
            for (String pool : body.split("\n")) {
                if (!pool.isEmpty()) {
                    all.add(pool);
                }
            }
        }
        return all;
    }

    @Override
    public List<WindowMetrics> windows(String pool) {
        List<WindowMetrics> all = new ArrayList<>(local.windows(pool));
        for (HostInfo peer : peers.get()) {
            all.addAll(decode(fetch(peer, "windows", pool), metricsCodec));
        }
        return all;
    }

    @Override
    public List<Alert> alerts(String pool) {
        List<Alert> all = new ArrayList<>(local.alerts(pool));
        for (HostInfo peer : peers.get()) {
            all.addAll(decode(fetch(peer, "alerts", pool), alertCodec));
        }
        return all;
    }

    /**
     * Answers a peer's {@code GET /internal/metrics/{pools|windows|alerts}[?pool=]}: this
     * instance's records only, so a question never goes round the instances.
     */
    Response answerPeer(Request request) throws BadRequest {
        String what = request.path().substring(PREFIX.length());
        String pool = request.queryParam("pool");
        byte[] body =
                switch (what) {
                    case "pools" ->
                            String.join("\n", local.pools()).getBytes(StandardCharsets.UTF_8);
                    case "windows" -> encode(local.windows(required(pool)), metricsCodec);
                    case "alerts" -> encode(local.alerts(required(pool)), alertCodec);
                    default -> throw new BadRequest(404, "no such endpoint: " + request.path());
                };
        return new Response(200, "application/octet-stream", body);
    }

    private static String required(@Nullable String pool) throws BadRequest {
        if (pool == null || pool.isBlank()) {
            throw new BadRequest(400, "pool is required");
        }
        return pool;
    }

    private byte[] fetch(HostInfo peer, String what, @Nullable String pool) {
        String uri =
                scheme
                        + "://"
                        + peer.host()
                        + ":"
                        + peer.port()
                        + PREFIX
                        + what
                        + (pool == null
                                ? ""
                                : "?pool=" + URLEncoder.encode(pool, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT);
        if (operatorToken != null) {
            request.header("Authorization", "Bearer " + operatorToken);
        }
        try {
            HttpResponse<byte[]> r =
                    http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new Unavailable(
                        "instance " + peer + " answered " + r.statusCode() + " for " + what, null);
            }
            return r.body();
        } catch (IOException e) {
            throw new Unavailable("instance " + peer + " does not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking " + peer, e);
        }
    }

    /** Records as {@code [count][length][bytes]…}, each in the topic's wire format. */
    static <T> byte[] encode(List<T> records, RecordCodec<T> codec) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(records.size());
            for (T record : records) {
                byte[] one = codec.encode(record);
                out.writeInt(one.length);
                out.write(one);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    static <T> List<T> decode(byte[] body, RecordCodec<T> codec) {
        List<T> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                byte[] one = new byte[in.readInt()];
                in.readFully(one);
                out.add(codec.decode(one));
            }
        } catch (IOException | UndecodableRecordException e) {
            throw new IllegalStateException("a peer's answer is unreadable: " + e, e);
        }
        return out;
    }
}

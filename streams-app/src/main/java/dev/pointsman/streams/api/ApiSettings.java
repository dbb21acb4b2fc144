package dev.pointsman.streams.api;

import dev.pointsman.settings.Setting;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * @param host {@code --http-host}
 * @param port {@code --http-port}; 0 picks a free port
 * @param routeTimeout {@code --route-timeout}: how long {@code POST /v1/route} waits for the
 *     decision before answering 504
 * @param tokens {@code --token}: pool → bearer token; empty leaves the API open
 * @param rateLimit {@code --rate-limit}: requests per second each pool may route (POST /v1/route
 *     and the gateway's completions), a second's worth at once; 0 for no limit
 * @param metricsToken {@code --metrics-token} (or {@code POINTSMAN_METRICS_TOKEN}): the operator's
 *     bearer token that {@code GET /metrics} then requires, since it lists every pool's figures;
 *     null leaves it open
 * @param advertisedHost {@code --advertised-host}: the name other instances of the app reach this
 *     one's API by (Kafka Streams' {@code application.server}); null for {@code host}, or this
 *     machine's name when {@code host} is a wildcard
 * @param maxWaiting {@code --max-waiting}: requests that may wait for their decisions at once; more
 *     get 503 at once
 * @param maxTextChars {@code --max-text-chars}: the longest text {@code POST /v1/route} takes; a
 *     longer one gets 413 at once
 * @param tls {@code --tls-keystore}: serve HTTPS with this certificate; null for HTTP
 * @param jobGroup {@code --job-group}: the routing job's consumer group, whose lag the readiness
 *     probe reads
 * @param maxJobLag {@code --max-job-lag}: the most embedded queries the job may have left unread
 *     for {@code GET /readyz} to say ready
 */
public record ApiSettings(
        String host,
        int port,
        Duration routeTimeout,
        Map<String, String> tokens,
        double rateLimit,
        @Nullable String metricsToken,
        @Nullable String advertisedHost,
        int maxWaiting,
        int maxTextChars,
        @Nullable Tls tls,
        String jobGroup,
        int maxJobLag) {
    public static final Setting<String> HOST =
            Setting.text("http-host", "127.0.0.1", "API bind address.");
    public static final Setting<Integer> PORT =
            Setting.integer("http-port", 8080, "API port, 0 for any free one.", 0, 65535);
    public static final Setting<Duration> ROUTE_TIMEOUT =
            Setting.duration(
                    "route-timeout",
                    Duration.ofSeconds(10),
                    "How long POST /v1/route waits for the decision.",
                    Duration.ZERO);

    public static final Setting<Double> RATE_LIMIT =
            Setting.number(
                    "rate-limit",
                    0.0,
                    "Requests per second each pool may route (a second's worth at once; more get"
                            + " 429), 0 for no limit.",
                    v -> v >= 0 && Double.isFinite(v),
                    "must be a finite number of requests/s >= 0");

    public static final Setting<String> ADVERTISED_HOST =
            Setting.optionalText(
                    "advertised-host",
                    "The host name other instances of the app reach this one's API by, to answer"
                            + " /v1/metrics and /v1/pools for the pools they hold. Default:"
                            + " --http-host (this machine's name when that is 0.0.0.0).");

    public static final Setting<Integer> MAX_WAITING =
            Setting.integer(
                    "max-waiting",
                    DecisionWaiter.DEFAULT_MAX_WAITING,
                    "Route requests that may wait for their decisions at once (they hold no"
                            + " thread); more get 503 at once.",
                    1);

    public static final Setting<Integer> MAX_TEXT_CHARS =
            Setting.integer(
                    "max-text-chars",
                    32_768,
                    "The longest text POST /v1/route takes (the embedder reads only its first"
                            + " tokens); a longer one gets 413 at once.",
                    1,
                    Request.MAX_BODY);

    public static final Setting<String> TLS_KEYSTORE =
            Setting.optionalText(
                    "tls-keystore",
                    "Serve the API over HTTPS with the key and certificate in this PKCS12 file"
                            + " (its password: --tls-keystore-password-file, or the environment"
                            + " variable POINTSMAN_TLS_KEYSTORE_PASSWORD). Instances reach each"
                            + " other over HTTPS too, trusting the certificates in it.");

    public static final Setting<String> TLS_PASSWORD_FILE =
            Setting.optionalText(
                    "tls-keystore-password-file",
                    "A file whose first line is the password of --tls-keystore.");

    public static final Setting<String> JOB_GROUP =
            Setting.text(
                    "job-group",
                    "pointsman-router",
                    "The routing job's consumer group (its --group), whose lag on the embedded"
                            + " queries GET /readyz reads.");

    public static final Setting<Integer> MAX_JOB_LAG =
            Setting.integer(
                    "max-job-lag",
                    10_000,
                    "The most embedded queries the routing job may have left unread (as of its"
                            + " last checkpoint) for GET /readyz to say ready.",
                    0);

    /** The settings the command line sets (tokens are their own repeatable option). */
    public static final List<Setting<?>> ALL =
            List.of(
                    HOST,
                    PORT,
                    ROUTE_TIMEOUT,
                    RATE_LIMIT,
                    ADVERTISED_HOST,
                    MAX_WAITING,
                    MAX_TEXT_CHARS,
                    TLS_KEYSTORE,
                    TLS_PASSWORD_FILE,
                    JOB_GROUP,
                    MAX_JOB_LAG);

    /** Open (no tokens), no rate limit. */
    public ApiSettings(String host, int port, Duration routeTimeout, Map<String, String> tokens) {
        this(host, port, routeTimeout, tokens, 0, null, null);
    }

    /** With the defaults of the limits, HTTP, and the readiness probe. */
    public ApiSettings(
            String host,
            int port,
            Duration routeTimeout,
            Map<String, String> tokens,
            double rateLimit,
            @Nullable String metricsToken,
            @Nullable String advertisedHost) {
        this(
                host,
                port,
                routeTimeout,
                tokens,
                rateLimit,
                metricsToken,
                advertisedHost,
                MAX_WAITING.defaultValue(),
                MAX_TEXT_CHARS.defaultValue(),
                null,
                JOB_GROUP.defaultValue(),
                MAX_JOB_LAG.defaultValue());
    }

    /**
     * A PKCS12 keystore with the API's key and certificate.
     *
     * @param keystore {@code --tls-keystore}
     * @param password its password
     */
    public record Tls(Path keystore, String password) {
        /**
         * Reads {@code --tls-keystore} with the password from {@code passwordFile}, else from
         * {@code environment}'s {@code POINTSMAN_TLS_KEYSTORE_PASSWORD}; null when no keystore is
         * given. Throws naming the option when the keystore cannot be used.
         */
        public static @Nullable Tls of(
                @Nullable String keystore,
                @Nullable String passwordFile,
                Function<String, @Nullable String> environment) {
            if (keystore == null) {
                if (passwordFile != null) {
                    throw new IllegalArgumentException(
                            "--tls-keystore-password-file needs --tls-keystore");
                }
                return null;
            }
            String password;
            if (passwordFile != null) {
                try {
                    password =
                            Files.readAllLines(Path.of(passwordFile)).stream()
                                    .findFirst()
                                    .orElse("")
                                    .strip();
                } catch (IOException e) {
                    throw new IllegalArgumentException(
                            "--tls-keystore-password-file "
                                    + passwordFile
                                    + " cannot be read: "
                                    + e.getMessage());
                }
            } else {
                password = environment.apply("POINTSMAN_TLS_KEYSTORE_PASSWORD");
                if (password == null) {
                    throw new IllegalArgumentException(
                            "--tls-keystore needs its password: --tls-keystore-password-file or"
                                    + " POINTSMAN_TLS_KEYSTORE_PASSWORD");
                }
            }
            Tls tls = new Tls(Path.of(keystore), password);
            tls.context(); // fails now, naming the option, rather than when serving
            return tls;
        }

        /** An SSL context serving the keystore's key and trusting its certificates. */
        public SSLContext context() {
            try (InputStream in = Files.newInputStream(keystore)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, password.toCharArray());
                KeyManagerFactory keys =
                        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, password.toCharArray());
                TrustManagerFactory trust =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
                return context;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        "--tls-keystore " + keystore + " cannot be used: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "Tls[" + keystore + "]";
        }
    }

    /** With no {@code --advertised-host}. */
    public ApiSettings(
            String host,
            int port,
            Duration routeTimeout,
            Map<String, String> tokens,
            double rateLimit,
            @Nullable String metricsToken) {
        this(host, port, routeTimeout, tokens, rateLimit, metricsToken, null);
    }

    /** This settings on {@code port} (a free port chosen for 0). */
    public ApiSettings withPort(int port) {
        return new ApiSettings(
                host,
                port,
                routeTimeout,
                tokens,
                rateLimit,
                metricsToken,
                advertisedHost,
                maxWaiting,
                maxTextChars,
                tls,
                jobGroup,
                maxJobLag);
    }

    /** {@code http} or, with a keystore, {@code https}. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** Where other instances reach this API: {@code host:port} for {@code application.server}. */
    public String advertised() {
        String name = advertisedHost;
        if (name == null) {
            name = host;
            if (name.equals("0.0.0.0") || name.equals("::")) {
                try {
                    name = java.net.InetAddress.getLocalHost().getHostName();
                } catch (java.net.UnknownHostException e) {
                    name = "localhost";
                }
            }
        }
        return name + ":" + port;
    }

    public ApiSettings {
        HOST.check(host);
        PORT.check(port);
        ROUTE_TIMEOUT.check(routeTimeout);
        RATE_LIMIT.check(rateLimit);
        ADVERTISED_HOST.check(advertisedHost);
        MAX_WAITING.check(maxWaiting);
        MAX_TEXT_CHARS.check(maxTextChars);
        JOB_GROUP.check(jobGroup);
        MAX_JOB_LAG.check(maxJobLag);
        if (metricsToken != null && metricsToken.isBlank()) {
            throw new IllegalArgumentException("--metrics-token must not be blank");
        }
        tokens = Map.copyOf(tokens);
        tokens.forEach(
                (pool, token) -> {
                    if (pool.isBlank() || token.isBlank()) {
                        throw new IllegalArgumentException(
                                "--token: pool and token must be non-empty, got '" + pool + "'");
                    }
                });
    }
}

package dev.pointsman.cli.pool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.core.route.JudgeSettings;
import dev.pointsman.core.route.PoolSettings;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.Upstream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pool's catalog written as JSON by its owner: its models with their prices (USD per token, or
 * per million tokens) and, for the gateway, their OpenAI-compatible upstreams, and the pool's
 * settings ({@code defaults}). Every mistake is reported with the path of the field that holds it.
 *
 * <pre>{@code
 * {"pool": "support",
 *  "defaults": {"router": "knn-shrunk", "budget.per-1k-queries": "2.0"},
 *  "models": [
 *    {"name": "gpt-4o-mini", "inputPricePerMillion": 0.15, "outputPricePerMillion": 0.6,
 *     "upstream": {"baseUrl": "https://api.openai.com/v1", "apiKeyEnv": "OPENAI_API_KEY"}},
 *    {"name": "llama-3.1-8b", "inputPrice": 2e-8, "outputPrice": 2e-8,
 *     "upstream": {"baseUrl": "http://vllm:8000/v1", "model": "meta-llama/Llama-3.1-8B-Instruct",
 *                  "timeoutMs": 10000, "maxConcurrent": 32}}]}
 * }</pre>
 */
public final class CatalogFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CatalogFile() {}

    public static PoolCatalog read(Path file) throws IOException {
        try {
            return parse(JSON.readTree(Files.readAllBytes(file)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    file + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static PoolCatalog parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the catalog must be a JSON object");
        }
        String pool = text(root, "pool", "pool");
        Map<String, String> defaults = new LinkedHashMap<>();
        JsonNode d = root.get("defaults");
        if (d != null && !d.isNull()) {
            if (!d.isObject()) {
                throw new IllegalArgumentException("defaults: must be an object of settings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw new IllegalArgumentException(
                            "defaults." + e.getKey() + ": must be a string or a number");
                }
                defaults.put(e.getKey(), e.getValue().asText());
            }
        }
        try {
            PoolSettings.parse(pool, defaults);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("defaults: " + e.getMessage());
        }
        JsonNode ms = root.get("models");
        if (ms == null || !ms.isArray() || ms.isEmpty()) {
            throw new IllegalArgumentException("models: must be a non-empty array");
        }
        List<CatalogModel> models = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ms.size(); i++) {
            CatalogModel m = model(ms.get(i), "models[" + i + "]");
            if (!names.add(m.getName())) {
                throw new IllegalArgumentException(
                        "models[" + i + "].name: '" + m.getName() + "' is named twice");
            }
            models.add(m);
        }
        try {
            JudgeSettings.parse(
                    pool,
                    defaults,
                    names::contains,
                    name ->
                            models.stream()
                                    .anyMatch(
                                            m ->
                                                    m.getName().equals(name)
                                                            && m.getUpstream() != null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("defaults: " + e.getMessage());
        }
        return PoolCatalog.newBuilder()
                .setPool(pool)
                .setModels(models)
                .setDefaults(defaults)
                .build();
    }

    private static CatalogModel model(JsonNode m, String at) {
        if (!m.isObject()) {
            throw new IllegalArgumentException(at + ": must be an object");
        }
        CatalogModel.Builder b =
                CatalogModel.newBuilder()
                        .setName(text(m, "name", at + ".name"))
                        .setInputPrice(price(m, "input", at))
                        .setOutputPrice(price(m, "output", at));
        if (m.hasNonNull("prior")) {
            b.setPrior(number(m, "prior", at + ".prior", 0, 1));
        }
        JsonNode up = m.get("upstream");
        if (up != null && !up.isNull()) {
            b.setUpstream(upstream(up, at + ".upstream"));
        }
        return b.build();
    }

    /** USD per token: {@code <side>Price}, or {@code <side>PricePerMillion} / 1e6. */
    private static double price(JsonNode m, String side, String at) {
        String perToken = side + "Price";
        String perMillion = side + "PricePerMillion";
        if (m.hasNonNull(perToken) == m.hasNonNull(perMillion)) {
            throw new IllegalArgumentException(
                    at
                            + ": give either "
                            + perToken
                            + " (USD per token) or "
                            + perMillion
                            + " (USD per million tokens)");
        }
        return m.hasNonNull(perToken)
                ? number(m, perToken, at + "." + perToken, 0, 1)
                : number(m, perMillion, at + "." + perMillion, 0, 1e6) / 1e6;
    }

    private static Upstream upstream(JsonNode up, String at) {
        if (!up.isObject()) {
            throw new IllegalArgumentException(at + ": must be an object");
        }
        String base = text(up, "baseUrl", at + ".baseUrl");
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ".baseUrl: not a URL: '" + base + "'");
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    at + ".baseUrl: must be an http(s) URL with a host, got '" + base + "'");
        }
        Upstream.Builder b = Upstream.newBuilder().setBaseUrl(base);
        if (up.hasNonNull("model")) {
            b.setModel(text(up, "model", at + ".model"));
        }
        if (up.hasNonNull("apiKeyEnv")) {
            String env = text(up, "apiKeyEnv", at + ".apiKeyEnv");
            if (!env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException(
                        at
                                + ".apiKeyEnv: must name an environment variable (the key itself"
                                + " never goes into the catalog), got '"
                                + env
                                + "'");
            }
            b.setApiKeyEnv(env);
        }
        if (up.hasNonNull("timeoutMs")) {
            b.setTimeoutMs((long) number(up, "timeoutMs", at + ".timeoutMs", 1, 3_600_000));
        }
        if (up.hasNonNull("maxConcurrent")) {
            b.setMaxConcurrent((int) number(up, "maxConcurrent", at + ".maxConcurrent", 1, 1e6));
        }
        return b.build();
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(at + ": must be a non-empty string");
        }
        return v.asText();
    }

    private static double number(JsonNode node, String field, String at, double min, double max) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new IllegalArgumentException(at + ": must be a number");
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            throw new IllegalArgumentException(
                    at + ": must be in [" + min + ", " + max + "], got " + d);
        }
        return d;
    }
}

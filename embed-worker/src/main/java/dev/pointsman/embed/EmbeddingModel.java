package dev.pointsman.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A sentence encoder: an ONNX model and its Hugging Face tokenizer, how its token vectors are
 * pooled, and the prefix it wants before a query. The built-in ones ship on Maven Central inside
 * the langchain4j embedding jars (used here only for the {@code .onnx} and {@code tokenizer.json}
 * they carry); {@link #fromDirectory} reads any local ONNX sentence encoder a user brings.
 */
public final class EmbeddingModel {
    public static final EmbeddingModel ALL_MINILM_L6_V2 =
            builtIn("all-minilm-l6-v2", Pooling.MEAN, true, "");
    public static final EmbeddingModel ALL_MINILM_L6_V2_Q =
            builtIn("all-minilm-l6-v2-q", Pooling.MEAN, false, "");
    public static final EmbeddingModel BGE_SMALL_EN_V15 =
            builtIn("bge-small-en-v1.5", Pooling.CLS, true, "");
    public static final EmbeddingModel BGE_SMALL_EN_V15_Q =
            builtIn("bge-small-en-v1.5-q", Pooling.CLS, false, "");

    /** E5 was trained with "query: " before every query and mean pooling (its model card). */
    public static final EmbeddingModel E5_SMALL_V2_Q =
            builtIn("e5-small-v2-q", Pooling.MEAN, false, "query: ");

    /** The encoders on the class path, in the order {@code --help} lists them. */
    public static final List<EmbeddingModel> BUILT_IN =
            List.of(
                    ALL_MINILM_L6_V2,
                    ALL_MINILM_L6_V2_Q,
                    BGE_SMALL_EN_V15,
                    BGE_SMALL_EN_V15_Q,
                    E5_SMALL_V2_Q);

    /** The settings file a model directory may hold beside its model and tokenizer. */
    public static final String DIRECTORY_SETTINGS = "pointsman-embedder.properties";

    /** How token vectors become one sentence vector. */
    public enum Pooling {
        /**
         * Mean of the token vectors under the attention mask (sentence-transformers MiniLM, E5).
         */
        MEAN,
        /** The first ([CLS]) token's vector (BGE). */
        CLS
    }

    private final String id;
    private final Pooling pooling;
    private final boolean batchInvariant;
    private final String queryPrefix;
    private final @Nullable Path directory;

    private EmbeddingModel(
            String id,
            Pooling pooling,
            boolean batchInvariant,
            String queryPrefix,
            @Nullable Path directory) {
        this.id = id;
        this.pooling = pooling;
        this.batchInvariant = batchInvariant;
        this.queryPrefix = queryPrefix;
        this.directory = directory;
    }

    private static EmbeddingModel builtIn(
            String id, Pooling pooling, boolean batchInvariant, String queryPrefix) {
        return new EmbeddingModel(id, pooling, batchInvariant, queryPrefix, null);
    }

    /**
     * A local ONNX sentence encoder: {@code dir} holds {@code model.onnx} (inputs {@code
     * input_ids}, {@code attention_mask} and optionally {@code token_type_ids}; first output the
     * token vectors) and {@code tokenizer.json}. An optional {@value #DIRECTORY_SETTINGS} sets
     * {@code pooling} ({@code mean}, the default, or {@code cls}), {@code query-prefix} (default
     * none) and {@code batch-invariant} ({@code true} by default; {@code false} for a dynamically
     * quantised model, which then embeds one text per call). Its id is {@code dir:<name>@<first 12
     * hex of the model's SHA-256>}, so vectors from a changed model never match old ones.
     *
     * @throws IllegalArgumentException naming the missing file or the bad setting
     */
    public static EmbeddingModel fromDirectory(Path dir) {
        Path model = dir.resolve("model.onnx");
        Path tokenizer = dir.resolve("tokenizer.json");
        for (Path required : List.of(model, tokenizer)) {
            if (!Files.isRegularFile(required)) {
                throw new IllegalArgumentException(
                        "embedder directory '" + dir + "' has no " + required.getFileName());
            }
        }
        Properties settings = new Properties();
        Path file = dir.resolve(DIRECTORY_SETTINGS);
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                settings.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        Pooling pooling;
        String poolingName = settings.getProperty("pooling", "mean").trim();
        try {
            pooling = Pooling.valueOf(poolingName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    file + ": pooling must be mean or cls, got '" + poolingName + "'");
        }
        String invariant = settings.getProperty("batch-invariant", "true").trim();
        if (!invariant.equals("true") && !invariant.equals("false")) {
            throw new IllegalArgumentException(
                    file + ": batch-invariant must be true or false, got '" + invariant + "'");
        }
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        String id = "dir:" + name + "@" + sha256Prefix(model);
        return new EmbeddingModel(
                id,
                pooling,
                Boolean.parseBoolean(invariant),
                settings.getProperty("query-prefix", ""),
                dir);
    }

    private static String sha256Prefix(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The name used on the command line, in reports and in cache keys. */
    public String id() {
        return id;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** Text put before every prompt before tokenizing ("" for none). */
    public String queryPrefix() {
        return queryPrefix;
    }

    /**
     * Whether a text's vector is the same whatever else shares its batch. The quantised models
     * quantise activations dynamically with one scale per tensor, so a batch-mate shifts every
     * vector (cosine to the lone vector as low as 0.987 measured); they are run one text at a time.
     */
    public boolean batchInvariant() {
        return batchInvariant;
    }

    /** The ONNX model's bytes. */
    byte[] onnxBytes() throws IOException {
        try (InputStream in = open(directory == null ? id + ".onnx" : "model.onnx")) {
            return in.readAllBytes();
        }
    }

    /** The tokenizer's JSON; the caller closes it. */
    InputStream openTokenizer() throws IOException {
        return open(directory == null ? id + "-tokenizer.json" : "tokenizer.json");
    }

    private InputStream open(String name) throws IOException {
        if (directory != null) {
            return Files.newInputStream(directory.resolve(name));
        }
        InputStream in = EmbeddingModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(
                    "model resource '"
                            + name
                            + "' is not on the class path (its langchain4j embeddings jar is missing)");
        }
        return in;
    }

    /**
     * A built-in encoder by {@link #id()}, or a model directory ({@link #fromDirectory}) when
     * {@code name} is a path to one; the error lists the known ids.
     */
    public static EmbeddingModel byId(String name) {
        for (EmbeddingModel m : BUILT_IN) {
            if (m.id.equals(name)) {
                return m;
            }
        }
        if (name.contains("/") || name.contains(java.io.File.separator)) {
            Path dir = Path.of(name);
            if (Files.isDirectory(dir)) {
                return fromDirectory(dir);
            }
            throw new IllegalArgumentException("embedder directory '" + name + "' does not exist");
        }
        throw new IllegalArgumentException(
                "unknown embedder '"
                        + name
                        + "'; known: "
                        + ids()
                        + ", or a directory with model.onnx and tokenizer.json");
    }

    /** Comma-separated built-in ids. */
    public static String ids() {
        return BUILT_IN.stream().map(EmbeddingModel::id).collect(Collectors.joining(", "));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmbeddingModel other && other.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }
}

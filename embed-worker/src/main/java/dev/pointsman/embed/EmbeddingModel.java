package dev.pointsman.embed;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Sentence-embedding models that ship on Maven Central with their tokenizer (the langchain4j
 * embedding jars, used here only for the {@code .onnx} and {@code tokenizer.json} they carry).
 */
public enum EmbeddingModel {
    ALL_MINILM_L6_V2("all-minilm-l6-v2", Pooling.MEAN, true),
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", Pooling.MEAN, false),
    BGE_SMALL_EN_V15("bge-small-en-v1.5", Pooling.CLS, true),
    BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-q", Pooling.CLS, false);

    /** How token vectors become one sentence vector. */
    public enum Pooling {
        /** Mean of the token vectors under the attention mask (sentence-transformers MiniLM). */
        MEAN,
        /** The first ([CLS]) token's vector (BGE). */
        CLS
    }

    private final String id;
    private final Pooling pooling;
    private final boolean batchInvariant;

    EmbeddingModel(String id, Pooling pooling, boolean batchInvariant) {
        this.id = id;
        this.pooling = pooling;
        this.batchInvariant = batchInvariant;
    }

    /** The name used on the command line, in reports and in cache keys. */
    public String id() {
        return id;
    }

    public Pooling pooling() {
        return pooling;
    }

    /**
     * Whether a text's vector is the same whatever else shares its batch. The quantised models
     * quantise activations dynamically with one scale per tensor, so a batch-mate shifts every
     * vector (cosine to the lone vector as low as 0.987 measured); they are run one text at a time.
     */
    public boolean batchInvariant() {
        return batchInvariant;
    }

    String onnxResource() {
        return id + ".onnx";
    }

    String tokenizerResource() {
        return id + "-tokenizer.json";
    }

    /** Looks a model up by {@link #id()}; the error lists the known ids. */
    public static EmbeddingModel byId(String id) {
        for (EmbeddingModel m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown embedder '" + id + "'; known: " + ids());
    }

    /** Comma-separated known ids. */
    public static String ids() {
        return Arrays.stream(values()).map(EmbeddingModel::id).collect(Collectors.joining(", "));
    }
}

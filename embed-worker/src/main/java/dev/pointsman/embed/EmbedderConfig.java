package dev.pointsman.embed;

/**
 * How an {@link OnnxEmbedder} is built.
 *
 * @param maxTokens tokens per prompt including [CLS] and [SEP]; longer prompts are truncated
 * @param batchSize prompts per ONNX Runtime call
 * @param intraOpThreads ONNX Runtime intra-op threads; 0 lets it choose
 * @param cuda try the CUDA execution provider first, falling back to CPU with a logged reason
 */
public record EmbedderConfig(
        EmbeddingModel model,
        int maxTokens,
        Truncation truncation,
        int batchSize,
        int intraOpThreads,
        boolean cuda) {

    /** The largest position an encoder of these models has. */
    public static final int MODEL_MAX_TOKENS = 512;

    public EmbedderConfig {
        if (maxTokens < 3 || maxTokens > MODEL_MAX_TOKENS) {
            throw new IllegalArgumentException(
                    "max tokens must be in [3, " + MODEL_MAX_TOKENS + "], got " + maxTokens);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intra-op threads must be >= 0, got " + intraOpThreads);
        }
    }

    /** CPU defaults for a model: 128 tokens from the tail, batch 32. */
    public static EmbedderConfig defaults(EmbeddingModel model) {
        return new EmbedderConfig(model, 128, Truncation.TAIL, 32, 0, false);
    }

    /**
     * Identifies what the vectors depend on, e.g. {@code all-minilm-l6-v2-q/tail/128}; written next
     * to every vector and used as the cache key.
     */
    public String embedderId() {
        return model.id() + "/" + truncation.id() + "/" + maxTokens;
    }
}

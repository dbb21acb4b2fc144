package dev.pointsman.embed.cli;

import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import dev.pointsman.embed.Truncation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The embedder options every command that embeds shares. */
public final class EmbedderOptions {
    @Option(
            names = "--embedder",
            paramLabel = "NAME",
            description =
                    "Embedding model: ${COMPLETION-CANDIDATES}, or a directory with model.onnx and"
                            + " tokenizer.json (and optionally pointsman-embedder.properties:"
                            + " pooling, query-prefix, batch-invariant). Default: ${DEFAULT-VALUE}.",
            completionCandidates = EmbedderNames.class,
            defaultValue = "all-minilm-l6-v2")
    public String embedder;

    @Option(
            names = "--truncation",
            paramLabel = "SIDE",
            description =
                    "Tokens kept from long prompts: head, tail, head-tail. Default: ${DEFAULT-VALUE}.",
            defaultValue = "tail")
    public String truncation;

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            description =
                    "Tokens per prompt, [CLS] and [SEP] included (3..512). Default: ${DEFAULT-VALUE}.",
            defaultValue = "128")
    public int maxTokens;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            description =
                    "Prompts per ONNX Runtime call, and the largest micro-batch of embed-worker"
                            + " (quantised models always embed one prompt per call). Default: ${DEFAULT-VALUE}.",
            defaultValue = "32")
    int batchSize;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0")
    int threads;

    @Option(
            names = "--cuda",
            description = "Embed on CUDA when available (falls back to CPU, saying why).")
    boolean cuda;

    /** The pseudo-encoder of {@link #parts}: the prompt's cheap text features. */
    public static final String FEATURES = "features";

    /**
     * Validated configuration; a bad value fails with a message naming it. A concatenation ({@code
     * a+b}) is refused: only the offline commands take one ({@link #parts}).
     */
    public EmbedderConfig toConfig() {
        if (embedder.contains("+")) {
            throw new IllegalArgumentException(
                    "--embedder "
                            + embedder
                            + ": concatenated encoders are for eval and bench learning-curve only");
        }
        return config(embedder);
    }

    private EmbedderConfig config(String model) {
        return new EmbedderConfig(
                EmbeddingModel.byId(model),
                maxTokens,
                Truncation.byId(truncation),
                batchSize,
                threads,
                cuda);
    }

    /**
     * The encoders whose unit vectors are concatenated, in order: {@code --embedder a+b+features}
     * names two models and the prompt's {@link dev.pointsman.core.features.QueryFeatures} ({@code
     * features}, a null entry here). One model is a list of one.
     */
    public List<@Nullable EmbedderConfig> parts() {
        List<@Nullable EmbedderConfig> out = new ArrayList<>();
        for (String part : embedder.split("\\+", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("--embedder " + embedder + ": empty part");
            }
            out.add(part.equals(FEATURES) ? null : config(part));
        }
        if (out.stream().allMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException(
                    "--embedder " + embedder + ": features need an encoder beside them");
        }
        return out;
    }

    /** What the vectors depend on: the encoders' ids joined by {@code +}. */
    public String embedderId() {
        return String.join(
                "+", parts().stream().map(c -> c == null ? FEATURES : c.embedderId()).toList());
    }

    public static final class EmbedderNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return EmbeddingModel.BUILT_IN.stream().map(EmbeddingModel::id).iterator();
        }
    }
}

package dev.pointsman.cli;

import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import dev.pointsman.embed.Truncation;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.Option;

/** The embedder options every command that embeds shares. */
final class EmbedderOptions {
    @Option(
            names = "--embedder",
            paramLabel = "NAME",
            description = "Embedding model: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
            completionCandidates = EmbedderNames.class,
            defaultValue = "all-minilm-l6-v2")
    String embedder;

    @Option(
            names = "--truncation",
            paramLabel = "SIDE",
            description =
                    "Tokens kept from long prompts: head, tail, head-tail. Default: ${DEFAULT-VALUE}.",
            defaultValue = "tail")
    String truncation;

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            description =
                    "Tokens per prompt, [CLS] and [SEP] included (3..512). Default: ${DEFAULT-VALUE}.",
            defaultValue = "128")
    int maxTokens;

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

    /** Validated configuration; a bad value fails with a message naming it. */
    EmbedderConfig toConfig() {
        return new EmbedderConfig(
                EmbeddingModel.byId(embedder),
                maxTokens,
                Truncation.byId(truncation),
                batchSize,
                threads,
                cuda);
    }

    static final class EmbedderNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(EmbeddingModel.values()).map(EmbeddingModel::id).iterator();
        }
    }
}

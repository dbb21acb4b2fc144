package dev.pointsman.cli;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.embed.BatchEmbedding;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingCache;
import dev.pointsman.embed.OnnxEmbedder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --cache-dir} and {@code --no-cache}, and every prompt of a benchmark embedded through that
 * cache with a progress bar.
 */
final class CachedEmbeddings {
    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "Embedding cache directory. Default: ${DEFAULT-VALUE}.",
            defaultValue = "${user.home}/.cache/pointsman/embeddings")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Do not read or write the embedding cache.")
    boolean noCache;

    /** The benchmark's prompts embedded with {@code config}, through the cache the options name. */
    List<float[]> embed(Benchmark benchmark, EmbedderConfig config) throws IOException {
        return of(benchmark, config, noCache ? null : cacheDir);
    }

    /**
     * @param cacheDir the cache directory, or null to embed without one
     */
    static List<float[]> of(Benchmark benchmark, EmbedderConfig config, @Nullable Path cacheDir)
            throws IOException {
        List<String> prompts = benchmark.rows().stream().map(BenchmarkRow::prompt).toList();
        try (OnnxEmbedder model = new OnnxEmbedder(config);
                EmbeddingCache cache =
                        cacheDir == null
                                ? null
                                : EmbeddingCache.open(
                                        cacheDir, config.embedderId(), model.dimension())) {
            if (cache != null) {
                System.err.printf("embedding cache: %s (%d vectors)%n", cache.file(), cache.size());
            }
            ProgressBar bar = ProgressBar.onStderr("embedding " + config.embedderId());
            return BatchEmbedding.embedAll(
                    model,
                    cache,
                    prompts,
                    Math.max(64, config.batchSize()),
                    (done, total) -> bar.update(done, total, ""));
        }
    }
}

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

/** Every prompt of a benchmark embedded, through the embedding cache, with a progress bar. */
final class CachedEmbeddings {
    private CachedEmbeddings() {}

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

package dev.pointsman.cli;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.core.features.QueryFeatures;
import dev.pointsman.core.vector.Vectors;
import dev.pointsman.embed.BatchEmbedding;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingCache;
import dev.pointsman.embed.OnnxEmbedder;
import dev.pointsman.embed.cli.EmbedderOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * The benchmark's prompts embedded by every encoder {@code encoders} names ({@link
     * EmbedderOptions#parts}), through the cache the options name. Several encoders' vectors are
     * each unit length and concatenated, then scaled to unit length again, so the cosine of two
     * prompts is the mean of their cosines under each encoder; the {@code features} part is the
     * prompt's standardised {@link QueryFeatures}, made unit length the same way.
     */
    List<float[]> embed(Benchmark benchmark, EmbedderOptions encoders) throws IOException {
        List<float[][]> blocks = new ArrayList<>();
        for (EmbedderConfig config : encoders.parts()) {
            if (config == null) {
                List<String> prompts = benchmark.rows().stream().map(BenchmarkRow::prompt).toList();
                double[][] features = QueryFeatures.standardised(prompts);
                float[][] block = new float[features.length][];
                for (int i = 0; i < features.length; i++) {
                    block[i] = Vectors.toFloats(features[i]);
                    Vectors.l2NormalizeInPlace(block[i]);
                }
                blocks.add(block);
            } else {
                blocks.add(
                        of(benchmark, config, noCache ? null : cacheDir).toArray(float[][]::new));
            }
        }
        if (blocks.size() == 1) {
            return List.of(blocks.get(0));
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < benchmark.rows().size(); i++) {
            int d = 0;
            for (float[][] block : blocks) {
                d += block[i].length;
            }
            float[] row = new float[d];
            int at = 0;
            for (float[][] block : blocks) {
                System.arraycopy(block[i], 0, row, at, block[i].length);
                at += block[i].length;
            }
            Vectors.l2NormalizeInPlace(row);
            out.add(row);
        }
        return out;
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

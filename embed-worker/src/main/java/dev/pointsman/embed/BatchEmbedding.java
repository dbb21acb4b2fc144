package dev.pointsman.embed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Embeds a list of texts through an optional cache, in chunks, reporting progress. */
public final class BatchEmbedding {
    /** Called after each chunk with texts done (cached ones included) out of the total. */
    public interface Progress {
        void update(int done, int total);
    }

    private BatchEmbedding() {}

    /** One vector per text, in order. Identical texts are embedded once. */
    public static List<float[]> embedAll(
            OnnxEmbedder embedder,
            @Nullable EmbeddingCache cache,
            List<String> texts,
            int chunkSize,
            Progress progress)
            throws IOException {
        Map<String, float[]> known = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String text : texts) {
            if (known.containsKey(text)) {
                continue;
            }
            float[] cached = cache == null ? null : cache.get(text);
            known.put(text, cached);
            if (cached == null) {
                missing.add(text);
            }
        }
        int unique = known.size();
        int done = unique - missing.size();
        progress.update(done, unique);
        for (int start = 0; start < missing.size(); start += chunkSize) {
            List<String> chunk =
                    missing.subList(start, Math.min(missing.size(), start + chunkSize));
            float[][] vectors = embedder.embed(chunk);
            for (int i = 0; i < chunk.size(); i++) {
                known.put(chunk.get(i), vectors[i]);
                if (cache != null) {
                    cache.put(chunk.get(i), vectors[i]);
                }
            }
            done += chunk.size();
            progress.update(done, unique);
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(known.get(text));
        }
        return out;
    }
}

package dev.pointsman.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {
    @TempDir Path dir;

    @Test
    void entriesSurviveReopening() throws IOException {
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "m/tail/128", 3)) {
            cache.put("a", new float[] {1, 2, 3});
            cache.put("b", new float[] {4, 5, 6});
            cache.put("a", new float[] {9, 9, 9}); // already cached: kept as first written
        }
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "m/tail/128", 3)) {
            assertThat(cache.size()).isEqualTo(2);
            assertThat(cache.get("a")).containsExactly(1, 2, 3);
            assertThat(cache.get("b")).containsExactly(4, 5, 6);
            assertThat(cache.get("c")).isNull();
        }
    }

    @Test
    void embedderIdsDoNotShareEntries() throws IOException {
        try (EmbeddingCache head = EmbeddingCache.open(dir, "m/head/128", 2)) {
            head.put("x", new float[] {1, 0});
        }
        try (EmbeddingCache tail = EmbeddingCache.open(dir, "m/tail/128", 2)) {
            assertThat(tail.get("x")).isNull();
        }
    }

    @Test
    void aRecordCutShortIsDroppedAndTheRestKept() throws IOException {
        Path file;
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "m", 2)) {
            cache.put("kept", new float[] {1, 2});
            cache.put("torn", new float[] {3, 4});
            file = cache.file();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "m", 2)) {
            assertThat(cache.size()).isEqualTo(1);
            assertThat(cache.get("kept")).containsExactly(1, 2);
            cache.put("torn", new float[] {3, 4});
        }
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "m", 2)) {
            assertThat(cache.get("torn")).containsExactly(3, 4);
        }
    }

    @Test
    void aDimensionMismatchIsAnError() throws IOException {
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "m", 2)) {
            cache.put("a", new float[] {1, 2});
            assertThatThrownBy(() -> cache.put("b", new float[] {1, 2, 3}))
                    .hasMessageContaining("vector dimensions differ: 3 != 2");
        }
        assertThatThrownBy(() -> EmbeddingCache.open(dir, "m", 5))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("holds 2-dimensional vectors, expected 5");
    }
}

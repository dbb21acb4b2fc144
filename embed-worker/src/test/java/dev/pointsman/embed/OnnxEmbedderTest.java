package dev.pointsman.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.pointsman.core.vector.Vectors;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real quantised MiniLM from its Maven Central jar. */
class OnnxEmbedderTest {
    private static OnnxEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder =
                new OnnxEmbedder(
                        new EmbedderConfig(
                                EmbeddingModel.ALL_MINILM_L6_V2_Q,
                                32,
                                Truncation.TAIL,
                                4,
                                1,
                                false));
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void vectorsAreUnitLengthAnd384Dimensional() {
        float[][] v = embedder.embed(List.of("What is the capital of France?", "hi"));
        assertThat(embedder.dimension()).isEqualTo(384);
        for (float[] row : v) {
            assertThat(row).hasSize(384);
            assertThat(Vectors.norm(row)).isCloseTo(1f, within(1e-4f));
        }
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentences() {
        float[][] v =
                embedder.embed(
                        List.of(
                                "A man is eating food.",
                                "A man is eating a piece of bread.",
                                "The stock market fell sharply on Monday."));
        assertThat(Vectors.dot(v[0], v[1])).isGreaterThan(Vectors.dot(v[0], v[2]) + 0.3f);
    }

    @Test
    void aVectorDependsOnItsTextAloneNotOnItsBatch() {
        List<String> texts =
                List.of("short", "a somewhat longer sentence about routing", "medium length text");
        try (OnnxEmbedder fp32 =
                new OnnxEmbedder(
                        new EmbedderConfig(
                                EmbeddingModel.ALL_MINILM_L6_V2,
                                32,
                                Truncation.TAIL,
                                4,
                                1,
                                false))) {
            assertThat(fp32.effectiveBatchSize()).isEqualTo(4);
            float[][] together = fp32.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = fp32.embed(List.of(texts.get(i)))[0];
                assertThat(Vectors.dot(alone, together[i])).isCloseTo(1f, within(1e-5f));
            }
        }
        // Quantised activations depend on batch-mates, so the quantised model runs one at a time.
        assertThat(embedder.effectiveBatchSize()).isEqualTo(1);
        float[][] together = embedder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(embedder.embed(List.of(texts.get(i)))[0]).containsExactly(together[i]);
        }
    }

    @Test
    void tokenIdsAreWrappedInSpecialTokensAndRespectTheBudget() {
        String longText = "word ".repeat(200) + "final question here";
        long[] ids = embedder.tokenIds(longText);
        assertThat(ids).hasSize(32);
        long[] shortIds = embedder.tokenIds("hello");
        assertThat(shortIds[0]).isEqualTo(ids[0]);
        assertThat(shortIds[shortIds.length - 1]).isEqualTo(ids[ids.length - 1]);
        assertThat(ids[0]).isNotEqualTo(ids[ids.length - 1]);
    }

    @Test
    void tailTruncationSeesTheQuestionAfterASharedPrefix() {
        String prefix = "Question: which is heavier? Answer: iron. ".repeat(30);
        String a = prefix + "What colour is the sky on a clear day?";
        String b = prefix + "How many legs does a spider have?";
        try (OnnxEmbedder head =
                new OnnxEmbedder(
                        new EmbedderConfig(
                                EmbeddingModel.ALL_MINILM_L6_V2_Q,
                                32,
                                Truncation.HEAD,
                                4,
                                1,
                                false))) {
            float[][] headVectors = head.embed(List.of(a, b));
            assertThat(Vectors.dot(headVectors[0], headVectors[1])).isCloseTo(1f, within(1e-5f));
        }
        float[][] tailVectors = embedder.embed(List.of(a, b));
        assertThat(Vectors.dot(tailVectors[0], tailVectors[1])).isLessThan(0.95f);
    }

    @Test
    void e5KeepsItsQueryPrefixWhateverTheTruncationAndSeparatesMeanings() {
        try (OnnxEmbedder e5 =
                new OnnxEmbedder(
                        new EmbedderConfig(
                                EmbeddingModel.E5_SMALL_V2_Q, 32, Truncation.TAIL, 4, 1, false))) {
            long[] prefix = e5.tokenIds("");
            // [CLS] "query" ":" [SEP]
            assertThat(prefix).hasSize(4);
            long[] ids = e5.tokenIds("word ".repeat(200) + "final question here");
            assertThat(ids).hasSize(32);
            assertThat(Arrays.copyOf(ids, 3)).containsExactly(Arrays.copyOf(prefix, 3));
            float[][] v =
                    e5.embed(
                            List.of(
                                    "A man is eating food.",
                                    "A man is eating a piece of bread.",
                                    "The stock market fell sharply on Monday."));
            assertThat(e5.dimension()).isEqualTo(384);
            assertThat(Vectors.dot(v[0], v[1])).isGreaterThan(Vectors.dot(v[0], v[2]) + 0.05f);
        }
    }

    @Test
    void aModelDirectoryEmbedsExactlyAsTheSameBuiltInModel(@TempDir Path dir) throws Exception {
        try (InputStream onnx = resource("all-minilm-l6-v2-q.onnx");
                InputStream tokenizer = resource("all-minilm-l6-v2-q-tokenizer.json")) {
            Files.copy(onnx, dir.resolve("model.onnx"));
            Files.copy(tokenizer, dir.resolve("tokenizer.json"));
        }
        Files.writeString(
                dir.resolve(EmbeddingModel.DIRECTORY_SETTINGS),
                "pooling = mean\nbatch-invariant = false\n");
        EmbeddingModel model = EmbeddingModel.byId(dir.toString());
        assertThat(model.id()).matches("dir:" + dir.getFileName() + "@[0-9a-f]{12}");
        List<String> texts = List.of("What is the capital of France?", "hi there");
        try (OnnxEmbedder fromDir =
                new OnnxEmbedder(new EmbedderConfig(model, 32, Truncation.TAIL, 4, 1, false))) {
            assertThat(fromDir.effectiveBatchSize()).isEqualTo(1);
            float[][] a = fromDir.embed(texts);
            float[][] b = embedder.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(a[i]).containsExactly(b[i]);
            }
        }
    }

    @Test
    void aModelDirectoryWithoutItsFilesOrWithABadSettingIsRefusedNamingIt(@TempDir Path dir)
            throws Exception {
        assertThatThrownBy(() -> EmbeddingModel.byId(dir.toString()))
                .hasMessageContaining("has no model.onnx");
        Files.writeString(dir.resolve("model.onnx"), "not a model");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Files.writeString(dir.resolve(EmbeddingModel.DIRECTORY_SETTINGS), "pooling = max\n");
        assertThatThrownBy(() -> EmbeddingModel.byId(dir.toString()))
                .hasMessageContaining("pooling must be mean or cls, got 'max'");
        assertThatThrownBy(() -> EmbeddingModel.byId(dir.resolve("missing").toString()))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> EmbeddingModel.byId("e5-large"))
                .hasMessageContaining("e5-small-v2-q");
    }

    private static InputStream resource(String name) {
        return OnnxEmbedderTest.class.getClassLoader().getResourceAsStream(name);
    }
}

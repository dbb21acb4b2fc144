package dev.pointsman.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.PoolCatalog;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CatalogFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PoolCatalog parse(String json) throws Exception {
        return CatalogFile.parse(JSON.readTree(json));
    }

    @Test
    void theDocumentedExampleIsAValidCatalog() throws Exception {
        // The example the README and `pool declare --help` point to.
        PoolCatalog c = CatalogFile.read(Path.of("..", "docs", "examples", "pool.json"));
        assertThat(c.getPool()).isEqualTo("support");
        assertThat(c.getModels())
                .extracting(CatalogModel::getName)
                .containsExactly("gpt-4o", "gpt-4o-mini", "llama-3.1-8b");
        CatalogModel mini = c.getModels().get(1);
        assertThat(mini.getInputPrice())
                .isEqualTo(0.15e-6, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(mini.getUpstream().getApiKeyEnv()).isEqualTo("OPENAI_API_KEY");
        CatalogModel llama = c.getModels().get(2);
        assertThat(llama.getUpstream().getModel()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(llama.getUpstream().getTimeoutMs()).isEqualTo(10_000L);
        assertThat(llama.getUpstream().getMaxConcurrent()).isEqualTo(32);
        assertThat(c.getDefaults()).containsEntry("budget.per-1k-queries", "2.0");
    }

    @Test
    void pricesPerTokenAndAModelWithoutUpstream() throws Exception {
        PoolCatalog c =
                parse(
                        "{\"pool\":\"p\",\"models\":[{\"name\":\"a\",\"inputPrice\":1e-6,"
                                + "\"outputPrice\":2e-6,\"prior\":0.7}]}");
        CatalogModel a = c.getModels().get(0);
        assertThat(a.getOutputPrice()).isEqualTo(2e-6);
        assertThat(a.getPrior()).isEqualTo(0.7);
        assertThat(a.getUpstream()).isNull();
    }

    @Test
    void everyMistakeNamesItsField() {
        assertThatThrownBy(() -> parse("{\"models\":[]}"))
                .hasMessage("pool: must be a non-empty string");
        assertThatThrownBy(() -> parse("{\"pool\":\"p\",\"models\":[]}"))
                .hasMessage("models: must be a non-empty array");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"pool\":\"p\",\"models\":[{\"name\":\"a\","
                                                + "\"inputPrice\":1e-6}]}"))
                .hasMessageContaining("models[0]: give either outputPrice");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"pool\":\"p\",\"models\":[{\"name\":\"a\",\"inputPrice\":-1,"
                                                + "\"outputPrice\":0}]}"))
                .hasMessageContaining("models[0].inputPrice: must be in [0.0, 1.0], got -1.0");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"pool\":\"p\",\"models\":[{\"name\":\"a\",\"inputPrice\":0,"
                                                + "\"outputPrice\":0},{\"name\":\"a\",\"inputPrice\":0,"
                                                + "\"outputPrice\":0}]}"))
                .hasMessageContaining("models[1].name: 'a' is named twice");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"pool\":\"p\",\"models\":[{\"name\":\"a\",\"inputPrice\":0,"
                                                + "\"outputPrice\":0,\"upstream\":{\"baseUrl\":"
                                                + "\"ftp://x/v1\"}}]}"))
                .hasMessageContaining("models[0].upstream.baseUrl: must be an http(s) URL");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"pool\":\"p\",\"models\":[{\"name\":\"a\",\"inputPrice\":0,"
                                                + "\"outputPrice\":0,\"upstream\":{\"baseUrl\":"
                                                + "\"https://x/v1\",\"apiKeyEnv\":\"sk-live-123\"}}]}"))
                .hasMessageContaining(
                        "models[0].upstream.apiKeyEnv: must name an environment variable");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"pool\":\"p\",\"defaults\":{\"exploration\":\"2\"},"
                                                + "\"models\":[{\"name\":\"a\",\"inputPrice\":0,"
                                                + "\"outputPrice\":0}]}"))
                .hasMessageStartingWith("defaults: ")
                .hasMessageContaining("exploration");
        // A judge must be one of the pool's models that the gateway can send to.
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"pool\":\"p\",\"defaults\":{\"judge.model\":\"a\"},"
                                                + "\"models\":[{\"name\":\"a\",\"inputPrice\":0,"
                                                + "\"outputPrice\":0}]}"))
                .hasMessage("defaults: catalog of p: judge.model 'a' has no upstream");
    }
}

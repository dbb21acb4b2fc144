package dev.pointsman.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class BenchmarkLoaderTest {
    private static final String GOOD_1 =
            "{\"id\":\"q1\",\"dataset\":\"d\",\"prompt\":\"p1\",\"scores\":{\"b\":1,\"a\":0.5},\"costs\":{\"a\":0.1,\"b\":0.2},\"extra\":7}";
    private static final String GOOD_2 =
            "{\"id\":\"q2\",\"dataset\":\"e\",\"prompt\":\"p2\",\"scores\":{\"a\":0,\"b\":0.25},\"costs\":{\"a\":0.3,\"b\":0}}";

    private static Benchmark load(String text) throws IOException {
        return BenchmarkLoader.load(new StringReader(text), "bench.jsonl");
    }

    private static BenchmarkFormatException error(String text) {
        return catchThrowableOfType(BenchmarkFormatException.class, () -> load(text));
    }

    @Test
    void readsRowsWithModelsInNameOrderAndIgnoresExtraFields() throws IOException {
        Benchmark b = load(GOOD_1 + "\n\n" + GOOD_2 + "\n");
        assertThat(b.models()).containsExactly("a", "b");
        assertThat(b.hasCosts()).isTrue();
        assertThat(b.datasets()).containsExactly("d", "e");
        assertThat(b.rows().get(0).scores()).containsExactly(0.5, 1.0);
        assertThat(b.rows().get(1).costs()).containsExactly(0.3, 0.0);
        assertThat(b.onlyDatasets(java.util.List.of("e")).rows())
                .extracting(BenchmarkRow::id)
                .containsExactly("q2");
    }

    @Test
    void qualityOnlyRowsWithSplitsLoad() throws IOException {
        Benchmark b =
                load(
                        "{\"id\":\"q\",\"dataset\":\"d\",\"split\":\"ood\",\"prompt\":\"p\",\"scores\":{\"m\":1}}");
        assertThat(b.hasCosts()).isFalse();
        assertThat(b.hasFixedSplits()).isTrue();
        assertThat(b.rows().get(0).costs()).isNull();
    }

    @Test
    void malformedJsonNamesTheLine() {
        BenchmarkFormatException e = error(GOOD_1 + "\n{\"id\": \"q2\", oops}\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).startsWith("bench.jsonl:2: malformed JSON");
    }

    @Test
    void missingScoresAreAnError() {
        assertThat(error("{\"id\":\"q\",\"dataset\":\"d\",\"prompt\":\"p\"}").reason())
                .contains("missing 'scores'");
    }

    @Test
    void nonFiniteAndOutOfRangeScoresAreErrors() {
        assertThat(error(GOOD_1.replace("\"b\":1,", "\"b\":1e999,")).reason())
                .isEqualTo("scores.b is not finite");
        assertThat(error(GOOD_1.replace("\"b\":1,", "\"b\":NaN,")).reason())
                .startsWith("malformed JSON");
        assertThat(error(GOOD_1.replace("\"b\":1,", "\"b\":1.5,")).reason())
                .contains("outside [0, 1]");
        assertThat(error(GOOD_1.replace("\"b\":1,", "\"b\":\"high\",")).reason())
                .contains("scores.b is not a number");
    }

    @Test
    void negativeCostsAreAnError() {
        BenchmarkFormatException e =
                error(GOOD_1 + "\n" + GOOD_2.replace("\"a\":0.3", "\"a\":-0.3"));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.reason()).isEqualTo("costs.a = -0.3 is negative");
    }

    @Test
    void aRowLackingAModelTheOthersHaveIsAnError() {
        BenchmarkFormatException e = error(GOOD_1 + "\n" + GOOD_2.replace("\"a\":0,", ""));
        assertThat(e.getMessage())
                .isEqualTo("bench.jsonl:2: scores lacks model 'a' that line 1 has");
        assertThat(
                        error(GOOD_1 + "\n" + GOOD_2.replace("\"b\":0.25", "\"b\":0.25,\"c\":1"))
                                .reason())
                .isEqualTo("scores has model 'c' that line 1 lacks");
    }

    @Test
    void costsPresentOnSomeRowsOnlyAreAnError() {
        String noCosts = GOOD_2.replaceAll(",\"costs\":\\{[^}]*}", "");
        assertThat(error(GOOD_1 + "\n" + noCosts).reason())
                .isEqualTo("row has no 'costs' but line 1 has");
    }

    @Test
    void duplicateIdsAndMissingFieldsAreErrors() {
        assertThat(error(GOOD_1 + "\n" + GOOD_1).reason()).isEqualTo("duplicate id 'q1'");
        assertThat(error(GOOD_1.replace("\"prompt\":\"p1\",", "")).reason())
                .isEqualTo("missing or empty string field 'prompt'");
        assertThat(error("").reason()).isEqualTo("the file holds no rows");
        assertThat(error("[1,2]").reason()).isEqualTo("expected a JSON object");
    }
}

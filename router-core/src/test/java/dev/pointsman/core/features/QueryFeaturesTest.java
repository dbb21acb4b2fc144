package dev.pointsman.core.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueryFeaturesTest {

    @Test
    void codeAndArithmeticAreCountedByHand() {
        String code = "def f(x):\n    return x + 1;";
        double[] f = QueryFeatures.of(code);
        assertThat(f).hasSize(QueryFeatures.NAMES.size());
        assertThat(f[0]).isCloseTo(Math.log1p(code.length()), within(1e-12));
        assertThat(f[1]).isCloseTo(Math.log(2), within(1e-12)); // two lines
        assertThat(f[2]).isCloseTo(1.0 / code.length(), within(1e-12)); // the digit 1
        // Symbols: ( ) : + ;
        assertThat(f[3]).isCloseTo(5.0 / code.length(), within(1e-12));
        assertThat(f[4]).isZero();
        // "def ", "return", and ";" at the end of the line.
        assertThat(f[5]).isCloseTo(Math.log1p(3), within(1e-12));
        assertThat(f[6]).isZero();
        assertThat(f[7]).isZero();

        String question = "How many apples? 3 + 4 = 7";
        double[] maths = QueryFeatures.of(question);
        // "3 + 4", "4 = 7" overlap at the 4: the regex finds "3 + 4" only, then "how many".
        assertThat(maths[6]).isCloseTo(Math.log1p(2), within(1e-12));
        assertThat(maths[7]).isEqualTo(1);
        assertThat(maths[4]).isCloseTo(1.0 / question.length(), within(1e-12));
    }

    @Test
    void standardisedColumnsHaveMeanZeroAndUnitSpreadAndAConstantColumnStaysZero() {
        List<String> prompts = List.of("short?", "a longer prompt here?", "def f(): return 1?");
        double[][] rows = QueryFeatures.standardised(prompts);
        for (int j = 0; j < QueryFeatures.NAMES.size(); j++) {
            double mean = 0;
            double square = 0;
            for (double[] row : rows) {
                mean += row[j] / rows.length;
                square += row[j] * row[j] / rows.length;
            }
            assertThat(mean).isCloseTo(0, within(1e-9));
            if (j == 7) { // every prompt has a question mark
                assertThat(square).isZero();
            } else if (j != 1 && j != 4 && j != 6) { // one line, no capitals, no maths: constant
                assertThat(square).isCloseTo(1, within(1e-9));
            }
        }
    }
}

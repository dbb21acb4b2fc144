package dev.pointsman.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {

    @Test
    void randomSplitsAre70_10_20DisjointAndCoverEveryRow() {
        int[] rows = IntStream.range(100, 1100).toArray();
        Splits.Split s = Splits.random(rows, 3);
        assertThat(s.train()).hasSize(700);
        assertThat(s.validation()).hasSize(100);
        assertThat(s.test()).hasSize(200);
        int[] all =
                IntStream.concat(
                                IntStream.concat(
                                        Arrays.stream(s.train()), Arrays.stream(s.validation())),
                                Arrays.stream(s.test()))
                        .sorted()
                        .toArray();
        assertThat(all).containsExactly(rows);
    }

    @Test
    void aSeedFixesTheSplitAndAnotherSeedChangesIt() {
        int[] rows = IntStream.range(0, 50).toArray();
        assertThat(Splits.random(rows, 1).train()).containsExactly(Splits.random(rows, 1).train());
        assertThat(Splits.random(rows, 1).train()).isNotEqualTo(Splits.random(rows, 2).train());
    }

    @Test
    void fixedSplitsHoldOutValidationFromTrainOnly() {
        List<String> splits = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            splits.add("train");
        }
        for (int i = 0; i < 10; i++) {
            splits.add("test");
            splits.add("ood");
        }
        Splits.Split s = Splits.fixed(splits, 0);
        assertThat(s.validation()).hasSize(10);
        assertThat(s.train()).hasSize(70);
        assertThat(s.test()).hasSize(20);
        assertThat(Arrays.stream(s.test()))
                .allSatisfy(i -> assertThat(i).isGreaterThanOrEqualTo(80));
        assertThat(IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())))
                .allSatisfy(i -> assertThat(i).isLessThan(80));
    }

    @Test
    void unknownSplitNamesAndTinyInputsAreRejected() {
        assertThatThrownBy(() -> Splits.fixed(List.of("train", "train", "dev"), 0))
                .hasMessageContaining("row 2 has split 'dev'");
        assertThatThrownBy(() -> Splits.random(new int[] {1, 2}, 0))
                .hasMessageContaining("at least 3 rows");
    }
}

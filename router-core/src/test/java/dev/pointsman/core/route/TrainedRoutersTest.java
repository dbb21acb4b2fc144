package dev.pointsman.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainedRoutersTest {
    private static final TrainingSet TRAIN = Clusters.make(200, 1);
    private static final TrainingSet VALIDATION = Clusters.make(40, 2);
    private static final TrainingSet TEST = Clusters.make(50, 3);

    @ParameterizedTest
    @ValueSource(strings = {"global-trend", "linear", "mlp", "linear-mf", "mlp-mf"})
    void aDecodedRouterPredictsBitForBitWhatTheEncodedOnePredicted(String name) {
        UtilityPredictor fitted = Routers.byName(name).fit(TRAIN, VALIDATION, 5);
        UtilityPredictor decoded =
                (UtilityPredictor) TrainedRouters.decode(TrainedRouters.encode(fitted));
        assertThat(decoded.getClass()).isEqualTo(fitted.getClass());
        assertThat(decoded.modelCount()).isEqualTo(fitted.modelCount());
        assertThat(decoded.predictsCosts()).isEqualTo(fitted.predictsCosts());
        Predictions before = fitted.predictAll(TEST.vectors());
        Predictions after = decoded.predictAll(TEST.vectors());
        assertThat(after.scores()).isDeepEqualTo(before.scores());
        assertThat(after.costs()).isDeepEqualTo(before.costs());
    }

    @Test
    void knnShrinkageKeepsItsChoicesAndTrend() {
        KnnShrunkTrainer trainer = new KnnShrunkTrainer();
        trainer.fit(TRAIN, VALIDATION, 5);
        KnnShrinkage fitted = trainer.shrinkage();
        KnnShrinkage decoded = (KnnShrinkage) TrainedRouters.decode(TrainedRouters.encode(fitted));
        assertThat(decoded.k()).isEqualTo(fitted.k());
        assertThat(decoded.priorStrength()).isEqualTo(fitted.priorStrength());
        assertThat(decoded.toString()).isEqualTo(fitted.toString());
    }

    @Test
    void bytesThatAreNotAWholeRouterOfThisFormatAreRefusedWithTheReason() {
        byte[] good = TrainedRouters.encode(Routers.byName("linear").fit(TRAIN, VALIDATION, 5));
        assertThatThrownBy(() -> TrainedRouters.decode("not a router".getBytes()))
                .hasMessage("reading a trained router failed: not a trained router");
        byte[] newer = good.clone();
        newer[4] = 2;
        assertThatThrownBy(() -> TrainedRouters.decode(newer))
                .hasMessage(
                        "reading a trained router failed: format version 2, this build reads 1");
        byte[] unknownKind = good.clone();
        unknownKind[5] = 9;
        assertThatThrownBy(() -> TrainedRouters.decode(unknownKind))
                .hasMessageContaining("unknown router kind 9");
        assertThatThrownBy(() -> TrainedRouters.decode(Arrays.copyOf(good, good.length - 3)))
                .hasMessageStartingWith("reading a trained router failed");
        byte[] longer = Arrays.copyOf(good, good.length + 2);
        assertThatThrownBy(() -> TrainedRouters.decode(longer))
                .hasMessage("reading a trained router failed: 2 bytes left over");
        byte[] hugeLength = good.clone();
        // the model count, then the target count: claim 2^30 targets
        hugeLength[10] = 0x40;
        assertThatThrownBy(() -> TrainedRouters.decode(hugeLength))
                .hasMessageContaining("outside [0, ");
        assertThatThrownBy(() -> TrainedRouters.encode("a string"))
                .hasMessage("String is not a router a trainer ships");
    }
}

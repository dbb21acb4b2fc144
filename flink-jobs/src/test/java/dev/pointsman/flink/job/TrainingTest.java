package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.core.route.KnnShrinkage;
import dev.pointsman.core.route.RouterSpec;
import dev.pointsman.core.route.TrainedRouters;
import dev.pointsman.core.route.UtilityPredictor;
import dev.pointsman.core.vector.Vectors;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.codec.Float32Vectors;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingTest {
    private static List<FeedbackExample> examples(int n, Random random) {
        List<FeedbackExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[8];
            for (int j = 0; j < 8; j++) {
                v[j] = (float) random.nextGaussian();
            }
            double truth = 0.5 + 0.4 * Vectors.l2Normalized(v)[0];
            out.add(
                    FeedbackExample.newBuilder()
                            .setExampleId("e" + i)
                            .setPool("p")
                            .setVector(Float32Vectors.toBytes(v))
                            .setDimension(8)
                            .setEmbedder("t")
                            // "b" is observed on half the examples only.
                            .setOutcomes(
                                    i % 2 == 0
                                            ? Map.of(
                                                    "a",
                                                    new ObservedOutcome(truth, 0.1, 1.0, null),
                                                    "b",
                                                    new ObservedOutcome(0.3, 0.2, 1.0, null))
                                            : Map.of(
                                                    "a",
                                                    new ObservedOutcome(truth, 0.1, 1.0, null)))
                            .setTs(Instant.ofEpochMilli(i))
                            .build());
        }
        return out;
    }

    @Test
    void aShippedRouterPredictsExactlyAsTheOneThatWasFitted() {
        Random random = new Random(8);
        for (String router : List.of("linear", "mlp")) {
            Object trained =
                    Training.fit(
                            RouterSpec.parse(router),
                            examples(200, random),
                            List.of("a", "b"),
                            10,
                            1);
            UtilityPredictor fitted = (UtilityPredictor) trained;
            UtilityPredictor shipped =
                    (UtilityPredictor) TrainedRouters.decode(TrainedRouters.encode(trained));
            float[] q = Vectors.l2Normalized(new float[] {1, 0, 0, 0, 0, 0, 0, 0});
            double[] s1 = new double[2];
            double[] c1 = new double[2];
            double[] s2 = new double[2];
            double[] c2 = new double[2];
            fitted.predict(q, s1, c1);
            shipped.predict(q, s2, c2);
            assertThat(s2).containsExactly(s1);
            assertThat(c2).containsExactly(c1);
            if (router.equals("linear")) {
                assertThat(s1[0]).isCloseTo(0.9, org.assertj.core.data.Offset.offset(0.05));
                assertThat(s1[1]).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.05));
            }
        }
    }

    /** knn-shrunk ships what it chose (k, α, the trend), not the window's vectors. */
    @Test
    void knnShrunkShipsItsParametersAndNotItsIndex() {
        Random random = new Random(9);
        KnnShrinkage fitted =
                (KnnShrinkage)
                        Training.fit(
                                RouterSpec.parse("knn-shrunk"),
                                examples(200, random),
                                List.of("a", "b"),
                                10,
                                1);
        byte[] bytes = TrainedRouters.encode(fitted);
        assertThat(bytes.length).as("no 200 × 8 floats inside").isLessThan(1_500);
        KnnShrinkage shipped = (KnnShrinkage) TrainedRouters.decode(bytes);
        assertThat(shipped.k()).isEqualTo(fitted.k()).isIn(5, 10);
        assertThat(shipped.priorStrength()).isEqualTo(fitted.priorStrength());
        assertThat(shipped.toString()).isEqualTo(fitted.toString());
        assertThat(RouterSpec.parse("knn-shrunk").trained()).isTrue();
    }

    @Test
    void bytesThatAreNotATrainedRouterAreRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(java.net.URI.create("http://example.org"));
        }
        assertThatThrownBy(() -> TrainedRouters.decode(bytes.toByteArray()))
                .hasMessageContaining("reading a trained router failed");
        assertThat(RouterSpec.parse("linear").trained()).isTrue();
        assertThat(RouterSpec.parse("knn-10").trained()).isFalse();
    }
}

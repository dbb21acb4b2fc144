package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.flink.support.ShardEvent;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final long CATALOG_WAIT = 10_000;

    private static PoolCatalog catalog() {
        return PoolCatalog.newBuilder()
                .setPool("p")
                .setModels(
                        List.of(
                                CatalogModel.newBuilder()
                                        .setName("big")
                                        .setInputPrice(0)
                                        .setOutputPrice(0)
                                        .build(),
                                CatalogModel.newBuilder()
                                        .setName("small")
                                        .setInputPrice(0)
                                        .setOutputPrice(0)
                                        .build()))
                .setDefaults(Map.of("router", "linear"))
                .build();
    }

    private static ShardEvent example(int i, Random random) {
        float[] v = new float[4];
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) random.nextGaussian();
        }
        FeedbackExample e =
                FeedbackExample.newBuilder()
                        .setExampleId("x" + i)
                        .setPool("p")
                        .setVector(Float32Vectors.toBytes(v))
                        .setDimension(v.length)
                        .setEmbedder("e")
                        .setOutcomes(
                                Map.of(
                                        "big",
                                        new ObservedOutcome(v[0] > 0 ? 1.0 : 0.0, 0.01, 1.0, null),
                                        "small",
                                        new ObservedOutcome(0.5, 0.001, 1.0, null)))
                        .setTs(Instant.ofEpochMilli(i))
                        .build();
        return ShardEvent.feedback(
                "p", 0, 1, SingleObjectCodec.of(FeedbackExample.class).encode(e));
    }

    @Test
    void examplesThatWaitedForTheCatalogAreFittedOnceTheFeedIsQuiet() throws Exception {
        Trainer trainer =
                new Trainer(
                        1_000,
                        1_000,
                        Duration.ofHours(1),
                        10,
                        Duration.ofMillis(CATALOG_WAIT),
                        null);
        try (KeyedBroadcastOperatorTestHarness<String, ShardEvent, CatalogUpdate, CatalogUpdate> h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        trainer, e -> e.pool, Types.STRING, CatalogGate.CATALOGS)) {
            h.setProcessingTime(0);
            Random random = new Random(5);
            for (int i = 0; i < 40; i++) {
                h.processElement(example(i, random), 0);
            }
            assertThat(h.extractOutputValues()).as("waiting for the catalog").isEmpty();
            h.processBroadcastElement(
                    new CatalogUpdate(
                            "p", SingleObjectCodec.of(PoolCatalog.class).encode(catalog())),
                    1);
            // The first fit as soon as there were enough (30); the last 10 are not due yet.
            assertThat(h.extractOutputValues()).extracting(u -> u.version).containsExactly(1L);

            // The gate's wait for the catalog ends, and the quiet timer it sets after it.
            h.setProcessingTime(CATALOG_WAIT);
            assertThat(h.extractOutputValues()).hasSize(1);
            h.setProcessingTime(CATALOG_WAIT + Trainer.QUIET_MS);
            assertThat(h.extractOutputValues())
                    .as("a second fit, on all 40")
                    .extracting(u -> u.version)
                    .containsExactly(1L, 2L);
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }
}

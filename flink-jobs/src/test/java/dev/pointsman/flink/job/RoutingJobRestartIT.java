package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.RoutingDecision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing job cancelled while queries are in flight and restarted from its last retained
 * checkpoint: with decisions written in transactions every query has exactly one committed
 * decision; written at once (the default) every query has at least one, and a repeat is a decision
 * for the same query; either way the restored support set is the one it had (its feedback is not
 * read again; it comes back from RocksDB state).
 */
class RoutingJobRestartIT {
    private static final String POOL = "restart";
    private static final int EXAMPLES = 40;

    @RegisterExtension static final MiniClusterExtension FLINK = RouterTestKit.miniCluster();

    @TempDir Path dir;

    @Test
    void restartFromCheckpointDecidesEveryQueryExactlyOnceWithTheSameSupportSet() throws Exception {
        Map<String, Integer> seen = restart(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(seen).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
    }

    @Test
    void decisionsWrittenAtOnceAreNeverLostAcrossARestart() throws Exception {
        Map<String, Integer> seen = restart(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(seen).allSatisfy((id, count) -> assertThat(count).as(id).isPositive());
    }

    /**
     * Runs the job, cancels it with queries in flight, restores it and sends more; returns how many
     * committed decisions each query has.
     */
    private Map<String, Integer> restart(DeliveryGuarantee guarantee) throws Exception {
        try (RouterTestKit kit = new RouterTestKit(dir.resolve(guarantee.name()))) {
            Path checkpoints = dir.resolve(guarantee.name()).resolve("checkpoints");
            JobClient first =
                    kit.start(checkpoints, null, "restart-router", b -> b.delivery(guarantee));
            kit.catalog(
                    POOL,
                    Map.of(),
                    RouterTestKit.model("big", null),
                    RouterTestKit.model("small", null));
            for (int i = 0; i < EXAMPLES; i++) {
                kit.example(
                        POOL,
                        "x" + i,
                        i,
                        Map.of(
                                "big", new ObservedOutcome(0.9, 0.01, 1.0, null),
                                "small", new ObservedOutcome((double) (i % 2), 0.001, 1.0, null)));
            }
            List<String> all = new ArrayList<>(kit.awaitSupport(POOL, EXAMPLES));
            List<String> batch1 = kit.queries(POOL, "a", 30);
            all.addAll(batch1);
            assertThat(kit.read(batch1, Duration.ofSeconds(90), new HashMap<>()))
                    .containsKeys(batch1.toArray(new String[0]));

            // Queries in flight when the job goes away; their transactions are never committed.
            List<String> afterFirst = new ArrayList<>(kit.queries(POOL, "b", 30));
            Thread.sleep(200);
            first.cancel().get();

            JobClient second =
                    kit.start(
                            checkpoints,
                            LocalJob.latestCheckpoint(checkpoints)
                                    .orElseThrow(
                                            () -> new AssertionError("no completed checkpoint")),
                            "restart-router",
                            b -> b.delivery(guarantee));
            try {
                afterFirst.addAll(kit.queries(POOL, "c", 30));
                all.addAll(afterFirst);
                Map<String, Integer> seen = new HashMap<>();
                Map<String, RoutingDecision> everything =
                        kit.read(all, Duration.ofSeconds(120), seen);
                assertThat(everything).containsKeys(all.toArray(new String[0]));
                assertThat(everything).hasSize(all.size());
                assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(all);
                for (String id : afterFirst) {
                    assertThat(everything.get(id).getSupportSize())
                            .as("support size seen by " + id)
                            .isEqualTo(EXAMPLES);
                }
                return seen;
            } finally {
                second.cancel().get();
            }
        }
    }
}

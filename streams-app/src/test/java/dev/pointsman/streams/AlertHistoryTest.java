package dev.pointsman.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's alert store is filled from {@code router.alerts}: the app's alerts and the job's. */
class AlertHistoryTest {
    private static final long MINUTE = 60_000;

    @TempDir Path state;
    private TopologyFixture f;

    @BeforeEach
    void start() {
        TopologySettings d =
                TopologySettings.defaults()
                        .withWindow(Duration.ofMinutes(1), Duration.ofSeconds(10));
        f =
                new TopologyFixture(
                        new TopologySettings(
                                d.feedbackGrace(),
                                d.ledgerRetention(),
                                d.window(),
                                d.windowGrace(),
                                d.oodThreshold(),
                                d.shadowCap(),
                                Duration.ofMinutes(10),
                                d.trendHalfLife(),
                                d.alerts(),
                                d.clockSkew()),
                        state);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static Alert alert(String pool, String kind, long start) {
        return Alert.newBuilder()
                .setPool(pool)
                .setKind(kind)
                .setValue(1)
                .setThreshold(0)
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(start + MINUTE))
                .build();
    }

    @Test
    void theJobsAlertsAreListedOncePerPoolWindowAndKind() throws Exception {
        Alert fallback = alert("p", "fallback/knn-shrunk", 2 * MINUTE);
        Alert budget = alert("p", "budget-unreachable", MINUTE);
        Alert other = alert("q", "fallback/knn-shrunk", 2 * MINUTE);
        f.jobAlert(fallback);
        f.jobAlert(budget);
        f.jobAlert(other);
        f.jobAlert(fallback); // read twice (a producer's retry, a restart)

        assertThat(f.storedAlerts()).containsExactly(budget, fallback, other);
    }

    @Test
    void alertsOlderThanTheHistoryBeforeThePoolsNewestAreDropped() throws Exception {
        Alert old = alert("p", "drift-psi", 0);
        Alert recent = alert("p", "drift-psi", 5 * MINUTE);
        Alert otherPool = alert("q", "drift-psi", 0);
        f.jobAlert(old);
        f.jobAlert(otherPool);
        f.jobAlert(recent);
        assertThat(f.storedAlerts()).containsExactly(old, recent, otherPool);

        // History 10 min: the newest window ends at 13 min, so anything that started before 3 min.
        Alert newest = alert("p", "embedding-shift", 12 * MINUTE);
        f.jobAlert(newest);
        assertThat(f.storedAlerts()).containsExactly(recent, newest, otherPool);
    }

    @Test
    void anUnreadableRecordOnTheAlertsTopicGoesToTheDeadLetterTopic() throws Exception {
        f.alertsIn.pipeInput("p", "not avro".getBytes(StandardCharsets.UTF_8), 0);
        f.alertsIn.pipeInput("p", null, 0);
        Alert fine = alert("p", "drift-psi", 0);
        f.jobAlert(fine);

        List<DeadLetter> letters = f.dlq.readValuesToList();
        assertThat(letters)
                .hasSize(2)
                .allSatisfy(
                        d -> {
                            assertThat(d.getSourceTopic()).isEqualTo("router.alerts");
                            assertThat(d.getKind()).isEqualTo("undecodable");
                            assertThat(d.getComponent()).isEqualTo("streams-app");
                        });
        assertThat(letters.get(1).getReason()).contains("tombstone");
        assertThat(f.storedAlerts()).containsExactly(fine);
        assertThat(f.appMetrics.deadLetters("undecodable")).isEqualTo(2);
    }
}

package dev.pointsman.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.streams.ledger.QueryLedger;
import dev.pointsman.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackJoinTest {
    private static final long GRACE = 30_000;

    @TempDir Path state;
    private TopologyFixture f;

    @BeforeEach
    void start() {
        f =
                new TopologyFixture(
                        TopologySettings.defaults()
                                .withFeedback(Duration.ofMillis(GRACE), Duration.ofMinutes(2)),
                        state);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void outcomesJoinTheirQueryAndMergeByModel() {
        f.query("q1", 1_000, 0.6f, 0.8f, 0, 0);
        f.decision(
                "q1",
                1_000,
                "a",
                0.1,
                Map.of("a", new double[] {0.9, 1}, "b", new double[] {0.4, 0.1}));
        f.outcome("q1", "a", 1.0, 0.5, 2_000);
        f.outcome("q1", "b", 0.0, 0.1, 3_000);

        List<FeedbackExample> examples = f.feedback.readValuesToList();
        assertThat(examples).hasSize(2);
        FeedbackExample merged = examples.get(1);
        assertThat(merged.getExampleId()).isEqualTo("q1");
        assertThat(merged.getPool()).isEqualTo(TopologyFixture.POOL);
        assertThat(merged.getEmbedder()).isEqualTo("test/tail/128");
        assertThat(merged.getTs().toEpochMilli()).isEqualTo(1_000);
        assertThat(Float32Vectors.fromBytes(merged.getVector(), merged.getDimension()))
                .containsExactly(0.6f, 0.8f, 0, 0);
        assertThat(merged.getOutcomes()).containsOnlyKeys("a", "b");
        assertThat(merged.getOutcomes().get("a").getScore()).isEqualTo(1.0);
        assertThat(merged.getOutcomes().get("b").getCost()).isEqualTo(0.1);
        // Not explored: b's outcome was the gateway's own idea, observed as if for certain.
        assertThat(merged.getOutcomes().get("b").getPropensity()).isEqualTo(1.0);
        assertThat(f.dlq.isEmpty()).isTrue();
    }

    @Test
    void anExploredModelsOutcomeCarriesTheExplorationProbability() {
        f.query("q1", 1_000, 0.6f, 0.8f, 0, 0);
        f.decision(
                "q1",
                1_000,
                "a",
                0.1,
                Map.of("a", new double[] {0.9, 1}, "b", new double[] {0.5, 0.1}),
                0.2);
        f.outcome("q1", "a", 1.0, 0.5, 2_000);
        f.outcome("q1", "b", 0.0, 0.1, 3_000);

        FeedbackExample merged = f.feedback.readValuesToList().get(1);
        assertThat(merged.getOutcomes().get("a").getPropensity()).isEqualTo(1.0);
        assertThat(merged.getOutcomes().get("b").getPropensity()).isEqualTo(0.2);
    }

    @Test
    void anOutcomeBeforeItsExploringDecisionIsSentAgainWithItsPropensity() {
        f.query("q2", 1_000, 0.6f, 0.8f, 0, 0);
        f.outcome("q2", "b", 0.0, 0.1, 1_500);
        f.decision(
                "q2",
                1_000,
                "a",
                0.1,
                Map.of("a", new double[] {0.9, 1}, "b", new double[] {0.5, 0.1}),
                0.2);

        List<FeedbackExample> examples = f.feedback.readValuesToList();
        assertThat(examples).hasSize(2);
        assertThat(examples.get(0).getOutcomes().get("b").getPropensity()).isEqualTo(1.0);
        assertThat(examples.get(1).getOutcomes().get("b").getPropensity()).isEqualTo(0.2);
    }

    @Test
    void anAnswersCostComesFirstAndItsScoreCompletesIt() {
        f.query("q1", 1_000, 0.6f, 0.8f, 0, 0);
        f.decision("q1", 1_000, "a", 0.1, Map.of("a", new double[] {0.9, 1}));
        f.costOnly("q1", "a", 0.5, 2_000);
        FeedbackExample costed = f.feedback.readValue();
        assertThat(costed.getOutcomes().get("a").getScore()).isNaN();
        assertThat(costed.getOutcomes().get("a").getCost()).isEqualTo(0.5);

        // The rating completes it; the cost stays the one paid.
        f.outcome("q1", "a", 0.8, 0.7, 3_000);
        FeedbackExample rated = f.feedback.readValue();
        assertThat(rated.getOutcomes().get("a").getScore()).isEqualTo(0.8);
        assertThat(rated.getOutcomes().get("a").getCost()).isEqualTo(0.5);
        assertThat(f.dlq.isEmpty()).isTrue();

        // A second rating, or a cost after the rating, repeats it.
        f.outcome("q1", "a", 0.3, 0.5, 4_000);
        f.costOnly("q1", "a", 0.5, 4_000);
        assertThat(f.dlq.readValuesToList())
                .extracting(DeadLetter::getReason)
                .containsOnly("duplicate outcome for model 'a' of query q1");
        assertThat(f.feedback.isEmpty()).isTrue();
    }

    @Test
    void aCostAndItsScoreThatBothCameBeforeTheQueryMerge() {
        f.costOnly("q2", "a", 0.2, 1_500);
        f.outcome("q2", "a", 1.0, 0.2, 1_600);
        f.costOnly("q2", "a", 0.2, 1_700);
        f.query("q2", 1_000, 1, 0, 0, 0);

        List<FeedbackExample> examples = f.feedback.readValuesToList();
        FeedbackExample last = examples.get(examples.size() - 1);
        assertThat(last.getOutcomes().get("a").getScore()).isEqualTo(1.0);
        assertThat(last.getOutcomes().get("a").getCost()).isEqualTo(0.2);
        assertThat(f.dlq.readValuesToList())
                .extracting(DeadLetter::getReason)
                .containsExactly("duplicate outcome for model 'a' of query q2");
    }

    @Test
    void aFarFutureEventTimeGoesToTheDlqAndExpiresNothing() {
        f.query("q1", 1_000, 0.6f, 0.8f, 0, 0);
        f.decision("q1", 1_000, "a", 0.1, Map.of("a", new double[] {0.9, 1}));
        // Microseconds sent as milliseconds: without the bound, the ledger's clock would jump
        // past every query's retention and expire them all.
        long micros = System.currentTimeMillis() * 1000;
        f.outcome("q1", "a", 1.0, 0.5, micros);
        f.query("far", micros, 1, 0, 0, 0);
        assertThat(f.dlq.readValuesToList())
                .extracting(DeadLetter::getReason)
                .hasSize(2)
                .allSatisfy(
                        r ->
                                assertThat(r)
                                        .contains(
                                                "ahead of its record's broker time and this"
                                                        + " component's clock"));
        // q1 is still in the ledger: its outcome joins.
        f.outcome("q1", "a", 1.0, 0.5, 2_000);
        assertThat(f.feedback.readValue().getOutcomes()).containsOnlyKeys("a");
        assertThat(f.dlq.isEmpty()).isTrue();
    }

    @Test
    void aRepeatedQueryAndAnIdOfAnotherPoolGoToTheDlqAndTheFirstQueryCounts() {
        f.query("q1", 1_000, 0.6f, 0.8f, 0, 0);
        f.query("q1", 1_100, 0.6f, 0.8f, 0, 0);
        f.query("other-pool", "q1", 1_200, 0.6f, 0.8f, 0, 0);
        List<DeadLetter> letters = f.dlq.readValuesToList();
        // The shared DLQ keeps no prompt text: the length and hash of the record instead.
        assertThat(letters)
                .allSatisfy(
                        d -> {
                            assertThat(d.getPayload()).isNull();
                            assertThat(d.getPayloadBytes()).isPositive();
                            assertThat(d.getPayloadSha256()).hasSize(64);
                        });
        assertThat(letters)
                .extracting(DeadLetter::getKind)
                .containsExactly("duplicate", "collision");
        assertThat(letters)
                .extracting(DeadLetter::getPool)
                .containsExactly(TopologyFixture.POOL, "other-pool");
        // The streams app counts every dead letter on router.dlq by pool, component and kind.
        assertThat(f.appMetrics.deadLettersSeen("other-pool", "streams-app", "collision"))
                .isEqualTo(1);
        assertThat(letters)
                .extracting(DeadLetter::getReason)
                .containsExactly(
                        "query q1 of pool "
                                + TopologyFixture.POOL
                                + " came again while the first is in the ledger; the first counts",
                        "query id q1 of pool other-pool collides with a query of pool "
                                + TopologyFixture.POOL
                                + " in the ledger; query ids must be unique across pools");
        f.decision("q1", 1_000, "a", 0.1, Map.of("a", new double[] {0.9, 1}));
        f.outcome("q1", "a", 1.0, 0.5, 2_000);
        FeedbackExample joined = f.feedback.readValue();
        assertThat(joined.getPool()).isEqualTo(TopologyFixture.POOL);
        assertThat(joined.getTs().toEpochMilli()).isEqualTo(1_000);
    }

    @Test
    void theBrokersTimeBoundsTheEventTimeAClientClaims() {
        f.query("q1", 1_000, 0.6f, 0.8f, 0, 0);
        f.decision(
                "q1",
                1_000,
                "a",
                0.1,
                Map.of("a", new double[] {0.9, 1}, "b", new double[] {0.5, 0.1}));
        // Ten minutes after the broker stamped it: future, though still behind the app's clock.
        f.outcomeStamped("q1", "a", 1.0, 0.5, 1_500 + 600_000, 1_500);
        // Two hours before the broker stamped it (retention 2 min): past.
        f.outcomeStamped("q1", "b", 1.0, 0.1, 1_000, 1_000 + 7_200_000);
        assertThat(f.dlq.readValuesToList())
                .extracting(DeadLetter::getReason)
                .satisfiesExactly(
                        r -> assertThat(r).contains("600000 ms ahead of its record's broker time"),
                        r ->
                                assertThat(r)
                                        .contains("7200000 ms before its record's broker time")
                                        .contains("(--feedback-retention 120000 ms)"));
        assertThat(f.feedback.isEmpty()).isTrue();
        // Within the bounds the same outcome joins.
        f.outcomeStamped("q1", "a", 1.0, 0.5, 1_600, 1_700);
        assertThat(f.feedback.readValue().getOutcomes()).containsOnlyKeys("a");
    }

    @Test
    void anOutcomeForAModelTheDecisionDidNotPredictGoesToTheDlqAndTheRestStillJoin() {
        f.query("q1", 1_000, 0.6f, 0.8f, 0, 0);
        // Before the decision: kept until the decision says which models the pool had.
        f.outcome("q1", "ghost", 1.0, 0.1, 1_500);
        f.decision(
                "q1",
                1_000,
                "a",
                0.1,
                Map.of("a", new double[] {0.9, 1}, "b", new double[] {0.5, 0.1}));
        f.outcome("q1", "phantom", 1.0, 0.1, 2_000);
        f.outcome("q1", "a", 1.0, 0.5, 2_500);
        List<DeadLetter> dead = f.dlq.readValuesToList();
        assertThat(dead)
                .extracting(DeadLetter::getReason)
                .containsExactly(
                        "outcome for model 'ghost' of query q1, which its decision did not"
                                + " predict (pool "
                                + TopologyFixture.POOL
                                + "'s models then: a, b)",
                        "outcome for model 'phantom' of query q1, which its decision did not"
                                + " predict (pool "
                                + TopologyFixture.POOL
                                + "'s models then: a, b)");
        assertThat(dead.get(0).getSourceTopic()).isEqualTo(Topics.OUTCOMES);
        List<FeedbackExample> examples = f.feedback.readValuesToList();
        assertThat(examples.get(examples.size() - 1).getOutcomes()).containsOnlyKeys("a");
    }

    @Test
    void anOutcomeBeforeItsQueryWaitsForIt() {
        f.outcome("q2", "a", 0.5, 0.2, 1_500);
        assertThat(f.feedback.isEmpty()).isTrue();

        f.query("q2", 1_000, 1, 0, 0, 0);

        FeedbackExample example = f.feedback.readValue();
        assertThat(example.getExampleId()).isEqualTo("q2");
        assertThat(example.getOutcomes()).containsOnlyKeys("a");
        assertThat(f.dlq.isEmpty()).isTrue();
    }

    @Test
    void aPoisonPillGoesToTheDlqAndTheNextOutcomeIsStillJoined() {
        f.query("q3", 1_000, 1, 0, 0, 0);
        f.rawOutcome("q3", "not avro at all", 1_100);
        f.outcome("q3", "a", 1, 0.3, 1_200);

        DeadLetter dead = f.dlq.readValue();
        assertThat(dead.getReason()).startsWith("undecodable outcome");
        assertThat(dead.getSourceTopic()).isEqualTo(Topics.OUTCOMES);
        assertThat(dead.getComponent()).isEqualTo("streams-app");
        assertThat(f.feedback.readValue().getOutcomes()).containsOnlyKeys("a");
        assertThat(f.appMetrics.deadLetters("undecodable")).isEqualTo(1);
    }

    @Test
    void lateDuplicateInvalidAndForeignOutcomesGoToTheDlqWithTheirReason() {
        f.query("q4", 10_000, 1, 0, 0, 0);
        f.outcome("q4", "a", 1, 0.3, 11_000);
        f.outcome("q4", "a", 0, 0.3, 12_000);
        f.outcome("q4", "b", 1, 0.3, 10_000 + GRACE + 1);
        f.outcome("q4", "c", 1.5, 0.3, 12_000);
        f.outcome("q4", "c", 1, -1, 12_000);
        f.outcome("other-key", "q4", TopologyFixture.POOL, "c", 1, 1, 12_000);
        f.outcome("q4", "q4", "another-pool", "c", 1, 1, 12_000);

        List<String> reasons = f.dlq.readValuesToList().stream().map(d -> d.getReason()).toList();
        assertThat(reasons).hasSize(6);
        assertThat(reasons.get(0)).isEqualTo("duplicate outcome for model 'a' of query q4");
        assertThat(reasons.get(1))
                .isEqualTo("late outcome: 30001 ms after query q4, grace is 30000 ms");
        assertThat(reasons.get(2)).isEqualTo("outcome score 1.5 is outside [0, 1]");
        assertThat(reasons.get(3)).isEqualTo("outcome cost -1.0 is not a finite number >= 0");
        assertThat(reasons.get(4)).contains("differs from its queryId");
        assertThat(reasons.get(5)).contains("another-pool");
        assertThat(f.feedback.readValuesToList()).hasSize(1);
    }

    @Test
    void anOutcomeForAQueryNeverSeenGoesToTheDlqOnceTheGraceHasPassed() {
        f.outcome("ghost", "a", 1, 0.3, 1_000);
        f.query("later", 1_000 + GRACE - 1, 1, 0, 0, 0);
        assertThat(f.dlq.isEmpty()).isTrue();

        f.query("much-later", 1_000 + GRACE + 5_000, 1, 0, 0, 0);

        DeadLetter dead = f.dlq.readValue();
        assertThat(dead.getReason())
                .isEqualTo("no query with id 'ghost' was seen within the grace of 30000 ms");
        assertThat(dead.getOffset()).isZero();
        assertThat(f.feedback.isEmpty()).isTrue();
    }

    @Test
    void expiredQueriesAndTheirExpiryIndexAreRemovedFromTheLedger() {
        for (int i = 0; i < 3; i++) {
            f.query("q" + i, 1_000 + i, 0.6f, 0.8f, 0, 0);
            f.decision("q" + i, 1_000 + i, "a", 0.1, Map.of("a", new double[] {0.9, 1}));
            f.outcome("q" + i, "a", 1.0, 0.5, 2_000 + i);
        }
        f.outcome("ghost", "a", 1.0, 0.5, 2_500); // waits for a query that never comes
        KeyValueStore<String, ?> ledger = f.driver.getKeyValueStore(QueryLedger.STORE);
        KeyValueStore<?, ?> expiry = f.driver.getKeyValueStore(QueryLedger.EXPIRY_STORE);
        assertThat(count(ledger)).isEqualTo(4);
        assertThat(count(expiry)).isEqualTo(4);

        // Well past the retention (2 min) of every entry above.
        f.query("later", 1_000 + Duration.ofMinutes(10).toMillis(), 0.6f, 0.8f, 0, 0);

        assertThat(count(ledger)).as("only the new query is left").isEqualTo(1);
        assertThat(ledger.get("later")).isNotNull();
        assertThat(count(expiry)).isEqualTo(1);
        assertThat(f.dlq.readValuesToList())
                .extracting(DeadLetter::getReason)
                .containsExactly(
                        "no query with id 'ghost' was seen within the grace of " + GRACE + " ms");
    }

    private static long count(KeyValueStore<?, ?> store) {
        long n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}

package dev.pointsman.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplicationTest {
    @Test
    void theDefaultsFollowTheClustersSize() {
        assertThat(Replication.of(null, null, 1)).isEqualTo(Replication.SINGLE);
        assertThat(Replication.of(null, null, 2)).isEqualTo(new Replication((short) 2, 1));
        assertThat(Replication.of(null, null, 3)).isEqualTo(new Replication((short) 3, 2));
        assertThat(Replication.of(null, null, 7)).isEqualTo(new Replication((short) 3, 2));
    }

    @Test
    void explicitSettingsWinAndImpossibleOnesFailNamingTheOption() {
        assertThat(Replication.of(5, 3, 6)).isEqualTo(new Replication((short) 5, 3));
        assertThat(Replication.of(3, null, 3)).isEqualTo(new Replication((short) 3, 2));
        assertThatThrownBy(() -> Replication.of(3, null, 1))
                .hasMessageContaining("--replication-factor 3 needs as many brokers")
                .hasMessageContaining("has 1");
        assertThatThrownBy(() -> Replication.of(3, 4, 3))
                .hasMessageContaining("--min-insync-replicas must be in [1, 3]");
    }

    @Test
    void everyTopicCarriesItsMinInsyncReplicas() {
        Replication r = new Replication((short) 3, 2);
        assertThat(Topics.all(4, r, Duration.ofDays(1)))
                .allSatisfy(
                        t -> {
                            assertThat(t.replication()).isEqualTo(r);
                            assertThat(t.configs()).containsEntry("min.insync.replicas", "2");
                        });
    }
}

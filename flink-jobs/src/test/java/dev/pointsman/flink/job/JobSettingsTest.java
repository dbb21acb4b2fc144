package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.core.route.RouterSpec;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobSettingsTest {
    private static JobSettings.Builder builder() {
        return JobSettings.builder("broker:9092", Path.of("/tmp/checkpoints"));
    }

    @Test
    void everyDefaultComesFromItsSetting() {
        JobSettings s = builder().build();
        assertThat(s.shards()).isEqualTo(JobSettings.SHARDS.defaultValue()).isEqualTo(4);
        assertThat(s.k()).isEqualTo(100);
        assertThat(s.mergeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.router().kind()).isEqualTo(RouterSpec.Kind.KNN_SHRUNK);
        assertThat(s.metricsPort()).isNull();
        assertThat(s.toBuilder().k(20).build()).isEqualTo(builder().k(20).build()).isNotEqualTo(s);
    }

    @Test
    void invalidSettingsFailNamingTheOption() {
        assertThatThrownBy(() -> builder().shards(0).build())
                .hasMessage("--shards must be > 0, got 0");
        assertThatThrownBy(() -> builder().capacity(2).shards(3).build())
                .hasMessage("--capacity must be at least --shards (3), got 2");
        assertThatThrownBy(() -> builder().checkpointInterval(Duration.ofMillis(5)).build())
                .hasMessage("--checkpoint-interval must be at least 10ms, got 5ms");
        assertThatThrownBy(() -> builder().router("forest"))
                .hasMessageStartingWith("--router: unknown router 'forest'; known: knn-K,");
        assertThatThrownBy(() -> builder().k(50).router("knn-60").build())
                .hasMessage(
                        "--router knn-60 needs more neighbours than the job finds per query (--k 50)");
        assertThat(builder().k(50).router("knn-50-weighted").build().router().weighted()).isTrue();
    }
}

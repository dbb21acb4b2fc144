package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.core.knn.IndexSpec;
import dev.pointsman.topics.KafkaConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobArgsTest {
    @TempDir Path dir;

    @Test
    void everySettingSurvivesTheTripThroughTheJobJarsArguments() throws Exception {
        Path clientConfig = dir.resolve("client.properties");
        Files.writeString(clientConfig, "security.protocol=SSL\nssl.truststore.type=PEM\n");
        JobSettings s =
                JobSettings.builder("broker-1:9092,broker-2:9092", URI.create("s3://bucket/ckpt"))
                        .group("team-a")
                        .shards(3)
                        .k(40)
                        .capacity(5_000)
                        .mergeTimeout(Duration.ofMillis(750))
                        .catalogWait(Duration.ofMinutes(2))
                        .schemaRegistry("http://registry:8081")
                        .training(1_000, 50, Duration.ofSeconds(90))
                        .checkpointInterval(Duration.ofSeconds(5))
                        .router("knn-20-weighted")
                        .delivery(DeliveryGuarantee.EXACTLY_ONCE)
                        .index(IndexSpec.hnsw(8, 40, 64))
                        .kafka(KafkaConfig.load(clientConfig.toString()))
                        .build();
        JobArgs.Parsed parsed = JobArgs.parse(JobArgs.of(s, "team-a-router"));
        assertThat(parsed.settings()).isEqualTo(s);
        assertThat(parsed.settings().kafka().properties())
                .containsEntry("security.protocol", "SSL")
                .hasSize(2);
        assertThat(parsed.name()).isEqualTo("team-a-router");
    }

    @Test
    void omittedSettingsTakeTheirDefaultsAndAPlainPathBecomesAFileUri() {
        JobArgs.Parsed parsed =
                JobArgs.parse(List.of("--bootstrap", "b:9092", "--checkpoints=relative/dir"));
        JobSettings defaults =
                JobSettings.builder("b:9092", JobSettings.checkpointUri("relative/dir")).build();
        assertThat(parsed.settings()).isEqualTo(defaults);
        assertThat(parsed.settings().checkpoints().getScheme()).isEqualTo("file");
        assertThat(parsed.settings().checkpoints().getPath()).endsWith("/relative/dir");
        assertThat(parsed.name()).isEqualTo(JobArgs.DEFAULT_NAME);
        assertThat(parsed.resumeLatest()).isFalse();
        assertThat(
                        JobArgs.parse(
                                        List.of(
                                                "--bootstrap",
                                                "b:9092",
                                                "--checkpoints",
                                                "/c",
                                                "--resume-latest"))
                                .resumeLatest())
                .isTrue();
    }

    @Test
    void aBadArgumentFailsNamingTheOption() {
        List<String> base = List.of("--bootstrap", "b:9092", "--checkpoints", "/c");
        assertThatThrownBy(() -> JobArgs.parse(with(base, "--shards", "0")))
                .hasMessageContaining("--shards must be > 0, got 0");
        assertThatThrownBy(() -> JobArgs.parse(with(base, "--shard", "2")))
                .hasMessageContaining("unknown option --shard");
        assertThatThrownBy(() -> JobArgs.parse(with(base, "--k")))
                .hasMessageContaining("--k needs a value");
        assertThatThrownBy(() -> JobArgs.parse(List.of("--bootstrap", "b:9092")))
                .hasMessageContaining("--checkpoints must be set");
        assertThatThrownBy(() -> JobArgs.parse(List.of("--checkpoints", "/c")))
                .hasMessageContaining("--bootstrap must be set");
        assertThatThrownBy(() -> JobArgs.parse(with(base, "--kafka-config", "/no/such.properties")))
                .hasMessageContaining("--kafka-config /no/such.properties cannot be read");
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }
}

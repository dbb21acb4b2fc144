package dev.pointsman.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConfigTest {
    @TempDir Path dir;

    @Test
    void everyClientStartsFromTheFileAndTakesTheBrokersFromBootstrap() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(
                file,
                "# a cluster with SASL over TLS\n"
                        + "security.protocol=SASL_SSL\n"
                        + "sasl.mechanism = SCRAM-SHA-512\n"
                        + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\"router\" password=\"s3cret\";\n");
        KafkaConfig config = KafkaConfig.load(file.toString());

        Map<String, Object> client = config.client("broker-0:9093");
        assertThat(client)
                .containsEntry("bootstrap.servers", "broker-0:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(config.clientProperties("b:1").getProperty("security.protocol"))
                .isEqualTo("SASL_SSL");
        assertThat(config.asProperties()).doesNotContainKey("bootstrap.servers").hasSize(3);
        assertThat(config.toString()).doesNotContain("s3cret").contains("SCRAM-SHA-512");
    }

    @Test
    void noFileIsTheClientsDefaults() {
        assertThat(KafkaConfig.load(null)).isSameAs(KafkaConfig.NONE);
        assertThat(KafkaConfig.NONE.client("b:1")).isEqualTo(Map.of("bootstrap.servers", "b:1"));
    }

    @Test
    void aMissingFileOrOneThatNamesTheBrokersFailsNamingTheOption() throws Exception {
        assertThatThrownBy(() -> KafkaConfig.load(dir.resolve("nope.properties").toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--kafka-config ")
                .hasMessageContaining("nope.properties cannot be read");
        Path file = dir.resolve("brokers.properties");
        Files.writeString(file, "bootstrap.servers=a:9092\n");
        assertThatThrownBy(() -> KafkaConfig.load(file.toString()))
                .hasMessageContaining("--kafka-config")
                .hasMessageContaining("--bootstrap");
    }
}

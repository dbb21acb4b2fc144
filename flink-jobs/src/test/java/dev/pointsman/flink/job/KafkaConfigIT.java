package dev.pointsman.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.topics.KafkaAcls;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --kafka-config}: a job given only a broker's SASL_SSL listener (SCRAM-SHA-512, TLS) and a
 * client properties file with the credentials and truststore reads its sources and writes both
 * kinds of sink (decisions at least once, dead letters in transactions) through it, as a user the
 * broker's authorizer grants exactly {@link KafkaAcls#job}.
 */
class KafkaConfigIT {
    private static final String POOL = "secured";

    @RegisterExtension static final MiniClusterExtension FLINK = RouterTestKit.miniCluster();

    @TempDir Path dir;

    @Test
    void aJobOnTheSaslListenerReadsAndWritesWithTheFilesCredentials() throws Exception {
        try (RouterTestKit kit = RouterTestKit.overSasl(dir)) {
            kit.kafka.grant(KafkaAcls.job("User:router", "sasl"));
            JobClient job = kit.start(dir.resolve("checkpoints"), null, "sasl");
            try {
                kit.catalog(
                        POOL,
                        Map.of("exploration", "0"),
                        RouterTestKit.model("big", null),
                        RouterTestKit.model("small", null));
                kit.bigAndSmallExamples(POOL, 10);
                List<String> probes = kit.awaitSupport(POOL, 10);
                RoutingDecision d = kit.readOne(probes.get(probes.size() - 1));
                assertThat(d.getSupportSize()).isEqualTo(10);
                assertThat(d.getModel()).isEqualTo("big");

                kit.send(
                        Topics.QUERIES_EMBEDDED,
                        "garbage",
                        "not a record".getBytes(StandardCharsets.UTF_8));
                kit.producer.flush();
                List<DeadLetter> dead = kit.deadLetters(1, Duration.ofSeconds(60));
                assertThat(dead)
                        .extracting(DeadLetter::getReason)
                        .anyMatch(r -> r.contains("EmbeddedQuery"));
            } finally {
                job.cancel().get();
            }
        }
    }
}

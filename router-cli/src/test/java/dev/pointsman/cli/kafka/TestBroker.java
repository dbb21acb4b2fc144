package dev.pointsman.cli.kafka;

import dev.pointsman.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The brokers an integration test class runs against: always the embedded KRaft broker, and Apache
 * Kafka's own image through Testcontainers where a Docker engine answers. Without Docker the
 * Testcontainers invocation is skipped (a failed assumption), not failed.
 */
public enum TestBroker {
    EMBEDDED,
    TESTCONTAINERS;

    /** Image of the Testcontainers broker; override with {@code -Dpointsman.it.kafka-image}. */
    static final String IMAGE =
            System.getProperty("pointsman.it.kafka-image", "apache/kafka:4.2.1");

    /** A started broker. */
    public interface Running extends AutoCloseable {
        String bootstrapServers();

        @Override
        void close();
    }

    /**
     * Starts this broker; {@code dataDir} is used by the embedded one only.
     *
     * @throws org.opentest4j.TestAbortedException where Docker is not available
     */
    public Running start(Path dataDir) throws IOException {
        if (this == EMBEDDED) {
            EmbeddedKafka kafka = EmbeddedKafka.start(dataDir);
            return new Running() {
                @Override
                public String bootstrapServers() {
                    return kafka.bootstrapServers();
                }

                @Override
                public void close() {
                    kafka.close();
                }
            };
        }
        Assumptions.assumeTrue(
                dockerAvailable(), "no Docker engine here: the Testcontainers run is skipped");
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE));
        container.start();
        return new Running() {
            @Override
            public String bootstrapServers() {
                return container.getBootstrapServers();
            }

            @Override
            public void close() {
                container.stop();
            }
        };
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}

package dev.pointsman.cli.kafka;

import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.topics.KafkaConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The brokers an integration test class runs against: always the embedded KRaft broker, and Apache
 * Kafka's own image through Testcontainers where a Docker engine answers; {@link #SECURED} is the
 * embedded broker whose client under test must log in (SASL_SSL, SCRAM) as user {@code worker} and
 * may do only what ACLs grant it. Without Docker the Testcontainers invocation is skipped (a failed
 * assumption), not failed.
 */
public enum TestBroker {
    EMBEDDED,
    TESTCONTAINERS,
    SECURED;

    /** The principal of {@link #SECURED}'s client under test. */
    public static final String PRINCIPAL = "User:worker";

    /** Image of the Testcontainers broker; override with {@code -Dpointsman.it.kafka-image}. */
    static final String IMAGE =
            System.getProperty("pointsman.it.kafka-image", "apache/kafka:4.2.1");

    /** A started broker. */
    public interface Running extends AutoCloseable {
        /** Where the test harness connects, with every right. */
        String bootstrapServers();

        /** Where the client under test connects. */
        default String clientBootstrapServers() {
            return bootstrapServers();
        }

        /** The Kafka client properties of the client under test. */
        default KafkaConfig clientConfig() {
            return KafkaConfig.NONE;
        }

        /** Grants {@link #PRINCIPAL} these ACLs where the broker enforces ACLs. */
        default void grant(List<AclBinding> acls) throws IOException {}

        @Override
        void close();
    }

    /**
     * Starts this broker; {@code dataDir} is used by the embedded one only.
     *
     * @throws org.opentest4j.TestAbortedException where Docker is not available
     */
    public Running start(Path dataDir) throws IOException {
        if (this == SECURED) {
            EmbeddedKafka kafka =
                    EmbeddedKafka.startSecured(dataDir, Map.of("worker", "w0rker-secret"));
            KafkaConfig config =
                    KafkaConfig.load(
                            kafka.secured()
                                    .writeClientProperties(
                                            "worker",
                                            dataDir.resolveSibling(
                                                    dataDir.getFileName() + "-client.properties"))
                                    .toString());
            return new Running() {
                @Override
                public String bootstrapServers() {
                    return kafka.bootstrapServers();
                }

                @Override
                public String clientBootstrapServers() {
                    return kafka.secureBootstrapServers();
                }

                @Override
                public KafkaConfig clientConfig() {
                    return config;
                }

                @Override
                public void grant(List<AclBinding> acls) throws IOException {
                    kafka.grant(acls);
                }

                @Override
                public void close() {
                    kafka.close();
                }
            };
        }
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

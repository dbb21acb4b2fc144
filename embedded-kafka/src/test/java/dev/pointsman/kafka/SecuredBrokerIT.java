package dev.pointsman.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured listener the security tests rely on turns clients away as a production cluster would:
 * a wrong password, a client that does not trust the broker's certificate, and a topic the user has
 * no ACL for all fail; what the ACLs grant works.
 */
class SecuredBrokerIT {
    @TempDir Path dir;

    @Test
    void itAuthenticatesEncryptsAndAuthorizes() throws Exception {
        try (EmbeddedKafka kafka =
                EmbeddedKafka.startSecured(dir.resolve("kafka"), Map.of("router", "s3cret"))) {
            try (Admin admin =
                    Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(
                                List.of(
                                        new NewTopic("granted", 1, (short) 1),
                                        new NewTopic("other", 1, (short) 1)))
                        .all()
                        .get();
            }
            kafka.grant(
                    List.of(
                            new AclBinding(
                                    new ResourcePattern(
                                            ResourceType.TOPIC, "granted", PatternType.LITERAL),
                                    new AccessControlEntry(
                                            "User:router",
                                            "*",
                                            AclOperation.READ,
                                            AclPermissionType.ALLOW))));
            Map<String, Object> router = new HashMap<>(kafka.secured().clientProperties("router"));

            try (KafkaConsumer<byte[], byte[]> c = consumer(kafka, router)) {
                c.assign(List.of(new TopicPartition("granted", 0)));
                c.seekToBeginning(List.of(new TopicPartition("granted", 0)));
                assertThat(c.poll(Duration.ofSeconds(2)).count()).isZero();
                c.assign(List.of(new TopicPartition("other", 0)));
                c.seekToBeginning(List.of(new TopicPartition("other", 0)));
                assertThatThrownBy(() -> c.poll(Duration.ofSeconds(10)))
                        .isInstanceOf(TopicAuthorizationException.class);
            }

            // Credentials read from a mounted secret's files, as k8s/ gives them (Strimzi's
            // KafkaUser secret holds a sasl.jaas.config key): Kafka's DirectoryConfigProvider.
            Path secret = Files.createDirectories(dir.resolve("kafka-user"));
            Files.writeString(
                    secret.resolve("sasl.jaas.config"), (String) router.get("sasl.jaas.config"));
            Map<String, Object> mounted = new HashMap<>(router);
            mounted.put("config.providers", "dir");
            mounted.put(
                    "config.providers.dir.class",
                    "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
            mounted.put("sasl.jaas.config", "${dir:" + secret + ":sasl.jaas.config}");
            try (KafkaConsumer<byte[], byte[]> c = consumer(kafka, mounted)) {
                assertThat(c.partitionsFor("granted", Duration.ofSeconds(10))).hasSize(1);
            }

            Map<String, Object> wrongPassword = new HashMap<>(router);
            wrongPassword.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required"
                            + " username=\"router\" password=\"guess\";");
            try (KafkaConsumer<byte[], byte[]> c = consumer(kafka, wrongPassword)) {
                assertThatThrownBy(() -> c.partitionsFor("granted", Duration.ofSeconds(10)))
                        .isInstanceOf(SaslAuthenticationException.class);
            }

            Map<String, Object> untrusting = new HashMap<>(router);
            untrusting.remove("ssl.truststore.location");
            untrusting.remove("ssl.truststore.type");
            untrusting.remove("ssl.truststore.password");
            try (KafkaConsumer<byte[], byte[]> c = consumer(kafka, untrusting)) {
                assertThatThrownBy(() -> c.partitionsFor("granted", Duration.ofSeconds(10)))
                        .isInstanceOf(SslAuthenticationException.class);
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(
            EmbeddedKafka kafka, Map<String, Object> security) {
        Map<String, Object> p = new HashMap<>(security);
        p.put("bootstrap.servers", kafka.secureBootstrapServers());
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}

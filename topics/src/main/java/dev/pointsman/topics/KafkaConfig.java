package dev.pointsman.topics;

import dev.pointsman.settings.Setting;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.jspecify.annotations.Nullable;

/**
 * Kafka client properties read from a file ({@code --kafka-config}), which every Kafka client a
 * component makes (admin, consumers, producers, Kafka Streams, the Flink job's sources and sinks)
 * starts from: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, timeouts. What a component
 * needs for itself (bootstrap servers, serializers, group ids, transactional ids, isolation level)
 * it sets over the file's values, so the file cannot break delivery.
 *
 * @param file where the properties were read from, or null for none
 * @param properties what the file sets
 */
public record KafkaConfig(@Nullable String file, Map<String, String> properties) {
    public static final Setting<String> FILE =
            Setting.optionalText(
                    "kafka-config",
                    "A Kafka client properties file (security.protocol, sasl.*, ssl.*, …) every"
                            + " Kafka client of this process starts from; bootstrap servers come"
                            + " from --bootstrap. Default: none.");

    /** No file: the clients' defaults. */
    public static final KafkaConfig NONE = new KafkaConfig(null, Map.of());

    public KafkaConfig {
        properties = Map.copyOf(properties);
        if (properties.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException(
                    "--kafka-config "
                            + file
                            + " sets bootstrap.servers: give the brokers with --bootstrap");
        }
    }

    /**
     * The properties in {@code file} (Java properties format), or {@link #NONE} for null. A file
     * that cannot be read fails naming the option and the file.
     */
    public static KafkaConfig load(@Nullable String file) {
        if (file == null || file.isBlank()) {
            return NONE;
        }
        Path path = Path.of(file);
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(path)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--kafka-config " + file + " cannot be read: " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        p.stringPropertyNames().forEach(key -> values.put(key, p.getProperty(key).strip()));
        return new KafkaConfig(path.toAbsolutePath().toString(), values);
    }

    /** The file's properties with {@code bootstrap.servers}, for one client to add its own to. */
    public Map<String, Object> client(String bootstrap) {
        Map<String, Object> config = new HashMap<>(properties);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return config;
    }

    /** {@link #client} as {@link Properties}. */
    public Properties clientProperties(String bootstrap) {
        Properties p = new Properties();
        p.putAll(client(bootstrap));
        return p;
    }

    /**
     * The file's properties alone, as {@link Properties} (for builders given the brokers apart).
     */
    public Properties asProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        return p;
    }

    /** What the file sets, with the values of secrets ({@code password}, {@code jaas}) masked. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach(
                (key, value) ->
                        shown.put(
                                key,
                                key.contains("password") || key.contains("jaas")
                                        ? "*****"
                                        : value));
        return "KafkaConfig[file=" + file + ", properties=" + shown + "]";
    }
}

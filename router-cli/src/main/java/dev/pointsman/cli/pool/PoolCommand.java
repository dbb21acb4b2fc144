package dev.pointsman.cli.pool;

import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.KafkaConfig;
import dev.pointsman.topics.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pointsman pool}: declares a pool from a catalog file, or lists the declared pools. */
@Command(
        name = "pool",
        mixinStandardHelpOptions = true,
        description =
                "Declares a pool's models, prices, upstreams and settings, or lists the pools.",
        subcommands = {PoolCommand.Declare.class, PoolCommand.ListPools.class})
public final class PoolCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The options every subcommand takes. */
    static class Connection {
        @Option(
                names = "--bootstrap",
                defaultValue = "localhost:9092",
                paramLabel = "HOST:PORT",
                description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.")
        String bootstrap;

        @Option(
                names = "--schema-registry",
                paramLabel = "URL",
                description =
                        "Confluent Schema Registry URL (default: Avro single-object encoding).")
        String schemaRegistry;

        @Option(
                names = "--kafka-config",
                paramLabel = "FILE",
                description = "A Kafka client properties file (security.protocol, sasl.*, ssl.*).")
        String kafkaConfig;

        /** The client settings: the file's properties with the bootstrap servers. */
        Properties client() {
            return KafkaConfig.load(kafkaConfig).clientProperties(bootstrap);
        }
    }

    @Command(
            name = "declare",
            mixinStandardHelpOptions = true,
            description = {
                "Writes a pool's catalog (JSON: pool, models with prices and optional upstreams,"
                        + " defaults) to router.catalog, after checking every field; the routing"
                        + " job and the gateway take it up at once. Declaring a pool again"
                        + " replaces its catalog.",
                "Example file: docs/examples/pool.json."
            })
    static final class Declare implements Callable<Integer> {
        @picocli.CommandLine.Mixin Connection connection = new Connection();

        @Option(
                names = "--file",
                required = true,
                paramLabel = "FILE",
                description = "The pool's catalog as JSON.")
        Path file;

        @Option(names = "--dry-run", description = "Check the file and print it; write nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            PoolCatalog catalog;
            try {
                catalog = CatalogFile.read(file);
            } catch (IllegalArgumentException e) {
                System.err.println(
                        "pointsman pool declare: --file " + file + ": " + e.getMessage());
                return 2;
            } catch (java.io.IOException e) {
                System.err.println("pointsman pool declare: cannot read --file " + file + ": " + e);
                return 2;
            }
            describe(catalog, System.out);
            if (dryRun) {
                System.out.println("(dry run: nothing written)");
                return 0;
            }
            WireFormat wire = WireFormat.of(connection.schemaRegistry);
            Properties props = connection.client();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(
                            props, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(
                                new ProducerRecord<>(
                                        Topics.CATALOG,
                                        catalog.getPool().getBytes(StandardCharsets.UTF_8),
                                        wire.codec(PoolCatalog.class, Topics.CATALOG)
                                                .encode(catalog)))
                        .get();
            }
            System.out.printf("declared pool %s on %s%n", catalog.getPool(), connection.bootstrap);
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Prints every declared pool's models, prices, upstreams and settings.")
    static final class ListPools implements Callable<Integer> {
        @picocli.CommandLine.Mixin Connection connection = new Connection();

        @Override
        public Integer call() {
            RecordCodec<PoolCatalog> codec =
                    WireFormat.of(connection.schemaRegistry)
                            .codec(PoolCatalog.class, Topics.CATALOG);
            Properties props = connection.client();
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
            Map<String, PoolCatalog> pools = new TreeMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(
                            props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                consumer.partitionsFor(Topics.CATALOG)
                        .forEach(
                                p ->
                                        partitions.add(
                                                new TopicPartition(Topics.CATALOG, p.partition())));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        String pool =
                                r.key() == null
                                        ? null
                                        : new String(r.key(), StandardCharsets.UTF_8);
                        if (r.value() == null) {
                            pools.remove(pool);
                            continue;
                        }
                        try {
                            PoolCatalog c = codec.decode(r.value());
                            pools.put(c.getPool(), c);
                        } catch (UndecodableRecordException e) {
                            System.err.printf(
                                    "skipping an undecodable catalog at offset %d%n", r.offset());
                        }
                    }
                }
            }
            if (pools.isEmpty()) {
                System.out.println("no pools declared on " + connection.bootstrap);
            }
            pools.values().forEach(c -> describe(c, System.out));
            return 0;
        }
    }

    /** The catalog as its owner reads it: prices per million tokens, upstreams, settings. */
    static void describe(PoolCatalog c, PrintStream out) {
        out.printf("pool %s: %d models%n", c.getPool(), c.getModels().size());
        for (CatalogModel m : c.getModels()) {
            String upstream =
                    m.getUpstream() == null
                            ? "no upstream"
                            : m.getUpstream().getBaseUrl()
                                    + (m.getUpstream().getModel() == null
                                            ? ""
                                            : " as " + m.getUpstream().getModel())
                                    + (m.getUpstream().getApiKeyEnv() == null
                                            ? ""
                                            : ", key from $" + m.getUpstream().getApiKeyEnv());
            out.printf(
                    Locale.ROOT,
                    "  %-32s $%.3f / $%.3f per 1M tokens in/out  %s%n",
                    m.getName(),
                    m.getInputPrice() * 1e6,
                    m.getOutputPrice() * 1e6,
                    upstream);
        }
        if (!c.getDefaults().isEmpty()) {
            out.printf("  settings: %s%n", new TreeMap<>(c.getDefaults()));
        }
    }
}

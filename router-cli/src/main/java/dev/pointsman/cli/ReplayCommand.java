package dev.pointsman.cli;

import dev.pointsman.cli.demo.PoolSeeder;
import dev.pointsman.cli.demo.Replayer;
import dev.pointsman.cli.demo.StopSignal;
import dev.pointsman.cli.demo.TrafficSplit;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.embed.OnnxEmbedder;
import dev.pointsman.embed.cli.EmbedderOptions;
import dev.pointsman.schemas.codec.WireFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pointsman replay}: replays a benchmark file against a running router. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Replays a benchmark file as live traffic against a running router (embed worker,"
                    + " routing job and streams app on --bootstrap), as `pointsman demo` does on"
                    + " its embedded stack: declares the pool, seeds its support set (embedded"
                    + " here with the same embedder as the worker's), sends the held-back"
                    + " prompts to router.queries and answers each decision on router.outcomes."
        })
public final class ReplayCommand implements Callable<Integer> {
    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--schema-registry",
            paramLabel = "URL",
            description = "Confluent Schema Registry URL (default: Avro single-object encoding).")
    String schemaRegistry;

    @Option(
            names = "--no-seed",
            description = "Do not declare or seed the pool (it exists already).")
    boolean noSeed;

    @Mixin EmbedderOptions embedding;

    @Mixin ReplayOptions replay;

    @Override
    public Integer call() throws Exception {
        replay.check();
        Benchmark bench = replay.load();
        TrafficSplit traffic = replay.split(bench);
        WireFormat wire = WireFormat.of(schemaRegistry);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        long started = System.nanoTime();
        try (StopSignal signal = new StopSignal("replay", () -> {});
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                props, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (!noSeed) {
                try (OnnxEmbedder embedder = new OnnxEmbedder(embedding.toConfig())) {
                    ProgressBar bar = ProgressBar.onStderr("seeding pool " + replay.pool);
                    PoolSeeder.seed(
                            producer,
                            wire,
                            replay.pool,
                            replay.router(),
                            replay.exploration(),
                            bench,
                            traffic.seed(),
                            embedder,
                            (done, total) -> bar.update(done, total, embedder.id()));
                }
            }
            Replayer.Settings s = replay.settings(bootstrap, traffic);
            System.out.println(replay.describe(s, traffic));
            new Replayer(
                            s,
                            bench,
                            traffic.before(),
                            traffic.after(),
                            wire,
                            System.out,
                            signal.stopping())
                    .run(producer)
                    .print(System.out, replay.shift, (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }
}

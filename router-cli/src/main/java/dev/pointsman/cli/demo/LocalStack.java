package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.OnnxEmbedder;
import dev.pointsman.embed.service.BatchPolicy;
import dev.pointsman.embed.service.EmbedWorker;
import dev.pointsman.embed.service.QueryValidator;
import dev.pointsman.flink.job.JobSettings;
import dev.pointsman.flink.job.LocalJob;
import dev.pointsman.kafka.EmbeddedKafka;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * The whole router on one machine: an embedded KRaft broker, the Flink routing job on a local
 * cluster and the embed worker in this JVM, and the streams app in a child JVM. What {@code
 * pointsman demo} and the end-to-end test run.
 */
public final class LocalStack implements AutoCloseable {
    /**
     * @param streamsArgs extra options of the streams app (window, alerts)
     * @param externalBootstrap a running broker to use; null starts an embedded one
     */
    public record Settings(
            Path dir,
            int httpPort,
            int k,
            EmbedderConfig embedder,
            Path streamsJar,
            List<String> streamsArgs,
            @Nullable String externalBootstrap) {}

    /** The routing job's consumer group, whose lag the streams app's /readyz reads. */
    static final String JOB_GROUP = "pointsman-local-router";

    private final @Nullable EmbeddedKafka kafka;
    private final String bootstrap;
    private final StreamsChild streams;
    private final OnnxEmbedder embedder;
    private final KafkaProducer<byte[], byte[]> producer;
    private final JobClient job;
    private final EmbedWorker worker;
    private final Thread workerThread;
    private final WireFormat wire = WireFormat.singleObject();

    private LocalStack(
            @Nullable EmbeddedKafka kafka,
            String bootstrap,
            StreamsChild streams,
            OnnxEmbedder embedder,
            KafkaProducer<byte[], byte[]> producer,
            JobClient job) {
        this.kafka = kafka;
        this.bootstrap = bootstrap;
        this.streams = streams;
        this.embedder = embedder;
        this.producer = producer;
        this.job = job;
        EmbedderConfig config = embedder.config();
        this.worker =
                new EmbedWorker(
                        new EmbedWorker.Settings(
                                bootstrap,
                                "pointsman-local-embed",
                                "pointsman-local-embed",
                                Topics.QUERIES,
                                Topics.QUERIES_EMBEDDED,
                                Topics.DLQ,
                                new BatchPolicy(config.batchSize(), 20)),
                        embedder,
                        new QueryValidator(
                                64 * 1024,
                                new HashSet<>(),
                                wire.codec(Query.class, Topics.QUERIES)),
                        wire);
        this.workerThread = new Thread(worker, "embed-worker");
    }

    /** Starts everything but the embed worker (start it with {@link #startWorker}). */
    public static LocalStack start(Settings s) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            EmbeddedKafka kafka = null;
            String bootstrap = s.externalBootstrap();
            if (bootstrap == null) {
                kafka = EmbeddedKafka.start(s.dir().resolve("kafka"));
                started.add(kafka);
                bootstrap = kafka.bootstrapServers();
            }
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                Topics.ensure(admin, Topics.all(2, Replication.SINGLE, Duration.ofDays(1)));
            }
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "--bootstrap",
                                    bootstrap,
                                    "--application-id",
                                    "pointsman-local",
                                    "--state-dir",
                                    s.dir().resolve("streams").toString(),
                                    "--partitions",
                                    "2",
                                    "--job-group",
                                    JOB_GROUP));
            args.addAll(s.streamsArgs());
            StreamsChild streams =
                    StreamsChild.start(
                            s.streamsJar(), args, s.httpPort(), s.dir().resolve("streams-app.log"));
            started.add(streams);
            OnnxEmbedder embedder = new OnnxEmbedder(s.embedder());
            started.add(embedder);
            KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
            started.add(producer);
            JobClient job = startJob(bootstrap, s);
            return new LocalStack(kafka, bootstrap, streams, embedder, producer, job);
        } catch (Exception e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static JobClient startJob(String bootstrap, Settings s) throws Exception {
        JobSettings job =
                JobSettings.builder(bootstrap, s.dir().resolve("checkpoints"))
                        .group(JOB_GROUP)
                        .shards(2)
                        .k(s.k())
                        .checkpointInterval(Duration.ofSeconds(1))
                        .build();
        return LocalJob.start(job, 2, null, "pointsman-local");
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Declares {@code pool} (every model of {@code data}, this stack's embedder, {@code router},
     * {@code exploration}) and seeds its support set with {@code rows}, embedded here.
     */
    public void seed(
            String pool,
            String router,
            double exploration,
            Benchmark data,
            List<BenchmarkRow> rows) {
        PoolSeeder.seed(
                producer, wire, pool, router, exploration, data, rows, embedder, (d, t) -> {});
    }

    /** Starts embedding {@code router.queries}; call after seeding, which uses the same model. */
    public void startWorker() {
        workerThread.start();
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** Whether the embed worker still runs (it stops only when closed). */
    public boolean workerRunning() {
        return workerThread.isAlive();
    }

    /** The routing job's status now (RUNNING unless it failed or is restarting). */
    public String jobStatus() throws Exception {
        return job.getJobStatus().get().name();
    }

    public int apiPort() {
        return streams.port();
    }

    /** The streams app's process id. */
    public long streamsPid() {
        return streams.pid();
    }

    public Path streamsLog() {
        return streams.log();
    }

    public OnnxEmbedder embedder() {
        return embedder;
    }

    public KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    public WireFormat wire() {
        return wire;
    }

    @Override
    public void close() throws Exception {
        if (workerThread.getState() != Thread.State.NEW) {
            worker.close();
            workerThread.join(10_000);
        }
        job.cancel().get();
        producer.close(Duration.ofSeconds(10));
        embedder.close();
        streams.close();
        if (kafka != null) {
            kafka.close();
        }
    }
}

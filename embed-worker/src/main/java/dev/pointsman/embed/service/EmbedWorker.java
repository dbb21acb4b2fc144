package dev.pointsman.embed.service;

import dev.pointsman.embed.OnnxEmbedder;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.EmbeddedQuery;
import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.Rejections;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.KafkaConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code router.queries}, embeds them in micro-batches and writes {@code
 * router.queries.embedded} in one Kafka transaction with the consumed offsets (read-process-write
 * exactly once). Records it cannot use go to the dead-letter topic in the same transaction, with
 * the reason, source partition and offset. Scales out by consumer group; {@link #close()} finishes
 * the batch in flight before returning.
 */
public final class EmbedWorker implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbedWorker.class);

    /**
     * @param transactionalId unique per worker instance; a restarted instance with the same id
     *     fences its predecessor
     * @param kafka the client properties the consumer and producer start from
     */
    public record Settings(
            String bootstrapServers,
            String groupId,
            String transactionalId,
            String inputTopic,
            String outputTopic,
            String dlqTopic,
            BatchPolicy batch,
            KafkaConfig kafka) {
        /** Settings with the Kafka clients' defaults. */
        public Settings(
                String bootstrapServers,
                String groupId,
                String transactionalId,
                String inputTopic,
                String outputTopic,
                String dlqTopic,
                BatchPolicy batch) {
            this(
                    bootstrapServers,
                    groupId,
                    transactionalId,
                    inputTopic,
                    outputTopic,
                    dlqTopic,
                    batch,
                    KafkaConfig.NONE);
        }
    }

    private final Settings settings;
    private final OnnxEmbedder embedder;
    private final QueryValidator validator;
    private final RecordCodec<EmbeddedQuery> output;
    private final RecordCodec<DeadLetter> deadLetters;
    private final WorkerMetrics metrics = new WorkerMetrics();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();
    private long firstArrivalMs;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;

    /** A worker that writes the registry-free single-object encoding. */
    public EmbedWorker(Settings settings, OnnxEmbedder embedder, QueryValidator validator) {
        this(settings, embedder, validator, WireFormat.singleObject());
    }

    /**
     * @param wire how output and dead letters are framed; the validator decodes the input
     */
    public EmbedWorker(
            Settings settings, OnnxEmbedder embedder, QueryValidator validator, WireFormat wire) {
        this.settings = settings;
        this.embedder = embedder;
        this.validator = validator;
        this.output = wire.codec(EmbeddedQuery.class, settings.outputTopic());
        this.deadLetters = wire.codec(DeadLetter.class, settings.dlqTopic());
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> c =
                        new KafkaConsumer<>(
                                consumerProps(),
                                new ByteArrayDeserializer(),
                                new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> p =
                        new KafkaProducer<>(
                                producerProps(),
                                new ByteArraySerializer(),
                                new ByteArraySerializer())) {
            consumer = c;
            producer = p;
            producer.initTransactions();
            consumer.subscribe(List.of(settings.inputTopic()), new FlushOnRevoke());
            LOG.info(
                    "embed worker {} reading {} → {}",
                    settings.transactionalId(),
                    settings.inputTopic(),
                    settings.outputTopic());
            while (running.get()) {
                long now = monotonicMs();
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records =
                            consumer.poll(
                                    Duration.ofMillis(
                                            settings.batch()
                                                    .pollTimeoutMs(
                                                            pending.size(), firstArrivalMs, now)));
                } catch (WakeupException e) {
                    break; // close() asked us to stop: the batch in flight is finished below
                }
                if (!records.isEmpty() && pending.isEmpty()) {
                    firstArrivalMs = monotonicMs();
                }
                records.forEach(pending::add);
                if (settings.batch().shouldFlush(pending.size(), firstArrivalMs, monotonicMs())) {
                    flush();
                }
                reportProgress();
            }
            flush();
        } catch (ProducerFencedException e) {
            LOG.error(
                    "embed worker {} was fenced by a newer instance; stopping",
                    settings.transactionalId());
        } finally {
            stopped.countDown();
        }
    }

    private static final long REPORT_EVERY_MS = 30_000;
    private long lastReportMs = monotonicMs();
    private long lastReportedEmbedded;

    /** A progress line every 30 s while records flow; silence while idle. */
    private void reportProgress() {
        long now = monotonicMs();
        if (now - lastReportMs < REPORT_EVERY_MS) {
            return;
        }
        long embedded = metrics.embedded();
        if (embedded != lastReportedEmbedded) {
            LOG.info(
                    "embed worker {}: {} embedded (+{} in {} s), {} dead-lettered, {} embeddings/s,"
                            + " lag {} ms",
                    settings.transactionalId(),
                    embedded,
                    embedded - lastReportedEmbedded,
                    (now - lastReportMs) / 1000,
                    metrics.deadLettered(),
                    String.format(java.util.Locale.ROOT, "%.1f", metrics.embeddingsPerSecond()),
                    metrics.lastLagMs());
        }
        lastReportMs = now;
        lastReportedEmbedded = embedded;
    }

    /**
     * Embeds and commits everything pending, in transactions of at most the batch size (a poll can
     * return more than fits the batch being filled), each atomically with its offsets.
     */
    private void flush() {
        while (!pending.isEmpty()) {
            int n = Math.min(pending.size(), settings.batch().maxSize());
            List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(pending.subList(0, n));
            pending.subList(0, n).clear();
            if (!commitBatch(batch)) {
                pending.clear(); // re-read from the committed offsets
                rewindToCommitted();
                return;
            }
        }
    }

    /** One transaction; false if it was aborted. */
    private boolean commitBatch(List<ConsumerRecord<byte[], byte[]>> batch) {
        List<Query> queries = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> accepted = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> dlq = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            QueryValidator.Verdict verdict = validator.check(r.value());
            if (verdict instanceof QueryValidator.Accepted ok) {
                queries.add(ok.query());
                accepted.add(r);
            } else {
                QueryValidator.Rejected no = (QueryValidator.Rejected) verdict;
                dlq.add(deadLetter(r, no.kind(), no.pool(), no.reason()));
            }
        }
        long started = System.nanoTime();
        float[][] vectors = embedAll(queries, accepted, dlq);
        long embedNanos = System.nanoTime() - started;

        producer.beginTransaction();
        try {
            int written = 0;
            for (int i = 0; i < queries.size(); i++) {
                if (vectors[i] == null) {
                    continue;
                }
                Query q = queries.get(i);
                EmbeddedQuery out =
                        EmbeddedQuery.newBuilder()
                                .setQuery(q)
                                .setVector(Float32Vectors.toBytes(vectors[i]))
                                .setDimension(vectors[i].length)
                                .setEmbedder(embedder.id())
                                .build();
                // The query's record keeps its timestamp (the broker's, on router.queries), which
                // bounds the event time the ledger and the job accept from the query's own field.
                producer.send(
                        new ProducerRecord<>(
                                settings.outputTopic(),
                                null,
                                accepted.get(i).timestamp(),
                                accepted.get(i).key(),
                                output.encode(out)));
                written++;
            }
            dlq.forEach(producer::send);
            producer.sendOffsetsToTransaction(nextOffsets(batch), consumer.groupMetadata());
            producer.commitTransaction();
            metrics.recordBatch(written, embedNanos);
            metrics.deadLettered.addAndGet(dlq.size());
            metrics.lastLagMs.set(
                    Math.max(
                            0,
                            System.currentTimeMillis() - batch.get(batch.size() - 1).timestamp()));
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw e; // fatal for this producer: a newer instance owns the transactional id
        } catch (KafkaException e) {
            LOG.warn(
                    "transaction for a batch of {} failed ({}); aborting and re-reading it",
                    batch.size(),
                    e.toString());
            producer.abortTransaction();
            return false;
        }
        return true;
    }

    /** Embeds the batch; if the batch call fails, each query alone, dead-lettering the failures. */
    private float[][] embedAll(
            List<Query> queries,
            List<ConsumerRecord<byte[], byte[]>> records,
            List<ProducerRecord<byte[], byte[]>> dlq) {
        List<String> texts = queries.stream().map(Query::getText).toList();
        if (texts.isEmpty()) {
            return new float[0][];
        }
        try {
            return embedder.embed(texts);
        } catch (RuntimeException batchFailure) {
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                try {
                    out[i] = embedder.embed(List.of(texts.get(i)))[0];
                } catch (RuntimeException e) {
                    dlq.add(
                            deadLetter(
                                    records.get(i),
                                    "embedding-failed",
                                    null,
                                    "embedding failed: " + e.getMessage()));
                }
            }
            return out;
        }
    }

    /**
     * A query the worker cannot embed, for the DLQ: its text is a prompt, so only its length and
     * hash go there (the embed worker reads no catalogs, so no pool's opt-in to keeping text).
     */
    private ProducerRecord<byte[], byte[]> deadLetter(
            ConsumerRecord<byte[], byte[]> r, String kind, @Nullable String pool, String reason) {
        DeadLetter letter =
                Rejections.deadLetter(
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        r.key(),
                        r.value(),
                        new Rejections.Why(kind, reason, pool, false),
                        "embed-worker",
                        Instant.ofEpochMilli(r.timestamp()));
        LOG.warn("dead-lettering {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), reason);
        return new ProducerRecord<>(settings.dlqTopic(), r.key(), deadLetters.encode(letter));
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
            List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            OffsetAndMetadata next = new OffsetAndMetadata(r.offset() + 1);
            out.merge(tp, next, (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return out;
    }

    private void rewindToCommitted() {
        var assignment = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assignment);
        for (TopicPartition tp : assignment) {
            OffsetAndMetadata offset = committed.get(tp);
            if (offset == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, offset.offset());
            }
        }
    }

    /** Commit what we hold before giving partitions away, so nobody re-reads it. */
    private final class FlushOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            flush();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
    }

    private Properties consumerProps() {
        Properties p = settings.kafka().clientProperties(settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(settings.batch().maxSize()));
        return p;
    }

    private Properties producerProps() {
        Properties p = settings.kafka().clientProperties(settings.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    private static long monotonicMs() {
        return System.nanoTime() / 1_000_000;
    }

    /** Stops after the batch in flight is committed; waits up to 30 s for that. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (!stopped.await(30, TimeUnit.SECONDS)) {
            LOG.warn("embed worker {} did not stop within 30 s", settings.transactionalId());
        }
    }
}

package dev.pointsman.streams.gateway;

import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.streams.api.DecisionWaiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every pool's newest catalog, read from the compacted catalog topic (from its start, no consumer
 * group) by a thread of its own: the gateway's view of each model's prices and upstream.
 */
public final class CatalogView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogView.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final RecordCodec<PoolCatalog> codec;
    private final Map<String, PoolCatalog> pools = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    public CatalogView(Map<String, Object> client, String topic, RecordCodec<PoolCatalog> codec) {
        this.codec = codec;
        consumer = DecisionWaiter.committedReader(client);
        thread = DecisionWaiter.daemon("catalog-view", () -> run(topic));
    }

    /** Blocks until the catalogs written before this call have been read. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The pool's newest catalog, or null when none was declared. */
    public @Nullable PoolCatalog get(String pool) {
        return pools.get(pool);
    }

    /** Whether the reader still follows the catalog topic (for {@code /healthz}). */
    public boolean reading() {
        return thread.isAlive();
    }

    public Set<String> pools() {
        return new TreeSet<>(pools.keySet());
    }

    private void run(String topic) {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read(r);
                }
                if (caughtUp.getCount() > 0
                        && end.entrySet().stream()
                                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("the catalog reader stopped; the gateway keeps the catalogs it has", e);
        } finally {
            consumer.close();
        }
    }

    private void read(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            if (r.key() != null) {
                pools.remove(r.key());
            }
            return;
        }
        try {
            PoolCatalog catalog = codec.decode(r.value());
            pools.put(catalog.getPool(), catalog);
        } catch (UndecodableRecordException e) {
            LOG.warn(
                    "skipping an undecodable catalog at offset {}: {}", r.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}

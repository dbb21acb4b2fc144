package dev.pointsman.streams.api;

import dev.pointsman.schemas.RoutingDecision;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes {@code POST /v1/route} requests: reads every partition of the decisions topic ({@code
 * read_committed}, from its end at start-up, no consumer group) and hands each decision to the
 * request waiting for its query id. Every API instance reads all partitions, so a request is
 * answered by the instance that took it whichever partition its decision lands on. It also keeps
 * each pool's {@value #RECENT} newest decisions, for the dashboard.
 */
public final class DecisionWaiter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionWaiter.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final RecordCodec<RoutingDecision> codec;
    private final Map<String, CompletableFuture<RoutingDecision>> waiting =
            new ConcurrentHashMap<>();
    private final Thread thread;
    private final int maxWaiting;

    /** Requests that may wait for their decisions at once, unless told otherwise. */
    public static final int DEFAULT_MAX_WAITING = 10_000;

    /** Decisions kept per pool for {@link #recent}. */
    public static final int RECENT = 20;

    /** Pool → its newest decisions, newest last. */
    private final Map<String, Deque<RoutingDecision>> recent = new ConcurrentHashMap<>();

    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * @param client the Kafka client settings (bootstrap servers, security) its reader starts from
     */
    public DecisionWaiter(
            Map<String, Object> client, String topic, RecordCodec<RoutingDecision> codec) {
        this(client, topic, codec, DEFAULT_MAX_WAITING);
    }

    /**
     * @param maxWaiting how many requests may wait for their decisions at once; more are refused
     *     ({@link Overloaded})
     */
    public DecisionWaiter(
            Map<String, Object> client,
            String topic,
            RecordCodec<RoutingDecision> codec,
            int maxWaiting) {
        this.codec = codec;
        this.maxWaiting = maxWaiting;
        consumer = committedReader(client);
        thread = daemon("decision-waiter", () -> run(topic));
    }

    /**
     * A consumer of committed records that belongs to no group (it assigns partitions itself and
     * commits nothing): how the API's readers follow a topic.
     */
    public static KafkaConsumer<String, byte[]> committedReader(Map<String, Object> client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(props);
    }

    /** Starts {@code body} on a daemon thread called {@code name}. */
    public static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Blocks until the consumer sits at the topic's end, so no decision after this is missed. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Writes {@code query} of {@code pool} (encoded, keyed by its id) to {@code router.queries} and
     * waits for its decision, at most {@code timeout} in all. Only a decision of the same pool
     * answers it: a query of another pool that reuses the id cannot hand over its decision.
     *
     * @throws TimeoutException when the write or the decision does not come in time
     * @throws ExecutionException when the write fails, or too many requests wait already
     */
    public RoutingDecision route(
            Producer<String, byte[]> producer,
            String pool,
            String id,
            byte[] query,
            Duration timeout)
            throws TimeoutException, ExecutionException, InterruptedException {
        try {
            return routeAsync(producer, pool, id, query, timeout).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException t) {
                throw t;
            }
            throw e;
        }
    }

    /**
     * {@link #route} without holding a thread: the future completes with the decision when the
     * reader sees it, with a {@link TimeoutException} after {@code timeout}, with the write's
     * error, or at once with {@link Overloaded} when {@code maxWaiting} requests wait already.
     */
    public CompletableFuture<RoutingDecision> routeAsync(
            Producer<String, byte[]> producer,
            String pool,
            String id,
            byte[] query,
            Duration timeout) {
        if (waiting.size() >= maxWaiting) {
            return CompletableFuture.failedFuture(
                    new Overloaded(
                            waiting.size()
                                    + " requests are waiting for their decisions already (at most "
                                    + maxWaiting
                                    + "); retry shortly"));
        }
        String key = key(pool, id);
        // Two requests for the same query of the same pool share one decision.
        CompletableFuture<RoutingDecision> decision =
                waiting.computeIfAbsent(key, k -> new CompletableFuture<>());
        try {
            producer.send(
                    new ProducerRecord<>(Topics.QUERIES, id, query),
                    (metadata, error) -> {
                        if (error != null) {
                            decision.completeExceptionally(error);
                        }
                    });
        } catch (RuntimeException e) {
            decision.completeExceptionally(e);
        }
        return decision.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((d, e) -> waiting.remove(key, decision));
    }

    /** Too many requests wait for decisions already: answered 503 at once. */
    public static final class Overloaded extends RuntimeException {
        Overloaded(String message) {
            super(message, null, false, false);
        }
    }

    private static String key(String pool, String queryId) {
        return pool + "\u0000" + queryId;
    }

    public int waiting() {
        return waiting.size();
    }

    /** Whether the reader still follows the decisions topic (for {@code /healthz}). */
    public boolean reading() {
        return thread.isAlive();
    }

    private void keep(RoutingDecision d) {
        Deque<RoutingDecision> kept =
                recent.computeIfAbsent(d.getPool(), p -> new ConcurrentLinkedDeque<>());
        kept.addLast(d);
        while (kept.size() > RECENT) {
            kept.pollFirst();
        }
    }

    /** The pool's newest decisions (at most {@value #RECENT}), newest first. */
    public List<RoutingDecision> recent(String pool) {
        Deque<RoutingDecision> kept = recent.get(pool);
        if (kept == null) {
            return List.of();
        }
        List<RoutingDecision> out = new ArrayList<>(kept);
        Collections.reverse(out);
        return out;
    }

    private void run(String topic) {
        try {
            Topics.assignAtEnd(consumer, List.of(topic));
            assigned.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        RoutingDecision d = codec.decode(r.value());
                        CompletableFuture<RoutingDecision> f =
                                waiting.remove(key(d.getPool(), d.getQueryId()));
                        if (f != null) {
                            f.complete(d);
                        }
                        keep(d);
                    } catch (UndecodableRecordException e) {
                        LOG.warn("skipping an undecodable decision at offset {}", r.offset());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("the decision reader stopped; /v1/route will time out", e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}

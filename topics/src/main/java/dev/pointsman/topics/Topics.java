package dev.pointsman.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;

/** The topics every component reads and writes (docs/topics.md), and their creation. */
public final class Topics {
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

    public static final String QUERIES = "router.queries";
    public static final String QUERIES_EMBEDDED = "router.queries.embedded";
    public static final String DECISIONS = "router.decisions";
    public static final String OUTCOMES = "router.outcomes";
    public static final String FEEDBACK = "router.feedback";
    public static final String CATALOG = "router.catalog";
    public static final String METRICS = "router.metrics";
    public static final String ALERTS = "router.alerts";
    public static final String DLQ = "router.dlq";

    /**
     * Where {@code bench adapt}'s static pass sends the joined feedback: measured like live
     * feedback, never read by the routing job.
     */
    public static final String FEEDBACK_DISCARDED = "router.feedback.discarded";

    /**
     * The topics that clients outside the router write to, whose records the broker stamps with its
     * own time (log-append time): the time the router bounds every client's event-time field by, so
     * that a client's clock alone never drives the ledger.
     */
    public static final Set<String> STAMPED_BY_BROKER = Set.of(QUERIES, OUTCOMES);

    /**
     * The topics whose records carry prompt text: their dead letters keep only the payload's length
     * and hash unless the pool opted in.
     */
    public static final Set<String> CARRY_TEXT = Set.of(QUERIES, QUERIES_EMBEDDED);

    private Topics() {}

    /**
     * Every topic with {@code partitions} partitions; the catalog is compacted and kept forever.
     */
    public static List<TopicSpec> all(int partitions, Replication replication, Duration retention) {
        long ms = retention.toMillis();
        List<TopicSpec> out = new ArrayList<>();
        for (String name :
                List.of(
                        QUERIES,
                        QUERIES_EMBEDDED,
                        DECISIONS,
                        OUTCOMES,
                        FEEDBACK,
                        METRICS,
                        ALERTS,
                        DLQ)) {
            out.add(new TopicSpec(name, partitions, replication, ms, false));
        }
        out.add(new TopicSpec(CATALOG, 1, replication, -1, true));
        return out;
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    public static void ensure(Admin admin, List<TopicSpec> specs) throws InterruptedException {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(
                            new NewTopic(
                                            spec.name(),
                                            spec.partitions(),
                                            spec.replication().replicas())
                                    .configs(spec.configs()));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
                awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "creating topics failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Waits until every partition of {@code names} answers a ListOffsets request, which its leader
     * only does once it has taken the leadership over. A producer that writes to a topic the moment
     * it is created gets NOT_LEADER_OR_FOLLOWER while the broker catches up, and an idempotent
     * producer's retries then ran into OUT_OF_ORDER_SEQUENCE_NUMBER and never got through (seen on
     * the embedded broker, even after the topic's metadata already named a leader).
     */
    private static void awaitLeaders(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                for (TopicDescription d :
                        admin.describeTopics(names).allTopicNames().get().values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        partitions.put(
                                new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
                    }
                }
                admin.listOffsets(partitions).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
                // not led yet (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, ...)
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "topics "
                                + names
                                + " have partitions without a leader after "
                                + LEADER_WAIT);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Assigns {@code consumer} every partition of {@code topics} (no consumer group) and positions
     * it at their current ends, so that it sees exactly what is written from now on.
     */
    public static void assignAtEnd(Consumer<?, ?> consumer, List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, LEADER_WAIT)
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy; resolving the positions now fixes "the end" to this moment.
        partitions.forEach(consumer::position);
    }
}

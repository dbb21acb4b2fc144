package dev.pointsman.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The topics of shared/ARCHITECTURE.md and their creation. */
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

    private Topics() {}

    /**
     * Every topic with {@code partitions} partitions; the catalog is compacted and kept forever.
     */
    public static List<TopicSpec> all(int partitions, short replication, Duration retention) {
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
                            new NewTopic(spec.name(), spec.partitions(), spec.replication())
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
     * Waits until every partition of {@code names} has a leader. A producer that writes to a topic
     * the moment it is created gets NOT_LEADER_OR_FOLLOWER while the broker catches up, and an
     * idempotent producer's retries then ran into OUT_OF_ORDER_SEQUENCE_NUMBER and never got
     * through (seen on the embedded broker).
     */
    private static void awaitLeaders(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            boolean ready = true;
            try {
                for (TopicDescription d :
                        admin.describeTopics(names).allTopicNames().get().values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.leader() == null || p.leader().isEmpty()) {
                            ready = false;
                        }
                    }
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                ready = false; // created, but not in the broker's metadata yet
            }
            if (ready) {
                return;
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
}

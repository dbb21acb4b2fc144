package dev.pointsman.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** The topics of shared/ARCHITECTURE.md and their creation. */
public final class Topics {
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
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "creating topics failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}

package dev.pointsman.topics;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs each component needs on a cluster with an authorizer, and no more: which topics it
 * reads and writes, its consumer groups and transactional ids, and the right to create the router's
 * topics (each component creates the missing ones at start). The README lists them, {@code k8s/}
 * grants them as {@code KafkaUser}s, and the integration tests run the components on a broker that
 * grants exactly these.
 */
public final class KafkaAcls {
    private KafkaAcls() {}

    /** Prefix of every topic Pointsman creates. */
    static final String TOPIC_PREFIX = "router.";

    /**
     * The embed worker: reads queries, writes embedded queries and dead letters in transactions.
     *
     * @param group its consumer group ({@code --group})
     * @param transactionalIds the prefix of its instances' {@code --transactional-id}s
     */
    public static List<AclBinding> embedWorker(
            String principal, String group, String transactionalIds) {
        Builder b = new Builder(principal);
        b.topics(List.of(Topics.QUERIES), AclOperation.READ);
        b.topics(List.of(Topics.QUERIES_EMBEDDED, Topics.DLQ), AclOperation.WRITE);
        b.group(group, PatternType.LITERAL);
        b.transactionalIds(transactionalIds);
        return b.build();
    }

    /**
     * The routing job: reads embedded queries, feedback, catalogs and window metrics; writes
     * decisions, dead letters and alerts (in transactions named after its group).
     *
     * @param group its consumer group ({@code --group}), also its sinks' transactional-id prefix
     */
    public static List<AclBinding> job(String principal, String group) {
        Builder b = new Builder(principal);
        b.topics(
                List.of(Topics.QUERIES_EMBEDDED, Topics.FEEDBACK, Topics.CATALOG, Topics.METRICS),
                AclOperation.READ);
        b.topics(List.of(Topics.DECISIONS, Topics.DLQ, Topics.ALERTS), AclOperation.WRITE);
        b.group(group, PatternType.LITERAL);
        b.transactionalIds(group);
        return b.build();
    }

    /**
     * The streams app: its API writes queries and outcomes; Kafka Streams reads embedded queries,
     * decisions, outcomes and catalogs, writes feedback, window metrics, alerts and dead letters,
     * and owns its internal topics, group and transactional ids (all prefixed by its application
     * id); it reads every component's dead letters to count them, and the routing job's group
     * offsets for its readiness probe.
     *
     * @param applicationId its {@code --application-id}
     * @param jobGroup its {@code --job-group}: the routing job's consumer group
     */
    public static List<AclBinding> streams(
            String principal, String applicationId, String jobGroup) {
        Builder b = new Builder(principal);
        b.topics(
                List.of(
                        Topics.QUERIES_EMBEDDED,
                        Topics.DECISIONS,
                        Topics.OUTCOMES,
                        Topics.CATALOG,
                        Topics.METRICS,
                        Topics.ALERTS,
                        Topics.DLQ),
                AclOperation.READ);
        b.add(
                new ResourcePattern(ResourceType.GROUP, jobGroup, PatternType.LITERAL),
                AclOperation.DESCRIBE);
        b.topics(
                List.of(
                        Topics.QUERIES,
                        Topics.OUTCOMES,
                        Topics.FEEDBACK,
                        Topics.METRICS,
                        Topics.ALERTS,
                        Topics.DLQ),
                AclOperation.WRITE);
        b.add(
                new ResourcePattern(ResourceType.TOPIC, applicationId, PatternType.PREFIXED),
                AclOperation.ALL);
        b.group(applicationId, PatternType.PREFIXED);
        b.transactionalIds(applicationId);
        return b.build();
    }

    /** Collects one principal's ACLs; every component may create the router's topics. */
    private static final class Builder {
        private final String principal;
        private final List<AclBinding> out = new ArrayList<>();

        Builder(String principal) {
            this.principal = principal;
            add(
                    new ResourcePattern(ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED),
                    AclOperation.CREATE);
            add(
                    new ResourcePattern(ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED),
                    AclOperation.DESCRIBE);
            add(
                    new ResourcePattern(ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED),
                    AclOperation.DESCRIBE_CONFIGS);
        }

        void topics(List<String> names, AclOperation operation) {
            for (String name : names) {
                add(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operation);
            }
        }

        void group(String name, PatternType type) {
            add(new ResourcePattern(ResourceType.GROUP, name, type), AclOperation.READ);
        }

        void transactionalIds(String prefix) {
            ResourcePattern ids =
                    new ResourcePattern(
                            ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED);
            add(ids, AclOperation.WRITE);
            add(ids, AclOperation.DESCRIBE);
        }

        void add(ResourcePattern pattern, AclOperation operation) {
            AclBinding binding =
                    new AclBinding(
                            pattern,
                            new AccessControlEntry(
                                    principal, "*", operation, AclPermissionType.ALLOW));
            if (!out.contains(binding)) {
                out.add(binding);
            }
        }

        List<AclBinding> build() {
            return List.copyOf(out);
        }
    }
}

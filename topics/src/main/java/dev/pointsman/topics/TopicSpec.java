package dev.pointsman.topics;

import java.util.HashMap;
import java.util.Map;

/**
 * One topic's settings. Every component creates topics from the same {@link Topics} list, so a
 * topic never exists with settings that differ between components.
 *
 * @param retentionMs -1 keeps records forever
 */
public record TopicSpec(
        String name, int partitions, Replication replication, long retentionMs, boolean compacted) {

    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions <= 0) {
            throw new IllegalArgumentException(
                    "topic " + name + ": partitions must be > 0, got " + partitions);
        }
        if (replication == null) {
            throw new IllegalArgumentException("topic " + name + ": replication must be set");
        }
        if (retentionMs < -1 || retentionMs == 0) {
            throw new IllegalArgumentException(
                    "topic "
                            + name
                            + ": retention.ms must be -1 (forever) or > 0, got "
                            + retentionMs);
        }
    }

    /** Topic-level configs for the Admin client. */
    public Map<String, String> configs() {
        Map<String, String> out = new HashMap<>();
        out.put("cleanup.policy", compacted ? "compact" : "delete");
        out.put("retention.ms", String.valueOf(retentionMs));
        out.put("min.insync.replicas", String.valueOf(replication.minInsync()));
        if (Topics.STAMPED_BY_BROKER.contains(name)) {
            out.put("message.timestamp.type", "LogAppendTime");
        }
        return out;
    }
}

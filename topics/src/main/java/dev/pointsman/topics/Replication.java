package dev.pointsman.topics;

import dev.pointsman.settings.Setting;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;

/**
 * How the topics Pointsman creates are replicated: {@code replicas} copies of every partition, and
 * a write acknowledged by all (the producers' default) only once {@code minInsync} of them have it.
 * With 3 and 2, one broker can fail without losing an acknowledged record or stopping writes.
 */
public record Replication(short replicas, int minInsync) {
    public static final Setting<Integer> FACTOR =
            Setting.optionalInteger(
                    "replication-factor",
                    "Replicas of every topic this creates. Default: 3 on a cluster of 3 brokers or"
                            + " more, else as many as there are (1 on the embedded broker).",
                    1,
                    Short.MAX_VALUE);
    public static final Setting<Integer> MIN_INSYNC =
            Setting.optionalInteger(
                    "min-insync-replicas",
                    "Replicas that must have a record before a write of it is acknowledged"
                            + " (min.insync.replicas of the topics this creates). Default: one"
                            + " less than the replication factor (2 of 3), at least 1.",
                    1,
                    Short.MAX_VALUE);

    /** Both settings, for the commands that create topics. */
    public static final List<Setting<?>> SETTINGS = List.of(FACTOR, MIN_INSYNC);

    /** One replica: the embedded broker. */
    public static final Replication SINGLE = new Replication((short) 1, 1);

    public Replication {
        if (replicas < 1) {
            throw new IllegalArgumentException("--replication-factor must be > 0, got " + replicas);
        }
        if (minInsync < 1 || minInsync > replicas) {
            throw new IllegalArgumentException(
                    "--min-insync-replicas must be in [1, "
                            + replicas
                            + "] (the replication factor), got "
                            + minInsync);
        }
    }

    /**
     * The replication the settings ask for on a cluster of {@code brokers} brokers; a null setting
     * takes its default. More replicas than brokers fail naming the option.
     */
    public static Replication of(
            @Nullable Integer factor, @Nullable Integer minInsync, int brokers) {
        int replicas = factor != null ? factor : Math.max(1, Math.min(3, brokers));
        if (replicas > brokers) {
            throw new IllegalArgumentException(
                    "--replication-factor "
                            + replicas
                            + " needs as many brokers, and the cluster has "
                            + brokers);
        }
        int insync = minInsync != null ? minInsync : Math.max(1, replicas - 1);
        return new Replication((short) replicas, insync);
    }

    /** {@link #of} for the cluster {@code admin} talks to. */
    public static Replication of(Admin admin, @Nullable Integer factor, @Nullable Integer minInsync)
            throws InterruptedException {
        try {
            return of(factor, minInsync, admin.describeCluster().nodes().get().size());
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "describing the Kafka cluster failed: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }
}

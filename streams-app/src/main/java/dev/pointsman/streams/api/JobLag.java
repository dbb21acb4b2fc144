package dev.pointsman.streams.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * How far the routing job is behind on a topic, for the readiness probe: every few seconds, the
 * committed records on the topic that the job's consumer group has not committed past (the job
 * commits its offsets as its checkpoints complete). A partition the group has never committed
 * counts from its first record. -1 until the first reading, or while the brokers do not answer.
 */
public final class JobLag implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Admin admin;
    private final String group;
    private final String topic;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "job-lag");
                        t.setDaemon(true);
                        return t;
                    });
    private volatile long lag = -1;
    private volatile @Nullable String problem = "not read yet";

    public JobLag(Map<String, Object> client, String group, String topic, Duration every) {
        this.admin = Admin.create(client);
        this.group = group;
        this.topic = topic;
        timer.scheduleWithFixedDelay(this::read, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records not yet read by the job, or -1 when unknown ({@link #problem} says why). */
    long lag() {
        return lag;
    }

    @Nullable String problem() {
        return problem;
    }

    private void read() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            int partitions =
                    admin.describeTopics(java.util.List.of(topic))
                            .allTopicNames()
                            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .get(topic)
                            .partitions()
                            .size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
            }
            ListOffsetsOptions committedOnly =
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
            var ends =
                    admin.listOffsets(latest, committedOnly)
                            .all()
                            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            var starts =
                    admin.listOffsets(earliest, committedOnly)
                            .all()
                            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long total = 0;
            for (TopicPartition tp : latest.keySet()) {
                OffsetAndMetadata at = committed.get(tp);
                long from = at != null ? at.offset() : starts.get(tp).offset();
                total += Math.max(0, ends.get(tp).offset() - from);
            }
            lag = total;
            problem = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lag = -1;
            problem = "cannot read the job's offsets: " + e;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}

package dev.pointsman.streams.metrics;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.Rejections;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.streams.AppMetrics;
import dev.pointsman.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Keeps every alert on {@code router.alerts} queryable for the HTTP API and the dashboard: the ones
 * this app raises on its windows and the ones the routing job raises (a pool falling back or
 * promoted, a budget it cannot reach). One entry per pool, window start and kind, so an alert read
 * twice (a restart, a repeated write) is listed once; entries older than {@code --history} before
 * the pool's newest alert are dropped. A record that cannot be read goes to {@code router.dlq}.
 */
public final class AlertHistory implements Processor<byte[], byte[], String, DeadLetter> {
    public static final String STORE = "alerts-history";

    private final TopologySettings settings;
    private final RecordCodec<Alert> codec;
    private final AppMetrics metrics;
    private ProcessorContext<String, DeadLetter> context;
    private KeyValueStore<String, byte[]> alerts;

    public AlertHistory(TopologySettings settings, RecordCodec<Alert> codec, AppMetrics metrics) {
        this.settings = settings;
        this.codec = codec;
        this.metrics = metrics;
    }

    public static StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder() {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray());
    }

    @Override
    public void init(ProcessorContext<String, DeadLetter> context) {
        this.context = context;
        alerts = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            dead(record, "undecodable", "an empty record (a tombstone) is not an alert");
            return;
        }
        Alert a;
        try {
            a = codec.decode(record.value());
        } catch (UndecodableRecordException e) {
            dead(record, "undecodable", "not an alert: " + e.getMessage());
            return;
        }
        long start = a.getWindowStart().toEpochMilli();
        alerts.put(MetricsFinisher.historyKey(a.getPool(), start, a.getKind()), record.value());
        MetricsFinisher.prune(
                alerts,
                a.getPool(),
                a.getWindowEnd().toEpochMilli() - settings.history().toMillis());
    }

    private void dead(Record<byte[], byte[]> record, String kind, String reason) {
        metrics.deadLetter(kind);
        RecordMetadata source = context.recordMetadata().orElseThrow();
        DeadLetter letter =
                Rejections.deadLetter(
                        source.topic(),
                        source.partition(),
                        source.offset(),
                        record.key(),
                        record.value(),
                        new Rejections.Why(kind, reason, null, true),
                        AppMetrics.COMPONENT,
                        Instant.ofEpochMilli(record.timestamp()));
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context.forward(new Record<>(key, letter, record.timestamp()));
    }
}

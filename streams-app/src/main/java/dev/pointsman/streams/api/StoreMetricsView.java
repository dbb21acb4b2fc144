package dev.pointsman.streams.api;

import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.streams.metrics.AlertHistory;
import dev.pointsman.streams.metrics.MetricsFinisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link MetricsView} over this instance's history stores. With several instances each holds the
 * pools whose windows it computes; a pool this instance does not hold reads as empty.
 */
public final class StoreMetricsView implements MetricsView {
    private final KafkaStreams streams;
    private final RecordCodec<WindowMetrics> metricsCodec;
    private final RecordCodec<Alert> alertCodec;

    public StoreMetricsView(
            KafkaStreams streams,
            RecordCodec<WindowMetrics> metricsCodec,
            RecordCodec<Alert> alertCodec) {
        this.streams = streams;
        this.metricsCodec = metricsCodec;
        this.alertCodec = alertCodec;
    }

    @Override
    public Set<String> pools() {
        Set<String> pools = new TreeSet<>();
        try (KeyValueIterator<String, byte[]> it = store(MetricsFinisher.HISTORY_STORE).all()) {
            while (it.hasNext()) {
                String key = it.next().key;
                pools.add(key.substring(0, key.indexOf('\u0000')));
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        return pools;
    }

    @Override
    public List<WindowMetrics> windows(String pool) {
        return read(MetricsFinisher.HISTORY_STORE, pool, metricsCodec);
    }

    @Override
    public List<Alert> alerts(String pool) {
        return read(AlertHistory.STORE, pool, alertCodec);
    }

    private <T> List<T> read(String name, String pool, RecordCodec<T> codec) {
        List<T> out = new ArrayList<>();
        String[] range = MetricsFinisher.poolRange(pool);
        try (KeyValueIterator<String, byte[]> it = store(name).range(range[0], range[1])) {
            while (it.hasNext()) {
                try {
                    out.add(codec.decode(it.next().value));
                } catch (UndecodableRecordException e) {
                    throw new IllegalStateException("unreadable entry in " + name, e);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        return out;
    }

    private ReadOnlyKeyValueStore<String, byte[]> store(String name) {
        return streams.store(
                StoreQueryParameters.fromNameAndType(
                        name, QueryableStoreTypes.<String, byte[]>keyValueStore()));
    }

    private Unavailable unavailable(InvalidStateStoreException e) {
        return new Unavailable(
                "metrics are not readable while Kafka Streams is " + streams.state(), e);
    }
}

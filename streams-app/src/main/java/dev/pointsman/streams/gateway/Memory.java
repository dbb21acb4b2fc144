package dev.pointsman.streams.gateway;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A bounded map whose entries expire: the gateway's memory of answers (for feedback) and sessions.
 * The oldest entry goes first when it is full. Thread-safe.
 */
final class Memory<V> {
    private record Entry<V>(V value, long at) {}

    private final long ttlMs;
    private final int max;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Entry<V>> entries = new LinkedHashMap<>();

    Memory(Duration ttl, int max, LongSupplier clock) {
        this.ttlMs = ttl.toMillis();
        this.max = max;
        this.clock = clock;
    }

    synchronized void put(String key, V value) {
        entries.remove(key);
        entries.put(key, new Entry<>(value, clock.getAsLong()));
        expire();
        while (entries.size() > max) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    synchronized @Nullable V get(String key) {
        expire();
        Entry<V> e = entries.get(key);
        return e == null ? null : e.value();
    }

    /**
     * Replaces the value of a key still remembered and still {@code expected} (equals), keeping its
     * age, in one step; false when it is gone or holds another value.
     */
    synchronized boolean replace(String key, V expected, V value) {
        expire();
        Entry<V> e = entries.get(key);
        if (e == null || !e.value().equals(expected)) {
            return false;
        }
        entries.put(key, new Entry<>(value, e.at()));
        return true;
    }

    synchronized int size() {
        expire();
        return entries.size();
    }

    private void expire() {
        long now = clock.getAsLong();
        Iterator<Map.Entry<String, Entry<V>>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            if (now - it.next().getValue().at() <= ttlMs) {
                return; // insertion order: the rest are younger
            }
            it.remove();
        }
    }
}

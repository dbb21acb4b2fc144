package dev.pointsman.streams.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When each ledger entry is due: a store ordered by deadline, so the entries due by an event time
 * are one range scan away. An entry's deadline also lives in the entry, and only the index key that
 * matches it counts (a rescheduled entry's older key is deleted, or ignored if one slips through).
 */
final class ExpiryIndex {
    private final KeyValueStore<Bytes, byte[]> store;

    /** A due entry: its id and the deadline it was due at. */
    record Due(String id, long deadline) {}

    ExpiryIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** Moves {@code entry}'s deadline to {@code deadline}. */
    void schedule(String id, LedgerEntry entry, long deadline) {
        if (entry.deadline != 0) {
            store.delete(key(entry.deadline, id));
        }
        entry.deadline = deadline;
        store.put(key(deadline, id), new byte[0]);
    }

    /** Removes and returns every index key due at or before {@code eventTime}. */
    List<Due> takeDue(long eventTime) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it =
                store.range(key(Long.MIN_VALUE, ""), key(eventTime + 1, ""))) {
            while (it.hasNext()) {
                due.add(it.next());
            }
        }
        List<Due> out = new ArrayList<>(due.size());
        for (KeyValue<Bytes, byte[]> kv : due) {
            store.delete(kv.key);
            byte[] b = kv.key.get();
            long deadline = ByteBuffer.wrap(b).getLong() ^ Long.MIN_VALUE;
            out.add(new Due(new String(b, 8, b.length - 8, StandardCharsets.UTF_8), deadline));
        }
        return out;
    }

    /** Big-endian deadline with the sign bit flipped (so byte order is time order), then the id. */
    static Bytes key(long deadline, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(
                ByteBuffer.allocate(8 + idBytes.length)
                        .putLong(deadline ^ Long.MIN_VALUE)
                        .put(idBytes)
                        .array());
    }
}

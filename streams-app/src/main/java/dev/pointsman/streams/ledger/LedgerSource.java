package dev.pointsman.streams.ledger;

import org.jspecify.annotations.Nullable;

/** A record as the ledger read it: what a dead letter for it carries. */
record LedgerSource(
        byte @Nullable [] key,
        byte @Nullable [] value,
        String topic,
        int partition,
        long offset,
        long timestamp) {

    /** An outcome that waited for its query, as it was read, at {@code timestamp}. */
    static LedgerSource of(LedgerEntry.Pending p, long timestamp) {
        return new LedgerSource(
                p.key(), p.value(), p.topic(), p.partition(), p.offset(), timestamp);
    }
}

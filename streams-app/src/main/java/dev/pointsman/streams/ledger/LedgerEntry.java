package dev.pointsman.streams.ledger;

import dev.pointsman.streams.Binary;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.jspecify.annotations.Nullable;

/**
 * What the ledger knows about one query id: the embedded query, the decision and the outcomes so
 * far, plus outcomes still waiting for a query that has not arrived. Mutable; stored per query id.
 */
final class LedgerEntry {
    private static final int VERSION = 3;

    /** An outcome record held until its query arrives, kept as received for the DLQ. */
    record Pending(byte @Nullable [] key, byte[] value, String topic, int partition, long offset) {}

    @Nullable String pool;

    /** Event time of the query (from the query, the decision or, until one arrives, an outcome). */
    long ts;

    /** When the entry leaves the ledger, on the event-time clock. */
    long deadline;

    boolean hasQuery;
    byte @Nullable [] vector;
    int dimension;
    @Nullable String embedder;

    boolean hasDecision;
    @Nullable String router;
    @Nullable String chosen;
    double oodScore = Double.NaN;

    /** Whether the decision explored the query, and with what probability (its propensity). */
    boolean explored;

    double exploreProbability;

    /** model → {ŝ, ĉ} of the decision. */
    final Map<String, double[]> predicted = new TreeMap<>();

    /** challenger router → model → {ŝ, ĉ}: what the decision's challengers predicted. */
    final Map<String, Map<String, double[]>> challengers = new TreeMap<>();

    /** model → {score, cost} of the accepted outcomes. */
    final Map<String, double[]> outcomes = new TreeMap<>();

    final List<Pending> pending = new ArrayList<>();
    boolean shadowSent;

    static Serde<LedgerEntry> serde() {
        return Binary.serde(LedgerEntry::write, LedgerEntry::read);
    }

    private static void write(DataOutputStream out, LedgerEntry e) throws IOException {
        Binary.writeVersion(out, VERSION);
        Binary.writeNullableString(out, e.pool);
        out.writeLong(e.ts);
        out.writeLong(e.deadline);
        out.writeBoolean(e.hasQuery);
        Binary.writeBytes(out, e.vector);
        out.writeInt(e.dimension);
        Binary.writeNullableString(out, e.embedder);
        out.writeBoolean(e.hasDecision);
        Binary.writeNullableString(out, e.router);
        Binary.writeNullableString(out, e.chosen);
        out.writeDouble(e.oodScore);
        Binary.writePairs(out, e.predicted);
        Binary.writePairs(out, e.outcomes);
        out.writeInt(e.pending.size());
        for (Pending p : e.pending) {
            Binary.writeBytes(out, p.key());
            Binary.writeBytes(out, p.value());
            out.writeUTF(p.topic());
            out.writeInt(p.partition());
            out.writeLong(p.offset());
        }
        out.writeBoolean(e.shadowSent);
        out.writeBoolean(e.explored);
        out.writeDouble(e.exploreProbability);
        out.writeInt(e.challengers.size());
        for (Map.Entry<String, Map<String, double[]>> c : e.challengers.entrySet()) {
            out.writeUTF(c.getKey());
            Binary.writePairs(out, c.getValue());
        }
    }

    private static LedgerEntry read(DataInputStream in) throws IOException {
        int version = Binary.readVersion(in, 1, VERSION, "ledger entry");
        LedgerEntry e = new LedgerEntry();
        e.pool = Binary.readNullableString(in);
        e.ts = in.readLong();
        e.deadline = in.readLong();
        e.hasQuery = in.readBoolean();
        e.vector = Binary.readBytes(in);
        e.dimension = in.readInt();
        e.embedder = Binary.readNullableString(in);
        e.hasDecision = in.readBoolean();
        e.router = Binary.readNullableString(in);
        e.chosen = Binary.readNullableString(in);
        e.oodScore = in.readDouble();
        e.predicted.putAll(Binary.readPairs(in));
        e.outcomes.putAll(Binary.readPairs(in));
        int pending = in.readInt();
        for (int i = 0; i < pending; i++) {
            byte[] key = Binary.readBytes(in);
            byte[] value = Binary.readBytes(in);
            e.pending.add(new Pending(key, value, in.readUTF(), in.readInt(), in.readLong()));
        }
        e.shadowSent = in.readBoolean();
        if (version >= 2) {
            e.explored = in.readBoolean();
            e.exploreProbability = in.readDouble();
        }
        if (version >= 3) {
            int challengers = in.readInt();
            for (int i = 0; i < challengers; i++) {
                String router = in.readUTF();
                e.challengers.put(router, new TreeMap<>(Binary.readPairs(in)));
            }
        }
        return e;
    }

    private LedgerEntry() {}

    static LedgerEntry create() {
        return new LedgerEntry();
    }
}

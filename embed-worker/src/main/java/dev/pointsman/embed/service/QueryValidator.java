package dev.pointsman.embed.service;

import dev.pointsman.schemas.Query;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.schemas.codec.SingleObjectCodec;
import dev.pointsman.schemas.codec.UndecodableRecordException;
import dev.pointsman.schemas.codec.Utf8Check;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a raw {@code router.queries} value can be embedded. Anything it rejects goes to
 * the dead-letter topic with the reason it returns; nothing it sees makes the worker stop.
 */
public final class QueryValidator {
    private final RecordCodec<Query> codec;
    private final int maxTextBytes;
    private final Set<String> pools;

    /**
     * @param pools accepted pools; empty accepts every pool
     */
    public QueryValidator(int maxTextBytes, Set<String> pools) {
        this(maxTextBytes, pools, SingleObjectCodec.of(Query.class));
    }

    /**
     * @param codec how query records are framed (see {@code WireFormat})
     */
    public QueryValidator(int maxTextBytes, Set<String> pools, RecordCodec<Query> codec) {
        this.codec = codec;
        if (maxTextBytes <= 0) {
            throw new IllegalArgumentException(
                    "embed.max-text-bytes must be > 0, got " + maxTextBytes);
        }
        this.maxTextBytes = maxTextBytes;
        this.pools = Set.copyOf(pools);
    }

    /** A decoded query, or the reason it cannot be used. */
    public sealed interface Verdict permits Accepted, Rejected {}

    public record Accepted(Query query) implements Verdict {}

    /**
     * @param kind a short label for counting: undecodable, invalid-utf8, empty, too-long,
     *     unknown-pool
     * @param pool the pool the query names, null when it could not be decoded
     */
    public record Rejected(String kind, @Nullable String pool, String reason) implements Verdict {}

    public Verdict check(byte[] value) {
        Query query;
        try {
            query = codec.decode(value);
        } catch (UndecodableRecordException e) {
            return new Rejected("undecodable", null, e.getMessage());
        }
        if (!Utf8Check.valid(value, query.getId(), query.getPool(), query.getText())) {
            return new Rejected(
                    "invalid-utf8",
                    query.getPool(),
                    "query " + query.getId() + " is not valid UTF-8 (its text, id or pool)");
        }
        if (query.getText().isBlank()) {
            return new Rejected(
                    "empty", query.getPool(), "query " + query.getId() + " has empty text");
        }
        int bytes = query.getText().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxTextBytes) {
            return new Rejected(
                    "too-long",
                    query.getPool(),
                    "query "
                            + query.getId()
                            + " text is "
                            + bytes
                            + " bytes, over the limit of "
                            + maxTextBytes);
        }
        if (!pools.isEmpty() && !pools.contains(query.getPool())) {
            return new Rejected(
                    "unknown-pool",
                    query.getPool(),
                    "query " + query.getId() + " names unknown pool '" + query.getPool() + "'");
        }
        return new Accepted(query);
    }
}

package dev.pointsman.flink.support;

/**
 * What a support-set shard receives: a query to search ({@link #queryId} set) or a feedback example
 * to store ({@link #example} set). Keyed by {@link #key()}. A Flink POJO.
 */
public class ShardEvent {
    /** The pool the shard belongs to. */
    public String pool;

    /** This shard's number in [0, shards). */
    public int shard;

    /** How many shards the pool has. */
    public int shards;

    /**
     * Which copy of the shard: a replicated shard keeps every one of its examples in each of its
     * {@link #replicas} copies, and a query asks one of them.
     */
    public int replica;

    /** How many copies each shard of the pool has (1: no replicas). */
    public int replicas = 1;

    /** The query to search for, or null for feedback. */
    public String queryId;

    /** The query vector (queries only). */
    public float[] vector;

    /** Neighbours wanted (queries only). */
    public int k;

    /** The query's λ, NaN for the pool default (queries only). */
    public double lambda = Double.NaN;

    /** The query's cost ceiling in USD, NaN for none (queries only). */
    public double budget = Double.NaN;

    /** Event time of the query (queries only). */
    public long ts;

    /** A single-object encoded {@code FeedbackExample} (feedback only). */
    public byte[] example;

    public ShardEvent() {}

    public static ShardEvent query(
            String pool, int shard, int shards, String queryId, float[] vector, int k, long ts) {
        ShardEvent e = new ShardEvent();
        e.pool = pool;
        e.shard = shard;
        e.shards = shards;
        e.queryId = queryId;
        e.vector = vector;
        e.k = k;
        e.ts = ts;
        return e;
    }

    public static ShardEvent feedback(String pool, int shard, int shards, byte[] example) {
        ShardEvent e = new ShardEvent();
        e.pool = pool;
        e.shard = shard;
        e.shards = shards;
        e.example = example;
        return e;
    }

    public boolean isQuery() {
        return queryId != null;
    }

    /**
     * The keyed-state key of the shard copy this event belongs to ({@link ShardKeys}: a pool's
     * shards × replicas copies spread over the key groups).
     */
    public String key() {
        return ShardKeys.of(pool, shard * replicas + replica, shards * replicas);
    }

    /** This event for copy {@code replica} of {@code replicas} of its shard. */
    public ShardEvent atReplica(int replica, int replicas) {
        this.replica = replica;
        this.replicas = replicas;
        return this;
    }

    /** The copy of each shard that answers a query: a stable hash of its id. */
    public static int replicaOf(String queryId, int replicas) {
        return Math.floorMod(Integer.rotateLeft(queryId.hashCode() * 0x9E3779B9, 16), replicas);
    }

    /** The shard that owns an example: a stable hash of its id. */
    public static int shardOf(String exampleId, int shards) {
        return Math.floorMod(exampleId.hashCode() * 0x9E3779B9, shards);
    }
}

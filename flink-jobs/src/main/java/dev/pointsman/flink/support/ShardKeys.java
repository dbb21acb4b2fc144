package dev.pointsman.flink.support;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * The keyed-state keys of a pool's support shards, chosen so that its shards land in evenly spaced
 * key groups and so on different subtasks of the shard operator whenever there are at least as many
 * subtasks as shards, at any parallelism. Flink places a key by a hash of it, so the plain keys
 * {@code pool#0} and {@code pool#1} share a subtask half the time at parallelism 2, and then one
 * thread scans both shards while the other idles ({@code bench route}'s profile showed exactly
 * that). Shard i of a pool with n shards gets the key {@code pool#i~salt}, with the smallest salt
 * whose key group is the pool's base group plus i·G/n (G the maximum parallelism). A single-shard
 * pool keeps the key {@code pool#0}. The lanes that check and decide a pool's queries ({@link
 * #lane}) are spread the same way.
 */
public final class ShardKeys {
    /**
     * The job's maximum parallelism: the number of key groups. Fixed, because a key's group (and so
     * the salt) depends on it; Flink's default for parallelism up to 85 is the same.
     */
    public static final int KEY_GROUPS = 128;

    private static final int MAX_CACHED = 100_000;
    private static final ConcurrentMap<String, String> CACHE = new ConcurrentHashMap<>();

    private ShardKeys() {}

    /** The key of shard {@code shard} of {@code shards} of {@code pool}. */
    public static String of(String pool, int shard, int shards) {
        if (shards <= 1) {
            return pool + "#" + shard;
        }
        return spread(pool, '#', shard, shards);
    }

    /**
     * The key of lane {@code lane} of {@code lanes} of {@code pool}, for the operators that check
     * and decide a pool's queries ({@code --deciders}): the pool's name itself with one lane (so a
     * job started before lanes existed keeps its state), else {@code pool@lane~salt}, the lanes in
     * evenly spaced key groups as a pool's shards are.
     */
    public static String lane(String pool, int lane, int lanes) {
        if (lanes <= 1) {
            return pool;
        }
        return spread(pool, '@', lane, lanes);
    }

    /** The pool of a key {@link #lane} made with {@code lanes} lanes. */
    public static String poolOfLane(String key, int lanes) {
        if (lanes <= 1) {
            return key;
        }
        int at = key.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("not a lane key: " + key);
        }
        return key.substring(0, at);
    }

    /** The lane of {@code lanes} that decides the query {@code queryId}: a stable hash of it. */
    public static int laneOf(String queryId, int lanes) {
        return Math.floorMod(Integer.rotateLeft(queryId.hashCode() * 0x85EBCA6B, 13), lanes);
    }

    /**
     * {@code pool}, {@code separator}, {@code i} and the smallest salt whose key group is the
     * pool's base group plus i·G/n (G the maximum parallelism).
     */
    private static String spread(String pool, char separator, int i, int n) {
        String plain = pool + separator + i + "/" + n;
        String cached = CACHE.get(plain);
        if (cached != null) {
            return cached;
        }
        int base = KeyGroupRangeAssignment.assignToKeyGroup(pool, KEY_GROUPS);
        int target = (int) ((base + (long) i * KEY_GROUPS / n) % KEY_GROUPS);
        String prefix = pool + separator + i + "~";
        // Each try lands in the target group with probability 1/KEY_GROUPS: a few hundred
        // hashes at most in practice, once per pool and shard or lane.
        for (int salt = 0; ; salt++) {
            String key = prefix + salt;
            if (KeyGroupRangeAssignment.assignToKeyGroup(key, KEY_GROUPS) == target) {
                if (CACHE.size() >= MAX_CACHED) {
                    CACHE.clear();
                }
                CACHE.put(plain, key);
                return key;
            }
        }
    }

    /** The key group a key lands in. */
    public static int keyGroup(String key) {
        return KeyGroupRangeAssignment.assignToKeyGroup(key, KEY_GROUPS);
    }

    /** The subtask of an operator with {@code parallelism} subtasks that a key lands on. */
    public static int subtask(String key, int parallelism) {
        return KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(
                KEY_GROUPS, parallelism, keyGroup(key));
    }
}

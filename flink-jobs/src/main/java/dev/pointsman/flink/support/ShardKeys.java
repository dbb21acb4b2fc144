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
 * pool keeps the key {@code pool#0}.
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
        String plain = pool + "#" + shard + "/" + shards;
        String cached = CACHE.get(plain);
        if (cached != null) {
            return cached;
        }
        int base = KeyGroupRangeAssignment.assignToKeyGroup(pool, KEY_GROUPS);
        int target = (int) ((base + (long) shard * KEY_GROUPS / shards) % KEY_GROUPS);
        String prefix = pool + "#" + shard + "~";
        // Each try lands in the target group with probability 1/KEY_GROUPS: a few hundred
        // hashes at most in practice, once per pool and shard.
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

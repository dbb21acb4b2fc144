package dev.pointsman.flink.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardKeysTest {
    @Test
    void aPoolsShardsLandOnDifferentSubtasksWheneverThereAreEnough() {
        for (String pool : new String[] {"bench", "p", "faults-pre", "routerbench", "tenant-42"}) {
            for (int shards = 2; shards <= 8; shards++) {
                for (int parallelism = shards; parallelism <= 16; parallelism++) {
                    Set<Integer> subtasks = new HashSet<>();
                    for (int shard = 0; shard < shards; shard++) {
                        subtasks.add(
                                ShardKeys.subtask(ShardKeys.of(pool, shard, shards), parallelism));
                    }
                    assertThat(subtasks)
                            .as("%s, %d shards, parallelism %d", pool, shards, parallelism)
                            .hasSize(shards);
                }
            }
        }
    }

    @Test
    void thePlainKeysWouldNotSpread() {
        // Why the salt: the pool of bench route, keyed plainly, put both shards on one subtask.
        assertThat(ShardKeys.subtask("bench#0", 2)).isEqualTo(ShardKeys.subtask("bench#1", 2));
        assertThat(ShardKeys.subtask(ShardKeys.of("bench", 0, 2), 2))
                .isNotEqualTo(ShardKeys.subtask(ShardKeys.of("bench", 1, 2), 2));
    }

    @Test
    void keysAreStableAndDistinctAcrossPoolsAndShardCounts() {
        assertThat(ShardKeys.of("p", 1, 4)).isEqualTo(ShardKeys.of("p", 1, 4));
        assertThat(ShardKeys.of("p", 0, 1)).isEqualTo("p#0");
        Set<String> keys = new HashSet<>();
        for (String pool : new String[] {"a", "b", "a#1"}) {
            for (int shards = 1; shards <= 4; shards++) {
                for (int shard = 0; shard < shards; shard++) {
                    keys.add(ShardKeys.of(pool, shard, shards));
                }
            }
        }
        // Keys may coincide only for the same pool and shard under different shard counts.
        assertThat(keys.size()).isGreaterThanOrEqualTo(3 * 4);
        assertThat(ShardKeys.of("a", 0, 2)).startsWith("a#0~");
    }

    @Test
    void aPoolsLanesSpreadLikeItsShardsAndNameTheirPool() {
        for (String pool : new String[] {"bench", "p", "a@b", "tenant-42"}) {
            // One lane: the pool's own name, the key the intake and the deciders always used.
            assertThat(ShardKeys.lane(pool, 0, 1)).isEqualTo(pool);
            assertThat(ShardKeys.poolOfLane(pool, 1)).isEqualTo(pool);
            for (int lanes = 2; lanes <= 8; lanes++) {
                Set<Integer> subtasks = new HashSet<>();
                for (int lane = 0; lane < lanes; lane++) {
                    String key = ShardKeys.lane(pool, lane, lanes);
                    assertThat(key).startsWith(pool + "@" + lane + "~");
                    assertThat(ShardKeys.poolOfLane(key, lanes)).isEqualTo(pool);
                    subtasks.add(ShardKeys.subtask(key, lanes));
                }
                assertThat(subtasks).as("%s, %d lanes", pool, lanes).hasSize(lanes);
            }
        }
    }

    @Test
    void queriesSpreadEvenlyOverTheLanes() {
        int[] counts = new int[4];
        for (int i = 0; i < 40_000; i++) {
            counts[ShardKeys.laneOf("q-" + i, 4)]++;
        }
        // 10,000 expected per lane; the binomial std is 87.
        for (int c : counts) {
            assertThat(c).isBetween(9_600, 10_400);
        }
        assertThat(ShardKeys.laneOf("q-7", 1)).isZero();
        assertThat(ShardKeys.laneOf("q-7", 4)).isEqualTo(ShardKeys.laneOf("q-7", 4));
    }
}

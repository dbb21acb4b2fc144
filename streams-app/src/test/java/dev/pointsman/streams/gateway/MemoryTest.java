package dev.pointsman.streams.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryTest {
    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void entriesExpireAfterTheirTime() {
        Memory<String> m = new Memory<>(Duration.ofSeconds(10), 100, now::get);
        m.put("a", "1");
        now.addAndGet(5_000);
        m.put("b", "2");
        now.addAndGet(5_000);
        assertThat(m.get("a")).isEqualTo("1");
        now.addAndGet(1);
        assertThat(m.get("a")).isNull();
        assertThat(m.get("b")).isEqualTo("2");
        assertThat(m.size()).isEqualTo(1);
    }

    @Test
    void theOldestGoesFirstWhenFull() {
        Memory<String> m = new Memory<>(Duration.ofHours(1), 2, now::get);
        m.put("a", "1");
        m.put("b", "2");
        m.put("a", "3"); // a is now the youngest
        m.put("c", "4");
        assertThat(m.get("b")).isNull();
        assertThat(m.get("a")).isEqualTo("3");
        assertThat(m.get("c")).isEqualTo("4");
    }

    @Test
    void replaceIsACompareAndSetThatKeepsTheAgeAndFailsForAnExpiredKey() {
        Memory<String> m = new Memory<>(Duration.ofSeconds(10), 100, now::get);
        m.put("a", "1");
        now.addAndGet(8_000);
        assertThat(m.replace("a", "0", "2")).as("not the expected value").isFalse();
        assertThat(m.replace("a", "1", "2")).isTrue();
        assertThat(m.replace("a", "1", "3")).as("replaced already").isFalse();
        assertThat(m.get("a")).isEqualTo("2");
        now.addAndGet(3_000);
        assertThat(m.get("a")).isNull();
        assertThat(m.replace("a", "2", "3")).isFalse();
    }
}

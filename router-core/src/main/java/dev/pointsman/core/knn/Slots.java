package dev.pointsman.core.knn;

import java.util.Arrays;

/**
 * Stable row slots for a mutable index: a freed slot is handed out again by the next {@link
 * #acquire()}, so slots stay dense under churn and never exceed the most rows live at once.
 */
final class Slots {
    private boolean[] live;
    private int[] free;
    private int freeCount;
    private int highWater;
    private int size;

    Slots(int initialCapacity) {
        live = new boolean[Math.max(1, initialCapacity)];
        free = new int[live.length];
    }

    /** A free slot, now live: a reused one if any, else the next unused one. */
    int acquire() {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (highWater == live.length) {
                live = Arrays.copyOf(live, highWater * 2);
                free = Arrays.copyOf(free, highWater * 2);
            }
            slot = highWater++;
        }
        live[slot] = true;
        size++;
        return slot;
    }

    void release(int slot) {
        if (!isLive(slot)) {
            throw new IllegalArgumentException("slot " + slot + " is not live");
        }
        live[slot] = false;
        free[freeCount++] = slot;
        size--;
    }

    boolean isLive(int slot) {
        return slot >= 0 && slot < highWater && live[slot];
    }

    /** Live slots. */
    int size() {
        return size;
    }

    /** One past the highest slot ever handed out. */
    int highWater() {
        return highWater;
    }
}

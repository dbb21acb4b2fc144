package dev.pointsman.core.knn;

/**
 * A bounded min-heap of the best {@code k} candidates by (similarity descending, seq ascending).
 * The root is the weakest kept candidate, so most rejections cost one float comparison.
 */
final class RankedQueue {
    private final float[] sims;
    private final long[] seqs;
    private final int[] slots;
    private int size;

    RankedQueue(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be > 0, got " + k);
        }
        sims = new float[k];
        seqs = new long[k];
        slots = new int[k];
    }

    void offer(float sim, long seq, int slot) {
        if (size < sims.length) {
            sims[size] = sim;
            seqs[size] = seq;
            slots[size] = slot;
            siftUp(size++);
            return;
        }
        if (sim < sims[0] || !Ranked.before(sim, seq, sims[0], seqs[0])) {
            return;
        }
        sims[0] = sim;
        seqs[0] = seq;
        slots[0] = slot;
        siftDown(0);
    }

    /** Empties the queue, best first. */
    Ranked[] drainBestFirst() {
        Ranked[] out = new Ranked[size];
        for (int i = size - 1; i >= 0; i--) {
            out[i] = new Ranked(sims[0], seqs[0], slots[0]);
            size--;
            if (size > 0) {
                move(size, 0);
                siftDown(0);
            }
        }
        return out;
    }

    /** Whether a ranks after b (weaker): the heap order. */
    private boolean weaker(int a, int b) {
        return Ranked.before(sims[b], seqs[b], sims[a], seqs[a]);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!weaker(i, parent)) {
                break;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && weaker(child + 1, child)) {
                child++;
            }
            if (!weaker(child, i)) {
                break;
            }
            swap(i, child);
            i = child;
        }
    }

    private void move(int from, int to) {
        sims[to] = sims[from];
        seqs[to] = seqs[from];
        slots[to] = slots[from];
    }

    private void swap(int a, int b) {
        float s = sims[a];
        sims[a] = sims[b];
        sims[b] = s;
        long q = seqs[a];
        seqs[a] = seqs[b];
        seqs[b] = q;
        int t = slots[a];
        slots[a] = slots[b];
        slots[b] = t;
    }
}

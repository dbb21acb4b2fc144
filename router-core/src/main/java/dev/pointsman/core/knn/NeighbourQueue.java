package dev.pointsman.core.knn;

/**
 * A bounded min-heap of the best {@code k} (similarity, index) pairs seen so far. Each pair is
 * packed into one long whose natural order is (similarity ascending, index descending), so the heap
 * root is the weakest kept neighbour and equal similarities prefer the lower index.
 */
final class NeighbourQueue {
    private final long[] heap;
    private int size;

    NeighbourQueue(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be > 0, got " + k);
        }
        heap = new long[k];
    }

    /** Offers a candidate; returns whether it was kept. */
    boolean offer(int index, float similarity) {
        long packed = pack(index, similarity);
        if (size < heap.length) {
            heap[size] = packed;
            siftUp(size++);
            return true;
        }
        if (packed <= heap[0]) {
            return false;
        }
        heap[0] = packed;
        siftDown(0);
        return true;
    }

    int size() {
        return size;
    }

    /** Empties the queue into an array ordered best first. */
    Neighbour[] drainBestFirst() {
        Neighbour[] out = new Neighbour[size];
        for (int i = size - 1; i >= 0; i--) {
            long top = heap[0];
            heap[0] = heap[--size];
            siftDown(0);
            out[i] = new Neighbour(unpackIndex(top), unpackSimilarity(top));
        }
        return out;
    }

    static long pack(int index, float similarity) {
        int bits = Float.floatToIntBits(similarity);
        // Map the float's bits to an int that orders like the float, then put it in the high half.
        int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff;
        // Lower index must compare greater, so store its complement in the low half.
        return ((long) sortable << 32) | (~index & 0xffffffffL);
    }

    static int unpackIndex(long packed) {
        return ~(int) packed;
    }

    static float unpackSimilarity(long packed) {
        int sortable = (int) (packed >>> 32);
        int bits = sortable >= 0 ? sortable : sortable ^ 0x7fffffff;
        return Float.intBitsToFloat(bits);
    }

    private void siftUp(int i) {
        long v = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= v) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
    }

    private void siftDown(int i) {
        long v = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (v <= heap[child]) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = v;
    }
}

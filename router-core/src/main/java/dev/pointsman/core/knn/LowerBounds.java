package dev.pointsman.core.knn;

/**
 * The {@code k} largest of a stream of floats, as a bounded min-heap: {@link #threshold()} is the
 * k-th largest seen so far, or negative infinity until {@code k} have been offered. It only rises.
 */
final class LowerBounds {
    private final float[] heap;
    private int size;

    LowerBounds(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be > 0, got " + k);
        }
        heap = new float[k];
    }

    void offer(float value) {
        if (size < heap.length) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= value) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = value;
        } else if (value > heap[0]) {
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (heap[child] >= value) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = value;
        }
    }

    float threshold() {
        return size < heap.length ? Float.NEGATIVE_INFINITY : heap[0];
    }
}

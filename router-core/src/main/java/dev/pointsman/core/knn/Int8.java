package dev.pointsman.core.knn;

/**
 * The scan copy's number format: each row scaled by its own factor so that its largest component
 * becomes ±{@value #MAX}, then rounded to the nearest integer, one signed byte per component. A
 * quarter of the bytes of the float row; {@link SupportIndex} bounds what the rounding can change
 * in a similarity and re-scores the rows it could matter for.
 */
final class Int8 {
    static final int MAX = 127;

    private Int8() {}

    /**
     * The factor a row's codes are multiplied by to approximate it: its largest magnitude over
     * {@value #MAX}, or 1 for a row of zeros (whose codes are all 0).
     */
    static float scale(float[] row) {
        float largest = 0;
        for (float x : row) {
            largest = Math.max(largest, Math.abs(x));
        }
        return largest == 0 ? 1f : largest / MAX;
    }

    /** The code of one component: {@code x / scale} rounded to the nearest integer in ±127. */
    static byte code(float x, float scale) {
        long rounded = Math.round((double) x / scale);
        return (byte) Math.max(-MAX, Math.min(MAX, rounded));
    }
}

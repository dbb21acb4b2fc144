package dev.pointsman.core.vector;

/** Float32 vector arithmetic with dimension checks. Hot loops work on primitive arrays. */
public final class Vectors {
    private Vectors() {}

    /** Throws unless both vectors have the same dimension. */
    public static void checkSameDimension(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("vector dimensions differ: " + a + " != " + b);
        }
    }

    /** Dot product of two equally long vectors. */
    public static float dot(float[] a, float[] b) {
        checkSameDimension(a.length, b.length);
        return dot(a, 0, b, 0, a.length);
    }

    /**
     * Dot product of {@code a[aOff..aOff+dim)} and {@code b[bOff..bOff+dim)}. Four independent
     * accumulators let the JIT keep several multiply-adds in flight.
     */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int dim) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < dim; i += 4) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
        }
        for (; i < dim; i++) {
            s0 += a[aOff + i] * b[bOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Euclidean norm. */
    public static float norm(float[] a) {
        return (float) Math.sqrt(dot(a, a));
    }

    /** Cosine similarity; 0 when either vector is zero. */
    public static float cosine(float[] a, float[] b) {
        float denominator = norm(a) * norm(b);
        return denominator == 0f ? 0f : dot(a, b) / denominator;
    }

    /** Scales {@code a} in place to unit length and returns it; a zero vector stays zero. */
    public static float[] l2NormalizeInPlace(float[] a) {
        float n = norm(a);
        if (n > 0f) {
            float inv = 1f / n;
            for (int i = 0; i < a.length; i++) {
                a[i] *= inv;
            }
        }
        return a;
    }

    /** {@code a} rounded to floats. */
    public static float[] toFloats(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }

    /** A unit-length copy of {@code a}. */
    public static float[] l2Normalized(float[] a) {
        return l2NormalizeInPlace(a.clone());
    }

    /** Throws unless every component is finite. */
    public static void checkFinite(float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new IllegalArgumentException("vector component " + i + " is " + a[i]);
            }
        }
    }
}

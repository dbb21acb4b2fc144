package dev.pointsman.core.knn;

/**
 * bfloat16: the top 16 bits of a float (sign, the full 8-bit exponent, 7 fraction bits). {@link
 * SupportIndex} scans a bfloat16 copy of its rows, half the bytes of floats, and uses these helpers
 * to pack two rows' components into one int: row {@code r} of a block in the high half, row {@code
 * r + 32} in the low half, so widening either back to a float is one mask or one shift.
 */
final class Bf16 {
    private Bf16() {}

    /** The bfloat16 nearest to a finite float (ties to even), as the low 16 bits of an int. */
    static int round(float x) {
        int bits = Float.floatToRawIntBits(x);
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }

    /** The float a bfloat16 stands for. */
    static float widen(int bf16) {
        return Float.intBitsToFloat(bf16 << 16);
    }

    static float high(int packed) {
        return Float.intBitsToFloat(packed & 0xFFFF0000);
    }

    static float low(int packed) {
        return Float.intBitsToFloat(packed << 16);
    }

    /** {@code packed} with its high ({@code high == true}) or low half replaced by {@code bf16}. */
    static int with(int packed, boolean high, int bf16) {
        return high ? (packed & 0x0000FFFF) | (bf16 << 16) : (packed & 0xFFFF0000) | bf16;
    }
}

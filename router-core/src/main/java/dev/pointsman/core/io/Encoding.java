package dev.pointsman.core.io;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The primitives of the explicit binary encodings (trained routers): arrays written as a length and
 * their elements, lengths checked on reading so a corrupt record fails with a reason instead of an
 * out-of-memory error.
 */
public final class Encoding {
    /** The most elements an encoded array may hold. */
    private static final int MAX_ARRAY = 1 << 26;

    private Encoding() {}

    public static void writeDoubles(DataOutput out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    public static double[] readDoubles(DataInput in) throws IOException {
        double[] values = new double[readLength(in, MAX_ARRAY)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    /** One byte per value, 0 or 1. */
    public static void writeBooleans(DataOutput out, boolean[] values) throws IOException {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) (values[i] ? 1 : 0);
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    public static boolean[] readBooleans(DataInput in) throws IOException {
        byte[] bytes = new byte[readLength(in, MAX_ARRAY)];
        in.readFully(bytes);
        boolean[] values = new boolean[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = bytes[i] != 0;
        }
        return values;
    }

    /** A length or count in [0, max]; anything else means the bytes are not what they claim. */
    public static int readLength(DataInput in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("corrupt encoding: length " + n + " outside [0, " + max + "]");
        }
        return n;
    }
}

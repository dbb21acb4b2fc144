package dev.pointsman.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * Explicit, versioned binary encodings for the app's internal state and repartition records (no
 * Java serialization). Each format starts with a version byte so that a later release can read what
 * an earlier one stored.
 */
public final class Binary {
    private Binary() {}

    /** Writes a value. */
    public interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    /** Reads a value. */
    public interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** A Kafka serde from a writer and a reader; null stays null (a tombstone). */
    public static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
        Serializer<T> serializer = (topic, value) -> value == null ? null : encode(writer, value);
        Deserializer<T> deserializer =
                (topic, bytes) -> bytes == null ? null : decode(reader, bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    public static <T> byte[] encode(Writer<T> writer, T value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static <T> T decode(Reader<T> reader, byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void writeVersion(DataOutputStream out, int version) throws IOException {
        out.writeByte(version);
    }

    public static void readVersion(DataInputStream in, int expected, String what)
            throws IOException {
        int version = in.readUnsignedByte();
        if (version != expected) {
            throw new IOException(what + " format version " + version + ", expected " + expected);
        }
    }

    /**
     * Reads a format version that may be any of {@code oldest}..{@code newest} (a newer format adds
     * fields at the end, so state written before an upgrade still reads), and returns it.
     */
    public static int readVersion(DataInputStream in, int oldest, int newest, String what)
            throws IOException {
        int version = in.readUnsignedByte();
        if (version < oldest || version > newest) {
            throw new IOException(
                    what + " format version " + version + ", expected " + oldest + ".." + newest);
        }
        return version;
    }

    public static void writeNullableString(DataOutputStream out, @Nullable String s)
            throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    public static @Nullable String readNullableString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    public static void writeBytes(DataOutputStream out, byte @Nullable [] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    public static byte @Nullable [] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    public static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        out.writeInt(v.length);
        for (float f : v) {
            out.writeFloat(f);
        }
    }

    public static float[] readFloats(DataInputStream in) throws IOException {
        float[] v = new float[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }

    public static void writeDoubles(DataOutputStream out, double[] v) throws IOException {
        out.writeInt(v.length);
        for (double d : v) {
            out.writeDouble(d);
        }
    }

    public static double[] readDoubles(DataInputStream in) throws IOException {
        double[] v = new double[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readDouble();
        }
        return v;
    }

    public static void writeLongs(DataOutputStream out, long[] v) throws IOException {
        out.writeInt(v.length);
        for (long d : v) {
            out.writeLong(d);
        }
    }

    public static long[] readLongs(DataInputStream in) throws IOException {
        long[] v = new long[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readLong();
        }
        return v;
    }

    /** A name → {a, b} map, in name order. */
    public static void writePairs(DataOutputStream out, Map<String, double[]> pairs)
            throws IOException {
        out.writeInt(pairs.size());
        for (Map.Entry<String, double[]> e : new TreeMap<>(pairs).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue()[0]);
            out.writeDouble(e.getValue()[1]);
        }
    }

    public static Map<String, double[]> readPairs(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, double[]> pairs = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            pairs.put(in.readUTF(), new double[] {in.readDouble(), in.readDouble()});
        }
        return pairs;
    }
}

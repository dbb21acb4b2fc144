package dev.pointsman.embed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only on-disk cache of embeddings for one embedder id (model, truncation, max tokens),
 * keyed by the SHA-256 of the text, so repeated evaluations do not re-embed. File layout: a header
 * (magic, version, dimension) then fixed-size records (32-byte hash, dimension × float32 LE). A
 * record cut short by a crash is dropped on open; every complete record survives.
 */
public final class EmbeddingCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingCache.class);
    private static final int MAGIC = 0x504d4543; // "PMEC"
    private static final int VERSION = 1;
    private static final int HEADER = 12;
    private static final int HASH = 32;

    private final Path file;
    private final int dimension;
    private final FileChannel channel;
    private final Map<String, float[]> entries = new HashMap<>();

    private EmbeddingCache(Path file, int dimension, FileChannel channel) {
        this.file = file;
        this.dimension = dimension;
        this.channel = channel;
    }

    /** Opens (or creates) the cache file for {@code embedderId} under {@code directory}. */
    public static EmbeddingCache open(Path directory, String embedderId, int dimension)
            throws IOException {
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
        }
        Files.createDirectories(directory);
        Path file = directory.resolve(embedderId.replaceAll("[^A-Za-z0-9._-]", "_") + ".f32");
        FileChannel channel =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
        EmbeddingCache cache = new EmbeddingCache(file, dimension, channel);
        try {
            cache.load();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return cache;
    }

    private void load() throws IOException {
        long size = channel.size();
        if (size < HEADER) {
            ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(MAGIC).putInt(VERSION).putInt(dimension).flip();
            channel.truncate(0);
            channel.write(header, 0);
            return;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(header, 0);
        header.flip();
        int magic = header.getInt();
        int version = header.getInt();
        int dim = header.getInt();
        if (magic != MAGIC || version != VERSION) {
            throw new IOException(
                    file + " is not a Pointsman embedding cache (version " + VERSION + ")");
        }
        if (dim != dimension) {
            throw new IOException(
                    file + " holds " + dim + "-dimensional vectors, expected " + dimension);
        }
        int record = recordSize();
        long complete = (size - HEADER) / record;
        if (HEADER + complete * record != size) {
            LOG.warn(
                    "{}: dropping a record cut short at byte {}", file, HEADER + complete * record);
            channel.truncate(HEADER + complete * record);
        }
        ByteBuffer buf = ByteBuffer.allocate(record).order(ByteOrder.LITTLE_ENDIAN);
        byte[] hash = new byte[HASH];
        for (long r = 0; r < complete; r++) {
            buf.clear();
            channel.read(buf, HEADER + r * record);
            buf.flip();
            buf.get(hash);
            float[] v = new float[dimension];
            buf.asFloatBuffer().get(v);
            entries.put(HexFormat.of().formatHex(hash), v);
        }
    }

    private int recordSize() {
        return HASH + 4 * dimension;
    }

    public Path file() {
        return file;
    }

    public int size() {
        return entries.size();
    }

    /** The cached vector for {@code text}, or null. */
    public synchronized float @Nullable [] get(String text) {
        float[] v = entries.get(key(text));
        return v == null ? null : v.clone();
    }

    /** Stores and appends {@code vector} for {@code text}; a text already cached is left alone. */
    public synchronized void put(String text, float[] vector) throws IOException {
        if (vector.length != dimension) {
            throw new IllegalArgumentException(
                    "vector dimensions differ: " + vector.length + " != " + dimension);
        }
        String key = key(text);
        if (entries.containsKey(key)) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(recordSize()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(HexFormat.of().parseHex(key));
        for (float f : vector) {
            buf.putFloat(f);
        }
        buf.flip();
        channel.write(buf, channel.size());
        entries.put(key, vector.clone());
    }

    static String key(String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.force(false);
        channel.close();
    }
}

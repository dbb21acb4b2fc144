package dev.pointsman.core.route;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The explicit, versioned encoding of what a trainer ships: a {@link UtilityPredictor} that
 * predicts from the query vector (global trend, linear, the neural routers) or a {@link
 * KnnShrinkage} (k, α and the trend, not the index). A header names the format version and the
 * kind, so a reader knows what it reads and an old reader refuses a newer format with a reason; no
 * Java serialization is involved.
 */
public final class TrainedRouters {
    /** Format version 1: header {@code "PTR", version, kind}, then the kind's fields. */
    private static final int MAGIC = ('P' << 16) | ('T' << 8) | 'R';

    private static final byte VERSION = 1;

    private static final byte GLOBAL_TREND = 1;
    private static final byte LINEAR = 2;
    private static final byte NEURAL = 3;
    private static final byte KNN_SHRINKAGE = 4;

    /**
     * A {@link KnnShrinkage} with its reference router: the shrinkage, then the linear router (read
     * only: written by builds of 2026-12-05 whose first step took the shrinkage's k and α).
     */
    private static final byte KNN_SHRINKAGE_REFERENCE = 5;

    /** As {@link #KNN_SHRINKAGE_REFERENCE}, then the first step's k (int) and α (double). */
    private static final byte KNN_SHRINKAGE_REFERENCE_STEP = 6;

    private TrainedRouters() {}

    private static KnnShrinkage readWithReference(DataInput in, boolean ownStep)
            throws IOException {
        KnnShrinkage shrinkage = KnnShrinkage.readFrom(in);
        LinearPredictor reference = LinearPredictor.readFrom(in);
        try {
            return ownStep
                    ? shrinkage.withReference(reference, in.readInt(), in.readDouble())
                    : shrinkage.withReference(reference);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt knn-shrunk router: " + e.getMessage(), e);
        }
    }

    /** The bytes of {@code trained}, as {@link #decode} reads them. */
    public static byte[] encode(Object trained) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            if (trained instanceof GlobalTrend g) {
                out.writeByte(GLOBAL_TREND);
                g.writeTo(out);
            } else if (trained instanceof LinearPredictor l) {
                out.writeByte(LINEAR);
                l.writeTo(out);
            } else if (trained instanceof NeuralTrainer.NeuralPredictor n) {
                out.writeByte(NEURAL);
                n.writeTo(out);
            } else if (trained instanceof KnnShrinkage s) {
                LinearPredictor reference = s.reference();
                out.writeByte(reference == null ? KNN_SHRINKAGE : KNN_SHRINKAGE_REFERENCE_STEP);
                s.writeTo(out);
                if (reference != null) {
                    reference.writeTo(out);
                    out.writeInt(s.referenceK());
                    out.writeDouble(s.referenceStrength());
                }
            } else {
                throw new IllegalArgumentException(
                        trained.getClass().getSimpleName() + " is not a router a trainer ships");
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * A {@link UtilityPredictor} or a {@link KnnShrinkage}, as {@link #encode} wrote it.
     *
     * @throws IllegalArgumentException with the reason, when the bytes are not such a router
     */
    public static Object decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a trained router");
            }
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IOException(
                        "format version " + version + ", this build reads " + VERSION);
            }
            byte kind = in.readByte();
            Object trained =
                    switch (kind) {
                        case GLOBAL_TREND -> GlobalTrend.readFrom(in);
                        case LINEAR -> LinearPredictor.readFrom(in);
                        case NEURAL -> NeuralTrainer.NeuralPredictor.readFrom(in);
                        case KNN_SHRINKAGE -> KnnShrinkage.readFrom(in);
                        case KNN_SHRINKAGE_REFERENCE -> readWithReference(in, false);
                        case KNN_SHRINKAGE_REFERENCE_STEP -> readWithReference(in, true);
                        default -> throw new IOException("unknown router kind " + kind);
                    };
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes left over");
            }
            return trained;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "reading a trained router failed: " + e.getMessage(), e);
        }
    }
}

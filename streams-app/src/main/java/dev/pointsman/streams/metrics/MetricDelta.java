package dev.pointsman.streams.metrics;

import dev.pointsman.core.monitor.ShadowRow;
import dev.pointsman.streams.Binary;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.jspecify.annotations.Nullable;

/**
 * One fact about one routed query, on its way from the per-query ledger to its pool's window: the
 * query was decided ({@link Kind#QUERY}), an outcome came back ({@link Kind#OUTCOME}), or every
 * predicted model now has an outcome ({@link Kind#SHADOW}). Keyed by pool, timestamped with the
 * query's event time so that late outcomes land in the query's window. A shadow row carries its
 * weight in the window's AUC (its inverse exploration propensity, see {@link
 * dev.pointsman.core.monitor.ShadowRow}), an outcome its weight in the global trend (1 / the
 * probability it was observed); a query delta weighs 1.
 *
 * <p>An outcome's {@code score} is NaN while only its cost is known (an answer not rated yet), and
 * {@code paid} says whether its cost counts toward the window's spend: false for the score that
 * completes such an outcome later, whose cost the first delta already paid.
 */
public record MetricDelta(
        Kind kind,
        String router,
        double oodScore,
        float @Nullable [] vector,
        @Nullable String model,
        double score,
        double cost,
        boolean chosen,
        double predictedScore,
        double predictedCost,
        Map<String, double[]> predicted,
        Map<String, double[]> observed,
        double weight,
        double lambda,
        double spendTarget,
        boolean paid,
        boolean explored) {

    public enum Kind {
        QUERY,
        OUTCOME,
        SHADOW
    }

    private static final int VERSION = 4;

    /**
     * @param chosen the model the decision chose (null in deltas written before it was kept)
     * @param lambda the decision's λ
     * @param spendTarget the pool's budget per query when its λ is paced, NaN otherwise
     * @param explored whether the decision asked the other models too
     */
    public static MetricDelta query(
            String router,
            @Nullable String chosen,
            double oodScore,
            float @Nullable [] vector,
            double lambda,
            double spendTarget,
            boolean explored) {
        return new MetricDelta(
                Kind.QUERY,
                router,
                oodScore,
                vector,
                chosen,
                0,
                0,
                false,
                0,
                0,
                Map.of(),
                Map.of(),
                1.0,
                lambda,
                spendTarget,
                false,
                explored);
    }

    /**
     * @param predictedScore NaN when the decision made no prediction for the model
     * @param weight 1 / the probability that this outcome was observed
     * @param score NaN while the answer's quality is not known yet
     * @param paid whether this delta's cost counts toward the window's spend (false when an earlier
     *     delta of the same outcome counted it)
     */
    public static MetricDelta outcome(
            String router,
            String model,
            double score,
            double cost,
            boolean chosen,
            double predictedScore,
            double predictedCost,
            double weight,
            boolean paid) {
        return new MetricDelta(
                Kind.OUTCOME,
                router,
                Double.NaN,
                null,
                model,
                score,
                cost,
                chosen,
                predictedScore,
                predictedCost,
                Map.of(),
                Map.of(),
                weight,
                Double.NaN,
                Double.NaN,
                paid,
                false);
    }

    public static MetricDelta shadow(String router, ShadowRow row) {
        return new MetricDelta(
                Kind.SHADOW,
                router,
                Double.NaN,
                null,
                null,
                0,
                0,
                false,
                0,
                0,
                row.predicted(),
                row.observed(),
                row.weight(),
                Double.NaN,
                Double.NaN,
                false,
                false);
    }

    public static Serde<MetricDelta> serde() {
        return Binary.serde(MetricDelta::write, MetricDelta::read);
    }

    static void write(DataOutputStream out, MetricDelta d) throws IOException {
        Binary.writeVersion(out, VERSION);
        out.writeByte(d.kind.ordinal());
        out.writeUTF(d.router);
        out.writeDouble(d.oodScore);
        out.writeBoolean(d.vector != null);
        if (d.vector != null) {
            Binary.writeFloats(out, d.vector);
        }
        Binary.writeNullableString(out, d.model);
        out.writeDouble(d.score);
        out.writeDouble(d.cost);
        out.writeBoolean(d.chosen);
        out.writeDouble(d.predictedScore);
        out.writeDouble(d.predictedCost);
        Binary.writePairs(out, d.predicted);
        Binary.writePairs(out, d.observed);
        out.writeDouble(d.weight);
        out.writeDouble(d.lambda);
        out.writeDouble(d.spendTarget);
        out.writeBoolean(d.paid);
        out.writeBoolean(d.explored);
    }

    static MetricDelta read(DataInputStream in) throws IOException {
        int version = Binary.readVersion(in, 1, VERSION, "metric delta");
        Kind kind = Kind.values()[in.readUnsignedByte()];
        String router = in.readUTF();
        double ood = in.readDouble();
        float[] vector = in.readBoolean() ? Binary.readFloats(in) : null;
        String model = Binary.readNullableString(in);
        double score = in.readDouble();
        double cost = in.readDouble();
        boolean chosen = in.readBoolean();
        double predictedScore = in.readDouble();
        double predictedCost = in.readDouble();
        Map<String, double[]> predicted = Binary.readPairs(in);
        Map<String, double[]> observed = Binary.readPairs(in);
        double weight = version >= 2 ? in.readDouble() : 1.0;
        double lambda = version >= 3 ? in.readDouble() : Double.NaN;
        double spendTarget = version >= 3 ? in.readDouble() : Double.NaN;
        // Before version 4 every outcome delta carried a score and paid its cost.
        boolean paid = version >= 4 ? in.readBoolean() : kind == Kind.OUTCOME;
        boolean explored = version >= 4 && in.readBoolean();
        return new MetricDelta(
                kind,
                router,
                ood,
                vector,
                model,
                score,
                cost,
                chosen,
                predictedScore,
                predictedCost,
                predicted,
                observed,
                weight,
                lambda,
                spendTarget,
                paid,
                explored);
    }
}

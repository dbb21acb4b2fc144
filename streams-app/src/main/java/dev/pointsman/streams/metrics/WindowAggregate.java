package dev.pointsman.streams.metrics;

import dev.pointsman.core.monitor.Drift;
import dev.pointsman.core.monitor.ShadowRow;
import dev.pointsman.streams.Binary;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.jspecify.annotations.Nullable;

/**
 * Everything one pool's window needs for its metrics: per router, the routed queries, realised
 * outcomes, prediction errors and shadow queries; for the pool, the out-of-distribution histogram,
 * the embedding sum and every observed outcome (the next windows' global trend). Mutable; folded by
 * Kafka Streams' windowed aggregate.
 */
public final class WindowAggregate {
    private static final int VERSION = 5;

    /** Per-router metrics and sums. */
    public static final class RouterStats {
        long queries;
        long oodFlagged;
        long realised;
        double realisedScore;
        double realisedCost;
        long outcomes;
        long errors;
        double absScoreError;
        double absCostError;
        long shadowDropped;
        final List<ShadowRow> shadow = new ArrayList<>();

        public long queries() {
            return queries;
        }

        public List<ShadowRow> shadow() {
            return shadow;
        }
    }

    final Map<String, RouterStats> routers = new TreeMap<>();
    final long[] oodHistogram = new long[Drift.OOD_BINS];
    double @Nullable [] embeddingSum;
    long embedded;

    /**
     * model → {weight sum, weighted score sum, weighted cost sum} of every outcome observed in the
     * window, each weighted by its inverse propensity.
     */
    final Map<String, double[]> observed = new TreeMap<>();

    /** The window's decisions that explored (asked the other models too). */
    long explored;

    /** The pool's decisions' λ: their sum and how many. */
    double lambdaSum;

    long lambdas;

    /** USD of every outcome of the window's queries: what the pool paid. */
    double paid;

    /** The pool's budget per query, from its newest decision in the window; NaN for none. */
    double spendTarget = Double.NaN;

    /** Model → {decisions that chose it, USD of its outcomes}. */
    final Map<String, double[]> byModel = new TreeMap<>();

    /**
     * Folds one delta in.
     *
     * @param oodThreshold a query is out of distribution when its score is above this
     * @param shadowCap shadow queries kept per router and window; the rest are counted only
     */
    public WindowAggregate add(MetricDelta d, double oodThreshold, int shadowCap) {
        RouterStats stats = routers.computeIfAbsent(d.router(), r -> new RouterStats());
        switch (d.kind()) {
            case QUERY -> {
                stats.queries++;
                if (Double.isFinite(d.lambda())) {
                    lambdaSum += d.lambda();
                    lambdas++;
                }
                spendTarget = d.spendTarget();
                if (d.explored()) {
                    explored++;
                }
                if (d.model() != null) {
                    byModel.computeIfAbsent(d.model(), m -> new double[2])[0]++;
                }
                if (!Double.isNaN(d.oodScore())) {
                    oodHistogram[Drift.oodBin(d.oodScore())]++;
                    if (d.oodScore() > oodThreshold) {
                        stats.oodFlagged++;
                    }
                }
                float[] v = d.vector();
                if (v != null && (embeddingSum == null || embeddingSum.length == v.length)) {
                    if (embeddingSum == null) {
                        embeddingSum = new double[v.length];
                    }
                    for (int i = 0; i < v.length; i++) {
                        embeddingSum[i] += v[i];
                    }
                    embedded++;
                }
            }
            case OUTCOME -> {
                if (d.paid()) {
                    paid += d.cost();
                    byModel.computeIfAbsent(d.model(), m -> new double[2])[1] += d.cost();
                }
                if (Double.isNaN(d.score())) {
                    return this; // its quality is not known yet: only its spend counts
                }
                stats.outcomes++;
                if (d.chosen()) {
                    stats.realised++;
                    stats.realisedScore += d.score();
                    stats.realisedCost += d.cost();
                }
                if (!Double.isNaN(d.predictedScore())) {
                    stats.errors++;
                    stats.absScoreError += Math.abs(d.predictedScore() - d.score());
                    stats.absCostError += Math.abs(d.predictedCost() - d.cost());
                }
                double[] sums = observed.computeIfAbsent(d.model(), m -> new double[3]);
                sums[0] += d.weight();
                sums[1] += d.weight() * d.score();
                sums[2] += d.weight() * d.cost();
            }
            case SHADOW -> {
                if (stats.shadow.size() < shadowCap) {
                    stats.shadow.add(new ShadowRow(d.predicted(), d.observed(), d.weight()));
                } else {
                    stats.shadowDropped++;
                }
            }
        }
        return this;
    }

    public Map<String, RouterStats> routers() {
        return routers;
    }

    public long[] oodHistogram() {
        return oodHistogram;
    }

    public double @Nullable [] embeddingSum() {
        return embeddingSum;
    }

    public Map<String, double[]> observed() {
        return observed;
    }

    /** Mean λ of the window's decisions; NaN without one. */
    public double meanLambda() {
        return lambdas == 0 ? Double.NaN : lambdaSum / lambdas;
    }

    /** USD paid per decided query: every outcome's cost over the pool's queries; 0 without. */
    public double spend() {
        long n = queries();
        return n == 0 ? 0 : paid / n;
    }

    /** Model → decisions that chose it in the window. */
    public Map<String, Long> decisionsByModel() {
        Map<String, Long> out = new TreeMap<>();
        byModel.forEach(
                (m, v) -> {
                    if (v[0] > 0) {
                        out.put(m, (long) v[0]);
                    }
                });
        return out;
    }

    /** Model → USD of its outcomes in the window. */
    public Map<String, Double> spendByModel() {
        Map<String, Double> out = new TreeMap<>();
        byModel.forEach(
                (m, v) -> {
                    if (v[1] > 0) {
                        out.put(m, v[1]);
                    }
                });
        return out;
    }

    public double spendTarget() {
        return spendTarget;
    }

    /** The window's decisions that explored. */
    public long explored() {
        return explored;
    }

    public long queries() {
        long n = 0;
        for (RouterStats s : routers.values()) {
            n += s.queries;
        }
        return n;
    }

    public static Serde<WindowAggregate> serde() {
        return Binary.serde(WindowAggregate::write, WindowAggregate::read);
    }

    static void write(DataOutputStream out, WindowAggregate a) throws IOException {
        Binary.writeVersion(out, VERSION);
        out.writeInt(a.routers.size());
        for (Map.Entry<String, RouterStats> e : a.routers.entrySet()) {
            RouterStats s = e.getValue();
            out.writeUTF(e.getKey());
            out.writeLong(s.queries);
            out.writeLong(s.oodFlagged);
            out.writeLong(s.realised);
            out.writeDouble(s.realisedScore);
            out.writeDouble(s.realisedCost);
            out.writeLong(s.outcomes);
            out.writeLong(s.errors);
            out.writeDouble(s.absScoreError);
            out.writeDouble(s.absCostError);
            out.writeLong(s.shadowDropped);
            out.writeInt(s.shadow.size());
            for (ShadowRow row : s.shadow) {
                Binary.writePairs(out, row.predicted());
                Binary.writePairs(out, row.observed());
                out.writeDouble(row.weight());
            }
        }
        Binary.writeLongs(out, a.oodHistogram);
        out.writeBoolean(a.embeddingSum != null);
        if (a.embeddingSum != null) {
            Binary.writeDoubles(out, a.embeddingSum);
        }
        out.writeLong(a.embedded);
        out.writeInt(a.observed.size());
        for (Map.Entry<String, double[]> e : a.observed.entrySet()) {
            out.writeUTF(e.getKey());
            Binary.writeDoubles(out, e.getValue());
        }
        out.writeDouble(a.lambdaSum);
        out.writeLong(a.lambdas);
        out.writeDouble(a.paid);
        out.writeDouble(a.spendTarget);
        out.writeInt(a.byModel.size());
        for (Map.Entry<String, double[]> e : a.byModel.entrySet()) {
            out.writeUTF(e.getKey());
            Binary.writeDoubles(out, e.getValue());
        }
        out.writeLong(a.explored);
    }

    static WindowAggregate read(DataInputStream in) throws IOException {
        int version = Binary.readVersion(in, 1, VERSION, "window aggregate");
        WindowAggregate a = new WindowAggregate();
        int routers = in.readInt();
        for (int r = 0; r < routers; r++) {
            RouterStats s = new RouterStats();
            a.routers.put(in.readUTF(), s);
            s.queries = in.readLong();
            s.oodFlagged = in.readLong();
            s.realised = in.readLong();
            s.realisedScore = in.readDouble();
            s.realisedCost = in.readDouble();
            s.outcomes = in.readLong();
            s.errors = in.readLong();
            s.absScoreError = in.readDouble();
            s.absCostError = in.readDouble();
            s.shadowDropped = in.readLong();
            int rows = in.readInt();
            for (int i = 0; i < rows; i++) {
                Map<String, double[]> predicted = Binary.readPairs(in);
                Map<String, double[]> observed = Binary.readPairs(in);
                s.shadow.add(
                        new ShadowRow(predicted, observed, version >= 2 ? in.readDouble() : 1.0));
            }
        }
        long[] histogram = Binary.readLongs(in);
        System.arraycopy(histogram, 0, a.oodHistogram, 0, a.oodHistogram.length);
        if (in.readBoolean()) {
            a.embeddingSum = Binary.readDoubles(in);
        }
        a.embedded = in.readLong();
        int models = in.readInt();
        for (int i = 0; i < models; i++) {
            a.observed.put(in.readUTF(), Binary.readDoubles(in));
        }
        if (version >= 3) {
            a.lambdaSum = in.readDouble();
            a.lambdas = in.readLong();
            a.paid = in.readDouble();
            a.spendTarget = in.readDouble();
        }
        if (version >= 4) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                a.byModel.put(in.readUTF(), Binary.readDoubles(in));
            }
        }
        if (version >= 5) {
            a.explored = in.readLong();
        }
        return a;
    }
}

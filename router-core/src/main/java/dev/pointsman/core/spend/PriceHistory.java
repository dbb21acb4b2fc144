package dev.pointsman.core.spend;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The prices a pool's catalog gave each model over time, so that a cost observed at one price can
 * be read at today's. An outcome's cost is what the model cost when it answered; after a price
 * change the neighbours and the trend still carry the old prices, and without this a doubled price
 * would take the support set's whole memory to show in ĉ. {@link #factor} scales a cost observed at
 * a moment to the current prices, {@link #decayedFactor} a mean whose weight decays with age (the
 * live trend).
 *
 * <p>Prices, not cost priors, are kept: the factor is the ratio of two cost priors at the pool's
 * current token counts, so that changing {@code tokens.input} does not look like a price change.
 * Immutable; {@link #encode} and {@link #decode} are its state format.
 */
public final class PriceHistory {
    /** Price changes kept per model; an older change is forgotten (its prices become the first). */
    static final int MAX_CHANGES = 32;

    private static final int FORMAT = 1;

    /** Model → its prices from each moment on: {@code from} ascending, the first Long.MIN_VALUE. */
    private final Map<String, Changes> models;

    private record Changes(long[] from, double[] input, double[] output) {
        int at(long ts) {
            int i = Arrays.binarySearch(from, ts);
            return i >= 0 ? i : -i - 2;
        }

        int last() {
            return from.length - 1;
        }
    }

    public static final PriceHistory EMPTY = new PriceHistory(Map.of());

    private PriceHistory(Map<String, Changes> models) {
        this.models = models;
    }

    /**
     * This history after a catalog with {@code prices} (model → {input, output} USD per token) took
     * effect at {@code ts}: a model seen for the first time had its prices forever, a model whose
     * prices differ from its last ones has them from {@code ts} on (from just after its last change
     * if {@code ts} is not later). Models the catalog no longer lists keep their history.
     */
    public PriceHistory with(long ts, Map<String, double[]> prices) {
        Map<String, Changes> next = new TreeMap<>(models);
        boolean changed = false;
        for (Map.Entry<String, double[]> e : prices.entrySet()) {
            double in = e.getValue()[0];
            double out = e.getValue()[1];
            Changes c = next.get(e.getKey());
            if (c == null) {
                next.put(
                        e.getKey(),
                        new Changes(
                                new long[] {Long.MIN_VALUE},
                                new double[] {in},
                                new double[] {out}));
                changed = true;
                continue;
            }
            int last = c.last();
            if (Double.compare(c.input[last], in) == 0
                    && Double.compare(c.output[last], out) == 0) {
                continue;
            }
            long from = Math.max(ts, c.from[last] == Long.MIN_VALUE ? ts : c.from[last] + 1);
            int drop = c.from.length + 1 > MAX_CHANGES ? 1 : 0;
            int n = c.from.length + 1 - drop;
            long[] f = new long[n];
            double[] i = new double[n];
            double[] o = new double[n];
            System.arraycopy(c.from, drop, f, 0, n - 1);
            System.arraycopy(c.input, drop, i, 0, n - 1);
            System.arraycopy(c.output, drop, o, 0, n - 1);
            f[0] = Long.MIN_VALUE;
            f[n - 1] = from;
            i[n - 1] = in;
            o[n - 1] = out;
            next.put(e.getKey(), new Changes(f, i, o));
            changed = true;
        }
        return changed ? new PriceHistory(Map.copyOf(next)) : this;
    }

    /**
     * What a cost {@code model} incurred at {@code ts} is multiplied by to be at its current
     * prices: the ratio of its cost prior now to its cost prior then. 1 for a model without history
     * or whose prior then was 0 (nothing to scale from).
     */
    public double factor(String model, long ts, SpendSettings spend) {
        Changes c = models.get(model);
        if (c == null) {
            return 1.0;
        }
        int last = c.last();
        int then = c.at(ts);
        if (then == last) {
            return 1.0;
        }
        return ratio(c, last, spend.costPrior(c.input[then], c.output[then]), spend);
    }

    /**
     * What a mean of {@code model}'s costs up to {@code end} is multiplied by to be at its current
     * prices, when each cost in it weighs 1/2 per {@code halfLifeMs} of age before {@code end}: the
     * ratio of the cost prior now to the prices' decay-weighted mean prior. A mean whose weight
     * does not decay ({@code halfLifeMs} not a positive finite number) is scaled as if observed at
     * {@code end}.
     */
    public double decayedFactor(String model, long end, double halfLifeMs, SpendSettings spend) {
        Changes c = models.get(model);
        if (c == null || c.from.length == 1) {
            return 1.0;
        }
        if (!(halfLifeMs > 0 && Double.isFinite(halfLifeMs))) {
            return factor(model, end, spend);
        }
        int last = c.last();
        int upTo = c.at(end);
        double mean = 0;
        // The weight of the prices in force over [from, to) of the mean ending at end: 2^(-(end -
        // to)/h) - 2^(-(end - from)/h); the first prices reach back for ever.
        for (int k = 0; k <= upTo; k++) {
            double newer = k == upTo ? 1.0 : Math.pow(0.5, (end - c.from[k + 1]) / halfLifeMs);
            double older = k == 0 ? 0.0 : Math.pow(0.5, (end - c.from[k]) / halfLifeMs);
            mean += (newer - older) * spend.costPrior(c.input[k], c.output[k]);
        }
        return ratio(c, last, mean, spend);
    }

    private static double prior(Changes c, int k, SpendSettings spend) {
        return spend.costPrior(c.input[k], c.output[k]);
    }

    private static double ratio(Changes c, int last, double then, SpendSettings spend) {
        return then > 0 ? prior(c, last, spend) / then : 1.0;
    }

    /** Whether no model has changed price: every factor is 1. */
    public boolean constant() {
        return models.values().stream().allMatch(c -> c.from.length == 1);
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(models.size());
            for (Map.Entry<String, Changes> e : new TreeMap<>(models).entrySet()) {
                out.writeUTF(e.getKey());
                Changes c = e.getValue();
                out.writeInt(c.from.length);
                for (int k = 0; k < c.from.length; k++) {
                    out.writeLong(c.from[k]);
                    out.writeDouble(c.input[k]);
                    out.writeDouble(c.output[k]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A history {@link #encode} wrote. */
    public static PriceHistory decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown price history format " + format);
            }
            int size = in.readInt();
            Map<String, Changes> models = new TreeMap<>();
            for (int m = 0; m < size; m++) {
                String name = in.readUTF();
                int n = in.readInt();
                if (n < 1 || n > MAX_CHANGES) {
                    throw new IllegalArgumentException("price history of " + name + ": " + n);
                }
                long[] f = new long[n];
                double[] i = new double[n];
                double[] o = new double[n];
                for (int k = 0; k < n; k++) {
                    f[k] = in.readLong();
                    i[k] = in.readDouble();
                    o[k] = in.readDouble();
                }
                models.put(name, new Changes(f, i, o));
            }
            return new PriceHistory(Map.copyOf(models));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

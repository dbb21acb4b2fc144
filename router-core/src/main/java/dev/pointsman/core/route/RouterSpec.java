package dev.pointsman.core.route;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A router as named in reports, catalogs and on the command line, parsed once: its kind, and for
 * kNN its k and weighting. {@code knn-K} and {@code knn-K-weighted} are searched; every other kind
 * is trained ({@link #trained}). A value, so a job's functions can carry it.
 */
public record RouterSpec(String name, Kind kind, int k, boolean weighted)
        implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** The names {@link #parse} reads, for error messages. */
    public static final String KNOWN =
            "knn-K, knn-K-weighted, knn-shrunk, knn-ref, knn-shrunk-pm, knn-kernel, knn-linear,"
                    + " clusters,"
                    + " global-trend, linear,"
                    + " linear-val, linear-mse, linear-ens, mlp, linear-mf, mlp-mf";

    private static final Pattern KNN = Pattern.compile("knn-(\\d+)(-weighted)?");

    public enum Kind {
        KNN(null),
        KNN_SHRUNK("knn-shrunk"),
        KNN_REF("knn-ref"),
        KNN_KERNEL("knn-kernel"),
        KNN_SHRUNK_PM("knn-shrunk-pm"),
        KNN_LINEAR("knn-linear"),
        CLUSTERS("clusters"),
        GLOBAL_TREND("global-trend"),
        LINEAR("linear"),
        LINEAR_VAL("linear-val"),
        LINEAR_MSE("linear-mse"),
        LINEAR_ENS("linear-ens"),
        MLP("mlp"),
        LINEAR_MF("linear-mf"),
        MLP_MF("mlp-mf");

        /** The kind's name; null for kNN, whose name carries its k. */
        private final String name;

        Kind(String name) {
            this.name = name;
        }
    }

    public RouterSpec {
        if (kind == Kind.KNN && k <= 0) {
            throw new IllegalArgumentException(
                    "router '" + name + "': k must be a positive integer");
        }
    }

    /** Plain or similarity-weighted kNN over the {@code k} nearest neighbours. */
    public static RouterSpec knn(int k, boolean weighted) {
        return new RouterSpec("knn-" + k + (weighted ? "-weighted" : ""), Kind.KNN, k, weighted);
    }

    /** The router {@code name} names; an error naming the known ones if it names none. */
    public static RouterSpec parse(String name) {
        Matcher knn = KNN.matcher(name);
        if (knn.matches()) {
            int k;
            try {
                k = Integer.parseInt(knn.group(1));
            } catch (NumberFormatException e) {
                k = 0; // too large: reported as not a positive integer
            }
            return new RouterSpec(name, Kind.KNN, k, knn.group(2) != null);
        }
        for (Kind kind : Kind.values()) {
            if (name.equals(kind.name)) {
                return new RouterSpec(name, kind, 0, false);
            }
        }
        throw new IllegalArgumentException("unknown router '" + name + "'; known: " + KNOWN);
    }

    /** What an error says of a router {@link #parseLive} refuses. */
    public static final String OFFLINE_ONLY = "for offline evaluation only";

    /** The routers the streaming job can run, for error messages. */
    public static final String LIVE =
            "knn-K, knn-K-weighted, knn-shrunk, global-trend, linear, mlp, linear-mf, mlp-mf";

    /**
     * {@link #parse}, refusing the routers only offline evaluation runs ({@code knn-ref}, the
     * streaming job's knn-shrunk with {@code shrink.prior reference}; {@code knn-kernel}, {@code
     * knn-linear}, {@code knn-shrunk-pm}, {@code clusters}, {@code linear-val}, {@code linear-mse},
     * {@code linear-ens}: ablation rows, see the README) with the live ones named.
     */
    public static RouterSpec parseLive(String name) {
        RouterSpec spec = parse(name);
        if (spec.kind == Kind.KNN_REF
                || spec.kind == Kind.KNN_KERNEL
                || spec.kind == Kind.KNN_LINEAR
                || spec.kind == Kind.KNN_SHRUNK_PM
                || spec.kind == Kind.CLUSTERS
                || spec.kind == Kind.LINEAR_VAL
                || spec.kind == Kind.LINEAR_MSE
                || spec.kind == Kind.LINEAR_ENS) {
            throw new IllegalArgumentException(
                    "router '" + name + "' is " + OFFLINE_ONLY + "; live routers: " + LIVE);
        }
        return spec;
    }

    /** Whether the router is fitted on examples (every kind but plain kNN, which only searches). */
    public boolean trained() {
        return kind != Kind.KNN;
    }
}

package dev.pointsman.core.route;

/** The Cholesky factor L of (G + λI) for a symmetric positive semi-definite G, and its solves. */
final class Cholesky {
    private final double[][] l;

    Cholesky(double[][] gram, double penalty) {
        int n = gram.length;
        l = new double[n][n];
        for (int i = 0; i < n; i++) {
            double[] li = l[i];
            for (int j = 0; j <= i; j++) {
                double sum = gram[i][j] + (i == j ? penalty : 0);
                double[] lj = l[j];
                for (int k = 0; k < j; k++) {
                    sum -= li[k] * lj[k];
                }
                if (i == j) {
                    if (sum <= 0) {
                        throw new IllegalArgumentException(
                                "matrix is not positive definite; raise the ridge penalty");
                    }
                    li[i] = Math.sqrt(sum);
                } else {
                    li[j] = sum / lj[j];
                }
            }
        }
    }

    /** w with (G + λI) w = b. */
    double[] solve(double[] b) {
        int n = b.length;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            double[] li = l[i];
            for (int k = 0; k < i; k++) {
                sum -= li[k] * z[k];
            }
            z[i] = sum / li[i];
        }
        double[] w = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = z[i];
            for (int k = i + 1; k < n; k++) {
                sum -= l[k][i] * w[k];
            }
            w[i] = sum / l[i][i];
        }
        return w;
    }
}

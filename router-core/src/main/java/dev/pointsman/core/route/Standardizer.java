package dev.pointsman.core.route;

import dev.pointsman.core.io.Encoding;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Per-column z-scoring fitted on observed (non-NaN) entries, so scores in [0, 1] and costs in
 * micro-dollars train on the same scale.
 */
final class Standardizer {
    private final double[] mean;
    private final double[] scale;

    private Standardizer(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    void writeTo(DataOutput out) throws IOException {
        Encoding.writeDoubles(out, mean);
        Encoding.writeDoubles(out, scale);
    }

    static Standardizer readFrom(DataInput in) throws IOException {
        return new Standardizer(Encoding.readDoubles(in), Encoding.readDoubles(in));
    }

    static Standardizer ofColumns(double[][] rows) {
        int columns = rows[0].length;
        double[] mean = GlobalTrend.columnMeans(rows, columns);
        double[] var = new double[columns];
        int[] count = new int[columns];
        for (double[] row : rows) {
            for (int c = 0; c < columns; c++) {
                if (!Double.isNaN(row[c])) {
                    double d = row[c] - mean[c];
                    var[c] += d * d;
                    count[c]++;
                }
            }
        }
        double[] scale = new double[columns];
        for (int c = 0; c < columns; c++) {
            double sd = count[c] == 0 ? 0 : Math.sqrt(var[c] / count[c]);
            scale[c] = sd > 1e-12 ? sd : 1; // a constant column only needs centring
        }
        return new Standardizer(mean, scale);
    }

    double[][] apply(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int c = 0; c < rows[i].length; c++) {
                out[i][c] = (rows[i][c] - mean[c]) / scale[c]; // NaN stays NaN
            }
        }
        return out;
    }

    double[] invert(double[] row) {
        double[] out = new double[row.length];
        for (int c = 0; c < row.length; c++) {
            out[c] = row[c] * scale[c] + mean[c];
        }
        return out;
    }
}

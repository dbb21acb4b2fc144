package dev.pointsman.core.nn;

/** The Adam update (Kingma and Ba, 2015) with the usual defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
final class Adam {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;

    private Adam() {}

    /**
     * Updates {@code params} from {@code grad} and clears {@code grad}; {@code step} starts at 1.
     */
    static void update(
            double[] params, double[] grad, double[] m, double[] v, double learningRate, int step) {
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (int i = 0; i < params.length; i++) {
            double g = grad[i];
            m[i] = BETA1 * m[i] + (1 - BETA1) * g;
            v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
            params[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON);
            grad[i] = 0;
        }
    }
}

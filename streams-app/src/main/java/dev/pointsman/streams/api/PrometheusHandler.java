package dev.pointsman.streams.api;

import dev.pointsman.schemas.WindowMetrics;
import dev.pointsman.streams.AppMetrics;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code GET /metrics}: the app's counters and, per pool and router, the newest window's figures as
 * gauges, written by the Prometheus Java client (which escapes label values).
 */
final class PrometheusHandler implements Handler {
    private final AppMetrics metrics;
    private final MetricsView windows;

    /**
     * The newest window of every pool and router, read once per scrape by {@link #handle} for all
     * seven window gauges (each reading the stores itself read them seven times).
     */
    private List<WindowMetrics> newest = List.of();

    PrometheusHandler(AppMetrics metrics, MetricsView windows, DecisionWaiter decisions) {
        this.metrics = metrics;
        this.windows = windows;
        GaugeWithCallback.builder()
                .name("pointsman_streams_route_waiting")
                .help("POST /v1/route calls waiting for their decision.")
                .callback(cb -> cb.call(decisions.waiting()))
                .register(metrics.registry());
        window("queries", "Queries in the window.", w -> (double) w.getN());
        window("auc", "The router's Pareto-AUC.", WindowMetrics::getAuc);
        window("oracle_auc", "The oracle's Pareto-AUC.", WindowMetrics::getOracleAuc);
        window(
                "global_trend_auc",
                "The global trend's Pareto-AUC.",
                WindowMetrics::getGlobalTrendAuc);
        window("mean_cost", "Mean cost of the chosen models.", WindowMetrics::getMeanCost);
        window("lambda", "Mean λ of the pool's decisions.", WindowMetrics::getLambda);
        window(
                "spend",
                "USD paid per decided query, explored answers included.",
                WindowMetrics::getSpend);
        window("budget", "The pool's budget, USD per query.", WindowMetrics::getBudget);
        window("ood_share", "Share of out-of-distribution queries.", WindowMetrics::getOodShare);
        window("drift_psi", "PSI of the OOD score against the reference.", WindowMetrics::getDrift);
    }

    private void window(String name, String help, Function<WindowMetrics, Double> value) {
        GaugeWithCallback.builder()
                .name("pointsman_streams_window_" + name)
                .help(help + " Newest window per pool and router.")
                .labelNames("pool", "router")
                .callback(
                        cb ->
                                newest.forEach(
                                        (w) -> {
                                            Double v = value.apply(w);
                                            if (v != null && Double.isFinite(v)) {
                                                cb.call(v, w.getPool(), w.getRouter());
                                            }
                                        }))
                .register(metrics.registry());
    }

    /** The newest window of every pool and router. */
    private List<WindowMetrics> latest() {
        Set<String> pools;
        try {
            pools = windows.pools();
        } catch (MetricsView.Unavailable e) {
            return List.of(); // the counters still help while the stores warm up
        }
        Map<String, WindowMetrics> byRouter = new HashMap<>();
        for (String pool : pools) {
            for (WindowMetrics w : windows.windows(pool)) {
                byRouter.put(pool + '\u0000' + w.getRouter(), w);
            }
        }
        return List.copyOf(byRouter.values());
    }

    /** Synchronized: the window gauges read the snapshot this scrape took. */
    @Override
    public synchronized Response handle(Request request) {
        newest = latest();
        return new Response(200, PrometheusTextFormatWriter.CONTENT_TYPE, metrics.scrape());
    }
}

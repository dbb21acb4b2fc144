package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.monitor.ShadowRow;
import dev.pointsman.core.spend.SpendSettings;
import dev.pointsman.core.spend.SpendTracking;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.schemas.Alert;
import dev.pointsman.schemas.PoolCatalog;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The budget experiment: the same traffic replayed through a fresh {@link LocalStack} once per
 * budget, the pool's λ paced by the routing job; at a set query the catalog raises some models'
 * prices and the gateway charges them from then on, or the traffic shifts to the split's {@code
 * after} rows (a dataset the pool was not seeded with), or both.
 */
public final class BudgetExperiment {
    /**
     * @param step the pacer's step ({@code budget.step})
     * @param forecast whether the deciders count predicted costs at once ({@code budget.forecast})
     * @param queries queries per run
     * @param changeAt the query at which prices change; -1 for none
     * @param priceFactors model → factor on its price from {@code changeAt}
     * @param newModel a model of the data the pool is declared and seeded without, and that joins
     *     its catalog at {@code changeAt}; null for none
     */
    public record Settings(
            Path dir,
            EmbedderConfig embedder,
            Path streamsJar,
            int httpPort,
            int k,
            double rate,
            double exploration,
            String router,
            double step,
            boolean forecast,
            int queries,
            int changeAt,
            Map<String, Double> priceFactors,
            @Nullable String newModel) {}

    /** One budget's run: every decided query as the gateway answered it, in replay order. */
    public record Run(
            double budgetPer1k, List<ReplayGateway.Answered> answered, List<Alert> alerts) {
        /** The run's figures ({@link SpendTracking}). */
        public SpendTracking.Result tracking(
                int warmup, int window, int changeAt, double tolerance) {
            int n = answered.size();
            double[] paid = new double[n];
            double[] score = new double[n];
            double[] chosen = new double[n];
            List<ShadowRow> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ReplayGateway.Answered a = answered.get(i);
                paid[i] = a.paid();
                score[i] = a.score();
                chosen[i] = a.judged().row().observed().get(a.model())[1];
                rows.add(a.judged().row());
            }
            return SpendTracking.of(
                    budgetPer1k / 1000,
                    paid,
                    score,
                    chosen,
                    rows,
                    warmup,
                    window,
                    changeAt,
                    tolerance);
        }

        /** Answers paid per query, in replay order. */
        public double[] paid() {
            return answered.stream().mapToDouble(ReplayGateway.Answered::paid).toArray();
        }

        /** The λ each query was decided with, in replay order. */
        public double[] lambdas() {
            return answered.stream().mapToDouble(ReplayGateway.Answered::lambda).toArray();
        }
    }

    private final Settings s;
    private final PrintStream out;

    public BudgetExperiment(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    /** Replays {@code traffic}'s rows (cycled) with the pool's budget at {@code budgetPer1k}. */
    public Run run(double budgetPer1k, Benchmark data, TrafficSplit traffic, AtomicBoolean stop)
            throws Exception {
        String name = String.format(Locale.ROOT, "budget-%s", budgetPer1k).replace('.', '_');
        out.printf(Locale.ROOT, "%n== budget $%.2f per 1,000 queries ==%n", budgetPer1k);
        try (LocalStack stack =
                LocalStack.start(
                        new LocalStack.Settings(
                                s.dir().resolve(name),
                                s.httpPort(),
                                s.k(),
                                s.embedder(),
                                s.streamsJar(),
                                List.of("--window", "30s", "--window-grace", "3s"),
                                null))) {
            String pool = "budget";
            // A model that joins later is not in the catalog and not in the seed examples.
            int left = s.newModel() == null ? -1 : data.models().indexOf(s.newModel());
            PoolCatalog catalog =
                    PoolSeeder.seed(
                            stack.producer(),
                            stack.wire(),
                            pool,
                            s.router(),
                            s.exploration(),
                            Map.of(
                                    SpendSettings.BUDGET,
                                    Double.toString(budgetPer1k),
                                    SpendSettings.STEP,
                                    Double.toString(s.step()),
                                    SpendSettings.FORECAST,
                                    Boolean.toString(s.forecast())),
                            left < 0 ? data : data.withoutModel(s.newModel()),
                            left < 0
                                    ? traffic.seed()
                                    : traffic.seed().stream()
                                            .map(r -> r.withoutColumn(left))
                                            .toList(),
                            stack.embedder(),
                            PoolSeeder.progress(out));
            stack.startWorker();
            PoolCatalog changed =
                    PoolCatalog.newBuilder(catalog)
                            .setModels(PoolSeeder.catalogModels(data, s.priceFactors()))
                            .build();
            Replayer.Summary summary =
                    new Replayer(
                                    new Replayer.Settings(
                                            stack.bootstrap(),
                                            pool,
                                            s.queries(),
                                            s.rate(),
                                            null,
                                            s.changeAt(),
                                            Duration.ofSeconds(10)),
                                    data,
                                    traffic.before(),
                                    s.changeAt() < 0
                                            ? List.of()
                                            : traffic.after().isEmpty()
                                                    ? traffic.before()
                                                    : traffic.after(),
                                    stack.wire(),
                                    out,
                                    stop)
                            .atShift(
                                    gateway -> {
                                        if (s.priceFactors().isEmpty() && s.newModel() == null) {
                                            return;
                                        }
                                        PoolSeeder.publish(stack.producer(), stack.wire(), changed);
                                        gateway.changePrices(s.priceFactors());
                                        out.printf(
                                                "catalog changed: prices %s, new model %s%n",
                                                s.priceFactors(), s.newModel());
                                    })
                            .run(stack.producer());
            List<ReplayGateway.Answered> answered = new ArrayList<>(summary.answered());
            answered.sort(Comparator.comparingInt(ReplayGateway.Answered::index));
            return new Run(budgetPer1k, answered, summary.alerts());
        }
    }
}

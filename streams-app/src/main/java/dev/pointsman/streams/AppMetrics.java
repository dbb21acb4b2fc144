package dev.pointsman.streams;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The streams app's Prometheus metrics (the Prometheus Java client; names start with {@code
 * pointsman_streams_}): what the topology and the API count, plus the gauges the API registers on
 * {@link #registry}. Thread-safe.
 */
public final class AppMetrics {
    /** The component this app's dead letters name. */
    public static final String COMPONENT = "streams-app";

    private static final String PREFIX = "pointsman_streams_";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter httpResponses =
            counter("http_requests", "HTTP API responses, by status.", "status");
    private final Counter routeDecided =
            counter("route_decided", "POST /v1/route calls answered with a decision.");
    private final Counter routeTimeouts =
            counter("route_timeouts", "POST /v1/route calls that got no decision in time.");
    private final Counter outcomesAccepted =
            counter("outcomes_accepted", "POST /v1/outcomes calls whose outcomes were written.");
    private final Counter feedbackOutcomes =
            counter("feedback_outcomes", "Outcomes joined with their query into feedback.");
    private final Counter duplicateQueries =
            counter("ledger_duplicate_queries", "Queries whose id the ledger had seen already.");
    private final Counter duplicateDecisions =
            counter("ledger_duplicate_decisions", "Decisions for a query that had one already.");
    private final Counter outcomesWaiting =
            counter("ledger_outcomes_waiting", "Outcomes that arrived before their query.");
    private final Counter gatewayRequests =
            counter(
                    "gateway_requests",
                    "Gateway completions, by result (answered, fallback, failed, rejected).",
                    "result");
    private final Counter upstreamFailures =
            counter(
                    "gateway_upstream_failures",
                    "Upstream calls that failed or timed out, by model.",
                    "model");
    private final Counter gatewayFeedback =
            counter("gateway_feedback", "Scores from POST /v1/feedback written as outcomes.");
    private final Counter judgeGrades =
            counter(
                    "gateway_judge_grades",
                    "Answers a pool's judge was asked to grade, by result (graded, no-grade,"
                            + " failed, rated-already).",
                    "result");
    private final Counter judgeSpend =
            counter("gateway_judge_spend_usd", "What asking the judges cost, USD.");
    private final Counter explorations =
            counter(
                    "gateway_explorations",
                    "Explored models asked in the background, by result (answered, failed);"
                            + " dropped: background work (an explored answer or a grading) left"
                            + " out because its queue was full.",
                    "result");
    private final Counter deadLetters =
            counter("dlq", "Records sent to the dead-letter topic, by reason.", "reason");
    private final Counter dlqRecords =
            counter(
                    "dlq_records",
                    "Dead letters on router.dlq from every component (counted by the instance that"
                            + " holds their partition), by pool, component and kind.",
                    "pool",
                    "component",
                    "kind");

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder()
                .name(PREFIX + name)
                .help(help)
                .labelNames(labels)
                .register(registry);
    }

    /** Where the API registers its gauges. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Every metric in the Prometheus text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public void httpResponse(int status) {
        httpResponses.labelValues(Integer.toString(status)).inc();
    }

    public void routeDecided() {
        routeDecided.inc();
    }

    public void routeTimedOut() {
        routeTimeouts.inc();
    }

    public void outcomesAccepted() {
        outcomesAccepted.inc();
    }

    public void feedbackOutcome() {
        feedbackOutcomes.inc();
    }

    public void duplicateQuery() {
        duplicateQueries.inc();
    }

    public void duplicateDecision() {
        duplicateDecisions.inc();
    }

    /**
     * A gateway completion ended: answered, fallback (answered by a later model), failed, rejected.
     */
    public void gatewayRequest(String result) {
        gatewayRequests.labelValues(result).inc();
    }

    public void upstreamFailure(String model) {
        upstreamFailures.labelValues(model).inc();
    }

    public void gatewayFeedback() {
        gatewayFeedback.inc();
    }

    /** A judge's grading ended: graded, no-grade, failed or rated-already. */
    public void judged(String result, double costUsd) {
        judgeGrades.labelValues(result).inc();
        if (costUsd > 0) {
            judgeSpend.inc(costUsd);
        }
    }

    public long judged(String result) {
        return (long) judgeGrades.labelValues(result).get();
    }

    /** An explored model's background answer ended: answered, failed or dropped. */
    public void explored(String result) {
        explorations.labelValues(result).inc();
    }

    public long explorations(String result) {
        return (long) explorations.labelValues(result).get();
    }

    public long gatewayRequests(String result) {
        return (long) gatewayRequests.labelValues(result).get();
    }

    public void outcomeWaiting() {
        outcomesWaiting.inc();
    }

    public void deadLetter(String reason) {
        deadLetters.labelValues(reason).inc();
    }

    /** A dead letter read from router.dlq: {@code pool} empty where it names none. */
    public void deadLetterSeen(String pool, String component, String kind) {
        dlqRecords.labelValues(pool, component, kind).inc();
    }

    /** Dead letters read from router.dlq so far for this pool, component and kind. */
    public long deadLettersSeen(String pool, String component, String kind) {
        return (long) dlqRecords.labelValues(pool, component, kind).get();
    }

    /** Records dead-lettered for {@code reason} so far. */
    public long deadLetters(String reason) {
        return (long) deadLetters.labelValues(reason).get();
    }
}

package dev.pointsman.streams.gateway;

import dev.pointsman.settings.Setting;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's settings ({@code pointsman-streams} options); a catalog model's upstream may set
 * its own timeout and concurrency limit.
 *
 * @param upstreamTimeout {@code --upstream-timeout}: how long an upstream may take to start its
 *     answer (the response headers) before the gateway falls back to the next model
 * @param maxConcurrent {@code --upstream-max-concurrent}: requests in flight to one model; more
 *     fall back to the next model at once
 * @param answerMemory {@code --answer-memory}: how long an answer's model and cost are kept for
 *     {@code POST /v1/feedback} (and a session's model for its next request)
 * @param maxAnswers {@code --answer-memory-size}: answers (and sessions) kept at most; the oldest
 *     go first
 */
public record GatewaySettings(
        Duration upstreamTimeout, int maxConcurrent, Duration answerMemory, int maxAnswers) {
    public static final Setting<Duration> UPSTREAM_TIMEOUT =
            Setting.duration(
                    "upstream-timeout",
                    Duration.ofSeconds(30),
                    "How long an upstream may take to start answering before the gateway falls"
                            + " back to the next model (a catalog upstream's timeoutMs overrides"
                            + " it).",
                    Duration.ZERO);
    public static final Setting<Integer> MAX_CONCURRENT =
            Setting.integer(
                    "upstream-max-concurrent",
                    64,
                    "Gateway requests in flight to one model; more go to the next model (a"
                            + " catalog upstream's maxConcurrent overrides it).",
                    1);
    public static final Setting<Duration> ANSWER_MEMORY =
            Setting.duration(
                    "answer-memory",
                    Duration.ofMinutes(10),
                    "How long the gateway remembers an answer for POST /v1/feedback, and a"
                            + " session's model. At most the feedback grace is useful.",
                    Duration.ZERO);
    public static final Setting<Integer> MAX_ANSWERS =
            Setting.integer(
                    "answer-memory-size",
                    100_000,
                    "Answers and sessions the gateway remembers at most; the oldest go first.",
                    1);

    public static final List<Setting<?>> ALL =
            List.of(UPSTREAM_TIMEOUT, MAX_CONCURRENT, ANSWER_MEMORY, MAX_ANSWERS);

    public static final GatewaySettings DEFAULTS =
            new GatewaySettings(
                    UPSTREAM_TIMEOUT.defaultValue(),
                    MAX_CONCURRENT.defaultValue(),
                    ANSWER_MEMORY.defaultValue(),
                    MAX_ANSWERS.defaultValue());

    public GatewaySettings {
        UPSTREAM_TIMEOUT.check(upstreamTimeout);
        MAX_CONCURRENT.check(maxConcurrent);
        ANSWER_MEMORY.check(answerMemory);
        MAX_ANSWERS.check(maxAnswers);
    }
}

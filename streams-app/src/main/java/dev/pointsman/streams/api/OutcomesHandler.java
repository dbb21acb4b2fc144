package dev.pointsman.streams.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.codec.RecordCodec;
import dev.pointsman.streams.AppMetrics;
import dev.pointsman.topics.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/outcomes}: one outcome or an array of them, all checked before any is written to
 * {@code router.outcomes}; 202 with the count.
 */
record OutcomesHandler(
        Auth auth,
        Producer<String, byte[]> producer,
        RecordCodec<Outcome> codec,
        Duration timeout,
        AppMetrics metrics)
        implements Handler {

    @Override
    public Response handle(Request request) throws BadRequest, IOException {
        JsonNode body = request.json();
        List<JsonNode> items = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(items::add);
        } else {
            items.add(body);
        }
        if (items.isEmpty()) {
            throw new BadRequest(400, "no outcomes in the request");
        }
        List<Outcome> accepted = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                accepted.add(outcome(request, items.get(i)));
            } catch (BadRequest e) {
                String where = body.isArray() ? "outcome " + i + ": " : "";
                throw new BadRequest(e.status, where + e.getMessage());
            }
        }
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (Outcome o : accepted) {
                sent.add(
                        producer.send(
                                new ProducerRecord<>(
                                        Topics.OUTCOMES, o.getQueryId(), codec.encode(o))));
            }
            for (Future<?> f : sent) {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.error(503, "interrupted while writing outcomes");
        } catch (ExecutionException | TimeoutException e) {
            return Response.error(503, "could not write the outcomes: " + e);
        }
        metrics.outcomesAccepted();
        return Response.json(
                202, Response.JSON.createObjectNode().put("accepted", accepted.size()));
    }

    /**
     * The outcome's score; an explicit {@code "score": null} is an answer whose cost is known and
     * whose quality is not yet (a later outcome with its score completes it).
     */
    private static @Nullable Double score(JsonNode item) throws BadRequest {
        JsonNode v = item.get("score");
        if (v != null && v.isNull()) {
            return null;
        }
        return Fields.requiredNumber(item, "score", 0, 1);
    }

    private Outcome outcome(Request request, JsonNode item) throws BadRequest {
        if (!item.isObject()) {
            throw new BadRequest(400, "an outcome must be a JSON object");
        }
        String pool = Fields.requiredText(item, "pool");
        auth.authorize(request, pool);
        Long latency =
                item.hasNonNull("latencyMs")
                        ? (long) Fields.requiredNumber(item, "latencyMs", 0, Long.MAX_VALUE)
                        : null;
        Instant ts =
                item.hasNonNull("ts")
                        ? Instant.ofEpochMilli(
                                (long) Fields.requiredNumber(item, "ts", 0, Long.MAX_VALUE))
                        : Instant.now();
        return Outcome.newBuilder()
                .setQueryId(Fields.requiredText(item, "queryId"))
                .setPool(pool)
                .setModel(Fields.requiredText(item, "model"))
                .setScore(score(item))
                .setCost(Fields.requiredNumber(item, "cost", 0, Double.MAX_VALUE))
                .setLatencyMs(latency)
                .setTs(ts)
                .build();
    }
}

package dev.pointsman.streams.ledger;

import dev.pointsman.schemas.DeadLetter;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.streams.metrics.MetricDelta;

/** What the ledger emits: a support-set example, a metric fact, or a rejected record. */
public sealed interface LedgerOutput {
    record Feedback(FeedbackExample example) implements LedgerOutput {}

    record Delta(MetricDelta delta) implements LedgerOutput {}

    record Dead(DeadLetter letter) implements LedgerOutput {}
}

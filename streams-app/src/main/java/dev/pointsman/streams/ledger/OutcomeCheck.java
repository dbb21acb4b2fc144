package dev.pointsman.streams.ledger;

import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.codec.Utf8Check;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** What makes an outcome unusable whatever the ledger holds. */
final class OutcomeCheck {
    private OutcomeCheck() {}

    /**
     * Null when {@code o}, read with {@code key} from {@code raw}, is well-formed; else why not.
     */
    static @Nullable String problem(Outcome o, byte @Nullable [] key, byte[] raw) {
        if (!Utf8Check.valid(raw, o.getQueryId(), o.getPool(), o.getModel())) {
            return "outcome for query " + o.getQueryId() + " is not valid UTF-8";
        }
        if (o.getQueryId().isEmpty()) {
            return "outcome without a queryId";
        }
        if (key != null && !new String(key, StandardCharsets.UTF_8).equals(o.getQueryId())) {
            return "outcome key '"
                    + new String(key, StandardCharsets.UTF_8)
                    + "' differs from its queryId '"
                    + o.getQueryId()
                    + "' (outcomes must be keyed by query id)";
        }
        if (o.getPool().isEmpty()) {
            return "outcome for query " + o.getQueryId() + " has no pool";
        }
        if (o.getModel().isEmpty()) {
            return "outcome for query " + o.getQueryId() + " has no model";
        }
        if (o.getScore() != null && !(o.getScore() >= 0 && o.getScore() <= 1)) {
            return "outcome score " + o.getScore() + " is outside [0, 1]";
        }
        if (!(o.getCost() >= 0) || Double.isInfinite(o.getCost())) {
            return "outcome cost " + o.getCost() + " is not a finite number >= 0";
        }
        return null;
    }
}

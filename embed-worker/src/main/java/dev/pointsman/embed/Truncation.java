package dev.pointsman.embed;

import java.util.Locale;

/**
 * Which tokens of an over-long prompt are kept. RouterBench's ARC and Winogrande prompts open with
 * the same few-shot examples and put the question last, so keeping the head makes them identical.
 */
public enum Truncation {
    /** The first tokens. */
    HEAD,
    /** The last tokens. */
    TAIL,
    /**
     * A quarter of the budget from the start and the rest from the end (the head+tail scheme of Sun
     * et al., 2019, "How to Fine-Tune BERT for Text Classification?").
     */
    HEAD_TAIL;

    /** The command-line spelling: {@code head}, {@code tail}, {@code head-tail}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Truncation byId(String id) {
        for (Truncation t : values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown truncation '" + id + "'; known: head, tail, head-tail");
    }

    /** At most {@code budget} of {@code tokens}, chosen by this rule, in their original order. */
    public long[] apply(long[] tokens, int budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("token budget must be >= 0, got " + budget);
        }
        if (tokens.length <= budget) {
            return tokens;
        }
        long[] out = new long[budget];
        switch (this) {
            case HEAD -> System.arraycopy(tokens, 0, out, 0, budget);
            case TAIL -> System.arraycopy(tokens, tokens.length - budget, out, 0, budget);
            case HEAD_TAIL -> {
                int head = budget / 4;
                System.arraycopy(tokens, 0, out, 0, head);
                System.arraycopy(tokens, tokens.length - (budget - head), out, head, budget - head);
            }
        }
        return out;
    }
}

package dev.pointsman.core.knn;

/**
 * A neighbour found in a {@link SupportIndex}: its similarity to the query, its sequence number
 * (the example's global order; ties in similarity go to the lower one, as {@link ExactKnn}'s go to
 * the lower row), and the slot it occupies in the index that found it.
 */
public record Ranked(float similarity, long seq, int slot) {

    /** Whether this ranks strictly before {@code other}: more similar, or as similar and older. */
    public boolean before(Ranked other) {
        return before(similarity, seq, other.similarity, other.seq);
    }

    static boolean before(float simA, long seqA, float simB, long seqB) {
        int c = Float.compare(simA, simB);
        return c > 0 || (c == 0 && seqA < seqB);
    }
}

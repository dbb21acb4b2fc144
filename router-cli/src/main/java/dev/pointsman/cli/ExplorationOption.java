package dev.pointsman.cli;

/** The check of the {@code --exploration} options, which set a replayed pool's share. */
final class ExplorationOption {
    private ExplorationOption() {}

    static double check(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("--exploration must be in [0, 1], got " + share);
        }
        return share;
    }
}

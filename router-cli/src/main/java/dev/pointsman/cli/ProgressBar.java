package dev.pointsman.cli;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A progress line on stderr. On a terminal it redraws in place; otherwise (CI logs, pipes) it
 * prints a line at every tenth of the way so logs stay short.
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private int lastDecile = -1;
    private boolean finished;

    ProgressBar(PrintStream out, String label, boolean interactive) {
        this.out = out;
        this.label = label;
        this.interactive = interactive;
    }

    static ProgressBar onStderr(String label) {
        return new ProgressBar(System.err, label, System.console() != null);
    }

    synchronized void update(int done, int total, String detail) {
        if (finished) {
            return;
        }
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String rate = seconds > 0 ? String.format("%.1f/s", done / seconds) : "";
        String eta =
                done > 0 && done < total
                        ? " eta "
                                + format(
                                        Duration.ofSeconds(
                                                (long) (seconds * (total - done) / done)))
                        : "";
        int filled = (int) Math.round(fraction * WIDTH);
        String line =
                String.format(
                        "%s [%s%s] %3d%% %d/%d %s%s%s",
                        label,
                        "#".repeat(filled),
                        ".".repeat(WIDTH - filled),
                        Math.round(fraction * 100),
                        done,
                        total,
                        rate,
                        eta,
                        detail.isEmpty() ? "" : "  " + detail);
        int decile = (int) (fraction * 10);
        if (interactive) {
            out.print("\r" + line + "\u001b[K");
            if (done >= total) {
                out.println();
                finished = true;
            }
        } else if (decile != lastDecile || done >= total) {
            out.println(line);
            finished = done >= total;
        }
        lastDecile = decile;
        out.flush();
    }

    private static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600
                ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format("%dm%02ds", s / 60, s % 60);
    }
}

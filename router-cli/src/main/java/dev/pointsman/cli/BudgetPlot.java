package dev.pointsman.cli;

import dev.pointsman.cli.demo.BudgetExperiment;
import dev.pointsman.core.spend.SpendTracking;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Trailing-window spend as a share of the budget against the replayed query, one line per budget,
 * with the ±tolerance band, the warm-up and the price change marked.
 */
final class BudgetPlot {
    private static final int WIDTH = 960;
    private static final int HEIGHT = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 55;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {
        new Color(0x2563EB), new Color(0xDC2626), new Color(0x16A34A), new Color(0xF59E0B)
    };

    private BudgetPlot() {}

    static void write(
            List<BudgetExperiment.Run> runs,
            int window,
            int warmup,
            int changeAt,
            double tolerance,
            String title,
            Path png)
            throws IOException {
        int n = runs.stream().mapToInt(r -> r.answered().size()).max().orElse(1);
        double y0 = 0.5;
        double y1 = 1.5;
        java.util.function.DoubleUnaryOperator px =
                v -> LEFT + v / Math.max(1, n - 1) * (WIDTH - LEFT - RIGHT);
        java.util.function.DoubleUnaryOperator py =
                v ->
                        HEIGHT
                                - BOTTOM
                                - (Math.max(y0, Math.min(y1, v)) - y0)
                                        / (y1 - y0)
                                        * (HEIGHT - TOP - BOTTOM);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int bandTop = (int) py.applyAsDouble(1 + tolerance);
        int bandBottom = (int) py.applyAsDouble(1 - tolerance);
        g.setColor(new Color(0xDCFCE7));
        g.fillRect(LEFT, bandTop, WIDTH - LEFT - RIGHT, bandBottom - bandTop);
        for (int i = 0; i <= 10; i++) {
            double y = y0 + (y1 - y0) * i / 10;
            int yy = (int) py.applyAsDouble(y);
            g.setColor(new Color(0xE5E7EB));
            g.drawLine(LEFT, yy, WIDTH - RIGHT, yy);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.0f%%", 100 * y), 30, yy + 4);
        }
        for (int q = 0; q < n; q += 500) {
            int xx = (int) px.applyAsDouble(q);
            g.drawString(Integer.toString(q), xx - 10, HEIGHT - BOTTOM + 20);
        }
        g.setColor(Color.GRAY);
        g.setStroke(
                new BasicStroke(
                        1.2f,
                        BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER,
                        10,
                        new float[] {6, 4},
                        0));
        int w = (int) px.applyAsDouble(warmup);
        g.drawLine(w, TOP, w, HEIGHT - BOTTOM);
        g.drawString("warm-up", w + 4, TOP + 14);
        if (changeAt >= 0) {
            int c = (int) px.applyAsDouble(changeAt);
            g.drawLine(c, TOP, c, HEIGHT - BOTTOM);
            g.drawString("the change", c + 4, TOP + 14);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("replayed query", WIDTH / 2 - 40, HEIGHT - 18);
        g.drawString("spend over the last " + window + " queries, % of the budget", 10, TOP - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int r = 0; r < runs.size(); r++) {
            BudgetExperiment.Run run = runs.get(r);
            double budget = run.budgetPer1k() / 1000;
            double[] trailing = SpendTracking.trailing(run.paid(), window);
            g.setColor(PALETTE[r % PALETTE.length]);
            g.setStroke(new BasicStroke(2f));
            for (int i = window; i < trailing.length; i++) {
                g.drawLine(
                        (int) px.applyAsDouble(i - 1),
                        (int) py.applyAsDouble(trailing[i - 1] / budget),
                        (int) px.applyAsDouble(i),
                        (int) py.applyAsDouble(trailing[i] / budget));
            }
            int ly = HEIGHT - BOTTOM - 20 - 20 * r;
            g.drawLine(WIDTH - RIGHT - 220, ly, WIDTH - RIGHT - 198, ly);
            g.setColor(Color.DARK_GRAY);
            g.drawString(
                    String.format(Locale.ROOT, "budget $%.2f / 1k queries", run.budgetPer1k()),
                    WIDTH - RIGHT - 190,
                    ly + 5);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }
}

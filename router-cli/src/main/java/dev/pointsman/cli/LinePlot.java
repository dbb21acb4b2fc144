package dev.pointsman.cli;

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
 * A line chart of means with ± std bars, one line per series, against x on a log or linear scale:
 * the learning curve's lift against the support size, {@code bench route --sweep}'s decisions/s and
 * latencies against the swept setting.
 */
final class LinePlot {
    /** One mean (± std) of a series at x. */
    record Point(String series, double x, double mean, double std) {}

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 55;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {
        new Color(0x2563EB),
        new Color(0xDC2626),
        new Color(0x16A34A),
        new Color(0xF59E0B),
        new Color(0x7C3AED),
        new Color(0x0891B2)
    };

    private LinePlot() {}

    /**
     * @param yFormat of the y axis' labels ({@code %+.1f} for a lift)
     * @param logX whether x is drawn on a log scale (every x must then be > 0)
     */
    static void write(
            List<Point> points,
            String title,
            String xLabel,
            String yLabel,
            String yFormat,
            boolean logX,
            Path png)
            throws IOException {
        java.util.function.DoubleUnaryOperator scale = logX ? Math::log : v -> v;
        double lo = scale.applyAsDouble(points.stream().mapToDouble(Point::x).min().orElse(1));
        double hi = scale.applyAsDouble(points.stream().mapToDouble(Point::x).max().orElse(2));
        if (hi == lo) {
            hi = lo + 1;
        }
        double bottom =
                Math.min(0, points.stream().mapToDouble(p -> p.mean() - p.std()).min().orElse(0));
        double top =
                Math.max(0, points.stream().mapToDouble(p -> p.mean() + p.std()).max().orElse(1));
        double pad = Math.max(0.5, (top - bottom) * 0.08);
        // Nothing below zero (decisions/s, milliseconds): the axis starts at zero.
        double y0 = bottom < 0 ? bottom - pad : 0;
        double y1 = top + pad;
        double xlo = lo;
        double xhi = hi;
        java.util.function.DoubleUnaryOperator px =
                v -> LEFT + (scale.applyAsDouble(v) - xlo) / (xhi - xlo) * (WIDTH - LEFT - RIGHT);
        java.util.function.DoubleUnaryOperator py =
                v -> HEIGHT - BOTTOM - (v - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i <= 6; i++) {
            double y = y0 + (y1 - y0) * i / 6;
            int yy = (int) py.applyAsDouble(y);
            g.setColor(new Color(0xE5E7EB));
            g.drawLine(LEFT, yy, WIDTH - RIGHT, yy);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, yFormat, y), 12, yy + 4);
        }
        int zero = (int) py.applyAsDouble(0);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(LEFT, zero, WIDTH - RIGHT, zero);
        g.setColor(Color.DARK_GRAY);
        points.stream()
                .mapToDouble(Point::x)
                .distinct()
                .forEach(
                        n -> {
                            int xx = (int) px.applyAsDouble(n);
                            String label =
                                    n == Math.rint(n)
                                            ? Long.toString((long) n)
                                            : String.format(Locale.ROOT, "%.2f", n);
                            g.drawString(label, xx - 14, HEIGHT - BOTTOM + 20);
                        });
        g.drawString(xLabel + (logX ? " (log scale)" : ""), WIDTH / 2 - 90, HEIGHT - 18);
        g.drawString(yLabel, 10, TOP - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        List<String> routers = points.stream().map(Point::series).distinct().toList();
        for (int r = 0; r < routers.size(); r++) {
            Color color = PALETTE[r % PALETTE.length];
            String router = routers.get(r);
            List<Point> line = points.stream().filter(p -> p.series().equals(router)).toList();
            g.setColor(color);
            g.setStroke(new BasicStroke(2.5f));
            int[] prev = null;
            for (Point p : line) {
                int xx = (int) px.applyAsDouble(p.x()) + (r - routers.size() / 2) * 4;
                int yy = (int) py.applyAsDouble(p.mean());
                g.drawLine(
                        xx,
                        (int) py.applyAsDouble(p.mean() - p.std()),
                        xx,
                        (int) py.applyAsDouble(p.mean() + p.std()));
                g.fillOval(xx - 4, yy - 4, 8, 8);
                if (prev != null) {
                    g.drawLine(prev[0], prev[1], xx, yy);
                }
                prev = new int[] {xx, yy};
            }
            int ly = TOP + 10 + 20 * r;
            g.drawLine(WIDTH - RIGHT - 250, ly, WIDTH - RIGHT - 228, ly);
            g.setColor(Color.DARK_GRAY);
            g.drawString(router + " (mean ± std)", WIDTH - RIGHT - 220, ly + 5);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }
}

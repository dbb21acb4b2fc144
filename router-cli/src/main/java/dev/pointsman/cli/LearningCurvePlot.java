package dev.pointsman.cli;

import dev.pointsman.core.eval.LearningCurve;
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

/** Lift over the trend against the support size (log scale), one line per router, ± std bars. */
final class LearningCurvePlot {
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

    private LearningCurvePlot() {}

    static void write(List<LearningCurve.Point> points, String title, String metric, Path png)
            throws IOException {
        double lo = Math.log(points.stream().mapToInt(LearningCurve.Point::size).min().orElse(1));
        double hi = Math.log(points.stream().mapToInt(LearningCurve.Point::size).max().orElse(2));
        if (hi == lo) {
            hi = lo + 1;
        }
        double bottom =
                Math.min(
                        0,
                        points.stream()
                                .mapToDouble(p -> p.meanLift() - p.stdLift())
                                .min()
                                .orElse(0));
        double top =
                Math.max(
                        0,
                        points.stream()
                                .mapToDouble(p -> p.meanLift() + p.stdLift())
                                .max()
                                .orElse(1));
        double pad = Math.max(0.5, (top - bottom) * 0.08);
        double y0 = bottom - pad;
        double y1 = top + pad;
        double xlo = lo;
        double xhi = hi;
        java.util.function.DoubleUnaryOperator px =
                v -> LEFT + (Math.log(v) - xlo) / (xhi - xlo) * (WIDTH - LEFT - RIGHT);
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
            g.drawString(String.format(Locale.ROOT, "%+.1f", y), 25, yy + 4);
        }
        int zero = (int) py.applyAsDouble(0);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(LEFT, zero, WIDTH - RIGHT, zero);
        g.setColor(Color.DARK_GRAY);
        points.stream()
                .mapToInt(LearningCurve.Point::size)
                .distinct()
                .forEach(
                        n -> {
                            int xx = (int) px.applyAsDouble(n);
                            g.drawString(Integer.toString(n), xx - 14, HEIGHT - BOTTOM + 20);
                        });
        g.drawString("support examples (log scale)", WIDTH / 2 - 90, HEIGHT - 18);
        g.drawString("lift over the global trend (" + metric + ")", 10, TOP - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        List<String> routers = points.stream().map(LearningCurve.Point::router).distinct().toList();
        for (int r = 0; r < routers.size(); r++) {
            Color color = PALETTE[r % PALETTE.length];
            String router = routers.get(r);
            List<LearningCurve.Point> line =
                    points.stream().filter(p -> p.router().equals(router)).toList();
            g.setColor(color);
            g.setStroke(new BasicStroke(2.5f));
            int[] prev = null;
            for (LearningCurve.Point p : line) {
                int xx = (int) px.applyAsDouble(p.size()) + (r - routers.size() / 2) * 4;
                int yy = (int) py.applyAsDouble(p.meanLift());
                g.drawLine(
                        xx,
                        (int) py.applyAsDouble(p.meanLift() - p.stdLift()),
                        xx,
                        (int) py.applyAsDouble(p.meanLift() + p.stdLift()));
                g.fillOval(xx - 4, yy - 4, 8, 8);
                if (prev != null) {
                    g.drawLine(prev[0], prev[1], xx, yy);
                }
                prev = new int[] {xx, yy};
            }
            int ly = TOP + 10 + 20 * r;
            g.drawLine(WIDTH - RIGHT - 200, ly, WIDTH - RIGHT - 178, ly);
            g.setColor(Color.DARK_GRAY);
            g.drawString(router + " (mean ± std)", WIDTH - RIGHT - 170, ly + 5);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }
}

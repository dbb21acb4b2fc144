package dev.pointsman.cli.demo;

import dev.pointsman.schemas.WindowMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The adaptation plot: windowed AUC against seconds since the shift, static and online router, the
 * online pass's global trend, and the windows that raised a drift alert.
 */
public final class AdaptPlot {
    private static final int W = 960;
    private static final int H = 540;
    private static final int L = 70;
    private static final int R = 20;
    private static final int T = 50;
    private static final int B = 60;

    private AdaptPlot() {}

    public static void write(
            AdaptExperiment.Pass still, AdaptExperiment.Pass online, String title, Path png)
            throws IOException {
        List<double[]> s = series(still, false);
        List<double[]> o = series(online, false);
        List<double[]> trend = series(online, true);
        List<double[]> all = new ArrayList<>(s);
        all.addAll(o);
        all.addAll(trend);
        if (all.isEmpty()) {
            throw new IllegalStateException("no window with an AUC to plot");
        }
        double x0 = all.stream().mapToDouble(p -> p[0]).min().orElse(0);
        double x1 = all.stream().mapToDouble(p -> p[0]).max().orElse(1);
        double y0 = all.stream().mapToDouble(p -> p[1]).min().orElse(0);
        double y1 = all.stream().mapToDouble(p -> p[1]).max().orElse(100);
        double pad = Math.max(1, (y1 - y0) * 0.1);
        y0 -= pad;
        y1 += pad;
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        Frame f = new Frame(x0, x1, y0, y1);
        g.setColor(new Color(0xE5E7EB));
        for (int i = 0; i <= 5; i++) {
            double y = y0 + (y1 - y0) * i / 5;
            g.drawLine(L, f.y(y), W - R, f.y(y));
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.1f", y), 10, f.y(y) + 4);
            g.setColor(new Color(0xE5E7EB));
        }
        g.setColor(Color.DARK_GRAY);
        for (int i = 0; i <= 6; i++) {
            double x = x0 + (x1 - x0) * i / 6;
            g.drawString(String.format(Locale.ROOT, "%.0f s", x), f.x(x) - 12, H - B + 20);
        }
        g.drawString("seconds since the shift (window start)", W / 2 - 110, H - 15);
        g.drawString("Pareto-AUC", 10, T - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, L, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        // The shift.
        g.setColor(Color.BLACK);
        g.setStroke(
                new BasicStroke(
                        1,
                        BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER,
                        10,
                        new float[] {6, 4},
                        0));
        g.drawLine(f.x(0), T, f.x(0), H - B);
        g.drawString("shift", f.x(0) + 4, T + 14);
        line(g, f, trend, new Color(0xDC2626), true);
        line(g, f, s, new Color(0xF59E0B), false);
        line(g, f, o, new Color(0x2563EB), false);
        // Drift alerts of the online pass, on its line.
        g.setColor(new Color(0x7C3AED));
        for (WindowMetrics w : online.windows()) {
            Double auc = online.auc(w);
            if (online.driftAlerted(w) && auc != null) {
                double x = online.secondsSinceShift(w);
                g.fillRect(f.x(x) - 5, f.y(auc) - 5, 10, 10);
            }
        }
        int lx = W - R - 260;
        legend(g, lx, T + 10, new Color(0x2563EB), "online router (live feedback)");
        legend(g, lx, T + 30, new Color(0xF59E0B), "static router (no feedback)");
        legend(g, lx, T + 50, new Color(0xDC2626), "global trend (online pass)");
        g.setColor(new Color(0x7C3AED));
        g.fillRect(lx, T + 64, 10, 10);
        g.setColor(Color.DARK_GRAY);
        g.drawString("drift alert (online pass)", lx + 30, T + 74);
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private record Frame(double x0, double x1, double y0, double y1) {
        int x(double v) {
            return L + (int) Math.round((v - x0) / (x1 - x0) * (W - L - R));
        }

        int y(double v) {
            return H - B - (int) Math.round((v - y0) / (y1 - y0) * (H - T - B));
        }
    }

    private static List<double[]> series(AdaptExperiment.Pass pass, boolean trend) {
        List<double[]> points = new ArrayList<>();
        for (WindowMetrics w : pass.windows()) {
            Double v = trend ? pass.trendAuc(w) : pass.auc(w);
            if (v != null) {
                points.add(new double[] {pass.secondsSinceShift(w), v});
            }
        }
        return points;
    }

    private static void line(
            Graphics2D g, Frame f, List<double[]> points, Color color, boolean dashed) {
        g.setColor(color);
        g.setStroke(
                dashed
                        ? new BasicStroke(
                                2,
                                BasicStroke.CAP_BUTT,
                                BasicStroke.JOIN_MITER,
                                10,
                                new float[] {8, 5},
                                0)
                        : new BasicStroke(2.5f));
        for (int i = 1; i < points.size(); i++) {
            g.drawLine(
                    f.x(points.get(i - 1)[0]),
                    f.y(points.get(i - 1)[1]),
                    f.x(points.get(i)[0]),
                    f.y(points.get(i)[1]));
        }
        for (double[] p : points) {
            g.fillOval(f.x(p[0]) - 3, f.y(p[1]) - 3, 6, 6);
        }
    }

    private static void legend(Graphics2D g, int x, int y, Color color, String text) {
        g.setColor(color);
        g.setStroke(new BasicStroke(3));
        g.drawLine(x, y, x + 22, y);
        g.setColor(Color.DARK_GRAY);
        g.drawString(text, x + 30, y + 5);
    }
}

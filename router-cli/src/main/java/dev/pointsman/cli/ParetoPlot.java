package dev.pointsman.cli;

import dev.pointsman.core.eval.EvalReport;
import dev.pointsman.core.eval.EvalReport.DatasetResult;
import dev.pointsman.core.eval.ParetoAuc.Point;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws each test set's Pareto fronts (seed 0): one line per router, the oracle dashed, each single
 * model and the random row as points. Plain Java2D, so it runs headless with no extra dependency.
 */
final class ParetoPlot {
    private static final int W = 960;
    private static final int H = 640;
    private static final int LEFT = 70;
    private static final int RIGHT = 260;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)
    };

    private ParetoPlot() {}

    /** Writes {@code <dir>/<dataset>.png} for every test set with costs; returns the files. */
    static List<Path> write(Path dir, EvalReport report) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (DatasetResult d : report.datasets().values()) {
            if (d.plot() == null) {
                continue;
            }
            Path file = dir.resolve(d.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
            ImageIO.write(draw(d), "png", file.toFile());
            files.add(file);
        }
        return files;
    }

    static BufferedImage draw(DatasetResult d) {
        EvalReport.PlotData plot = d.plot();
        double yMin = 1;
        double yMax = 0;
        for (Point p : plot.models().values()) {
            yMin = Math.min(yMin, p.score());
            yMax = Math.max(yMax, p.score());
        }
        for (List<Point> line : plot.frontiers().values()) {
            for (Point p : line) {
                if (p.cost() > 0) {
                    yMin = Math.min(yMin, p.score());
                }
                yMax = Math.max(yMax, p.score());
            }
        }
        yMin = Math.max(0, Math.floor((yMin - 0.05) * 10) / 10);
        yMax = Math.min(1, Math.ceil((yMax + 0.02) * 10) / 10);
        Frame f = new Frame(yMin, yMax);

        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        axes(g, f, d.name());

        java.awt.Shape full = g.getClip();
        g.setClip(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        drawFrontiers(g, f, plot);
        g.setClip(full);
        legend(g, plot);
        g.setStroke(new BasicStroke(1f));
        g.setFont(g.getFont().deriveFont(10f));
        for (Map.Entry<String, Point> e : plot.models().entrySet()) {
            int x = (int) f.x(e.getValue().cost());
            int y = (int) f.y(e.getValue().score());
            g.setColor(Color.GRAY);
            g.fillOval(x - 3, y - 3, 7, 7);
            String label =
                    e.getKey().contains("/")
                            ? e.getKey().substring(e.getKey().indexOf('/') + 1)
                            : e.getKey();
            g.drawString(label, x + 5, y - 4);
        }
        Point random = plot.random();
        g.setColor(Color.RED);
        int rx = (int) f.x(random.cost());
        int ry = (int) f.y(random.score());
        g.drawLine(rx - 5, ry - 5, rx + 5, ry + 5);
        g.drawLine(rx - 5, ry + 5, rx + 5, ry - 5);
        g.drawString("random", rx + 6, ry + 12);
        g.dispose();
        return image;
    }

    private static Color colour(String router, int index) {
        return router.equals(EvalReport.ORACLE) ? Color.BLACK : PALETTE[index % PALETTE.length];
    }

    private static void drawFrontiers(Graphics2D g, Frame f, EvalReport.PlotData plot) {
        int i = 0;
        for (Map.Entry<String, List<Point>> e : plot.frontiers().entrySet()) {
            boolean oracle = e.getKey().equals(EvalReport.ORACLE);
            g.setColor(colour(e.getKey(), oracle ? 0 : i++));
            g.setStroke(
                    oracle
                            ? new BasicStroke(
                                    2f,
                                    BasicStroke.CAP_BUTT,
                                    BasicStroke.JOIN_ROUND,
                                    1f,
                                    new float[] {8f, 6f},
                                    0f)
                            : new BasicStroke(2f));
            Path2D path = new Path2D.Double();
            List<Point> pts = e.getValue();
            for (int k = 0; k < pts.size(); k++) {
                double x = f.x(pts.get(k).cost());
                double y = f.y(pts.get(k).score());
                if (k == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
            }
            g.draw(path);
        }
    }

    private static void legend(Graphics2D g, EvalReport.PlotData plot) {
        int i = 0;
        int y = TOP + 10;
        g.setStroke(new BasicStroke(2f));
        for (String router : plot.frontiers().keySet()) {
            boolean oracle = router.equals(EvalReport.ORACLE);
            g.setColor(colour(router, oracle ? 0 : i++));
            g.drawLine(W - RIGHT + 25, y, W - RIGHT + 50, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(router, W - RIGHT + 58, y + 4);
            y += 18;
        }
    }

    private static void axes(Graphics2D g, Frame f, String title) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title + " — Pareto fronts (seed 0)", LEFT, TOP - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        for (int k = 0; k <= 10; k++) {
            double c = k / 10.0;
            int x = (int) f.x(c);
            g.setColor(new Color(0xeeeeee));
            g.drawLine(x, TOP + 1, x, H - BOTTOM - 1);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%.1f", c), x - 9, H - BOTTOM + 16);
        }
        for (int k = 0; k <= 5; k++) {
            double s = f.yMin + (f.yMax - f.yMin) * k / 5;
            int y = (int) f.y(s);
            g.setColor(new Color(0xeeeeee));
            g.drawLine(LEFT + 1, y, W - RIGHT - 1, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%.2f", s), LEFT - 40, y + 4);
        }
        g.drawString(
                "mean cost / C (C = mean cost of the most expensive model)", LEFT + 90, H - 20);
        g.rotate(-Math.PI / 2);
        g.drawString("mean score", -(TOP + (H - TOP - BOTTOM) / 2 + 30), 20);
        g.rotate(Math.PI / 2);
    }

    private record Frame(double yMin, double yMax) {
        double x(double cost) {
            return LEFT + cost * (W - LEFT - RIGHT);
        }

        double y(double score) {
            return H - BOTTOM - (score - yMin) / (yMax - yMin) * (H - TOP - BOTTOM);
        }
    }
}

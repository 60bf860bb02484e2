package exo.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code exo bench --plot FILE.svg}: the report as grouped bar charts, one row of two panels
 * per table of the paper — guest cycles per operation (exokernel, baseline) on the left, host
 * nanoseconds per operation (exokernel, baseline, and the host's Linux with --native) on the
 * right — each on its own logarithmic axis, every bar labelled with its value. A self-contained
 * SVG (no scripts, no external fonts) for papers and slides. The host Linux series appears in
 * the tables that have rows with a C equivalent (with --native).
 *
 * <p>Every bar is a {@code rect} of class {@code bar} with {@code data-series} (exo, mono,
 * linux), {@code data-metric} (cycles, ns) and {@code data-op} (the row's name), so tools and
 * tests can find each figure.
 */
public final class BenchPlot {
    private record Series(String id, String label, String color) {}

    private static final Series EXO = new Series("exo", "exokernel", "#4c72b0");
    private static final Series MONO = new Series("mono", "baseline kernel (mono)", "#dd8452");
    private static final Series LINUX = new Series("linux", "host Linux", "#55a868");

    private static final int WIDTH = 1100, MARGIN = 16, LABEL_W = 150, PANEL_W = (WIDTH - 2 * MARGIN - 2 * LABEL_W - 40) / 2;
    private static final int BAR_H = 9, GROUP_GAP = 7, TITLE_H = 22, AXIS_H = 26;

    private BenchPlot() {}

    /** The SVG document for results, measured with engine (quick: a --quick run). */
    public static String render(List<BenchReport.Result> results, String engine, boolean quick) {
        Map<String, List<BenchReport.Result>> tables = new LinkedHashMap<>();
        for (BenchReport.Result r : results) tables.computeIfAbsent(r.row().table(), k -> new ArrayList<>()).add(r);
        boolean linux = results.stream().anyMatch(r -> r.nativeNanos() != null);
        StringBuilder body = new StringBuilder();
        int y = MARGIN;
        body.append(text(MARGIN, y + 14, 16, "bold", "start", "exo bench: cost per operation, exokernel vs baseline"
                + (linux ? " vs host Linux" : "") + " (engine " + engine + (quick ? ", quick run" : "") + "; log scales)"));
        y += 26;
        y = legend(body, y, linux);
        for (Map.Entry<String, List<BenchReport.Result>> t : tables.entrySet()) {
            body.append(text(MARGIN, y + 15, 13, "bold", "start", t.getKey()));
            y += TITLE_H;
            List<BenchReport.Result> rows = t.getValue();
            int left = MARGIN + LABEL_W;
            int right = left + PANEL_W + 40 + LABEL_W;
            int h1 = panel(body, left, y, rows, "guest cycles per operation", "cycles", List.of(EXO, MONO),
                    s -> r -> s == EXO ? r.exo().cyclesPerOp() : r.mono() == null ? Double.NaN : r.mono().cyclesPerOp());
            boolean tableLinux = rows.stream().anyMatch(r -> r.nativeNanos() != null);
            int h2 = panel(body, right, y, rows, "host ns per operation", "ns", tableLinux ? List.of(EXO, MONO, LINUX) : List.of(EXO, MONO),
                    s -> r -> s == EXO ? r.exo().nanosPerOp() : s == MONO ? (r.mono() == null ? Double.NaN : r.mono().nanosPerOp())
                            : r.nativeNanos() == null ? Double.NaN : r.nativeNanos());
            y += Math.max(h1, h2) + 14;
        }
        int height = y + MARGIN;
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH + "\" height=\"" + height + "\" viewBox=\"0 0 " + WIDTH + " " + height
                + "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
                + "<rect x=\"0\" y=\"0\" width=\"" + WIDTH + "\" height=\"" + height + "\" fill=\"#ffffff\"/>\n"
                + body + "</svg>\n";
    }

    private static int legend(StringBuilder b, int y, boolean linux) {
        int x = MARGIN;
        for (Series s : linux ? List.of(EXO, MONO, LINUX) : List.of(EXO, MONO)) {
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", x, y, s.color));
            b.append(text(x + 17, y + 10, 12, "normal", "start", s.label));
            x += 30 + 8 * s.label.length();
        }
        return y + 24;
    }

    /**
     * One panel at (x, y): an operation per group, a bar per series with a value, on a log axis
     * spanning the decades of the panel's values. Returns its height.
     */
    private static int panel(StringBuilder b, int x, int y, List<BenchReport.Result> rows, String title, String metric, List<Series> series,
                             Function<Series, Function<BenchReport.Result, Double>> value) {
        double min = Double.MAX_VALUE, max = 0;
        for (BenchReport.Result r : rows) {
            for (Series s : series) {
                double v = value.apply(s).apply(r);
                if (v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (max == 0) min = max = 1;
        int lo = (int) Math.floor(Math.log10(min)), hi = Math.max(lo + 1, (int) Math.ceil(Math.log10(max)));
        b.append(text(x, y + 10, 11, "bold", "start", title));
        int top = y + 16;
        int groupH = series.size() * BAR_H + GROUP_GAP;
        int plotH = rows.size() * groupH;
        for (int d = lo; d <= hi; d++) {
            double gx = x + PANEL_W * (double) (d - lo) / (hi - lo);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d0d0d0\" stroke-width=\"1\"/>%n", gx, top, gx, top + plotH));
            b.append(text(gx, top + plotH + 13, 10, "normal", "middle", decade(d)));
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#404040\" stroke-width=\"1\"/>%n", x, top, x, top + plotH));
        for (int i = 0; i < rows.size(); i++) {
            BenchReport.Result r = rows.get(i);
            int gy = top + i * groupH;
            b.append(text(x - 6, gy + series.size() * BAR_H / 2.0 + 4, 11, "normal", "end", r.row().name()));
            for (int k = 0; k < series.size(); k++) {
                Series s = series.get(k);
                double v = value.apply(s).apply(r);
                int by = gy + k * BAR_H;
                if (!(v > 0)) {
                    // The baseline lacks some operations (say so); the host column only has the rows with a C twin.
                    if (s == MONO) b.append(text(x + 3, by + BAR_H - 1, 8, "normal", "start", s.label + ": no such operation"));
                    continue;
                }
                double w = Math.max(1, PANEL_W * (Math.log10(v) - lo) / (hi - lo));
                b.append(String.format(Locale.ROOT,
                        "<rect class=\"bar\" data-series=\"%s\" data-metric=\"%s\" data-op=\"%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                                + "<title>%s, %s: %s %s</title></rect>%n",
                        s.id, metric, esc(r.row().name()), x, by + 1, w, BAR_H - 2, s.color, esc(r.row().name()), esc(s.label), figure(v), metric));
                b.append(text(x + w + 3, by + BAR_H - 1, 8, "normal", "start", figure(v)));
            }
        }
        return 16 + plotH + AXIS_H;
    }

    private static String decade(int d) {
        if (d < 0) return String.format(Locale.ROOT, "%s", Math.pow(10, d));
        String[] names = {"1", "10", "100", "1k", "10k", "100k", "1M", "10M", "100M", "1G", "10G"};
        return d < names.length ? names[d] : "1e" + d;
    }

    private static String figure(double v) {
        if (v >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        if (v >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String text(double x, double y, int size, String weight, String anchor, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\" text-anchor=\"%s\" fill=\"#202020\">%s</text>%n",
                x, y, size, weight, anchor, esc(s));
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

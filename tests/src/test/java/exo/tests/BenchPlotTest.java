package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.benchmark.BenchPlot;
import exo.benchmark.BenchReport;
import exo.benchmark.GuestBench;
import exo.benchmark.Rows;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code exo bench --plot}: the SVG is well-formed XML with one bar per operation for every
 * series that has a figure (exokernel and baseline in cycles and ns, host Linux in ns), a
 * panel title per table; and {@code exo bench --trace} writes a well-formed trace with a
 * process per row and kernel.
 */
class BenchPlotTest {
    @TempDir
    Path tmp;

    /** Every row, with made-up figures: the baseline where the row has one, Linux on the rows with a C twin. */
    private static List<BenchReport.Result> results() {
        List<BenchReport.Result> l = new ArrayList<>();
        long i = 1;
        for (Rows.Row row : Rows.ALL) {
            GuestBench.Measurement exo = new GuestBench.Measurement(100 * i, 1000 * i, 10, 0);
            GuestBench.Measurement mono = row.mono() == null ? null : new GuestBench.Measurement(300 * i, 2000 * i, 10, 0);
            l.add(new BenchReport.Result(row, exo, mono, row.nativeRun() >= 0 ? 50.0 * i : null));
            i++;
        }
        return l;
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> bars(Document d, String series, String metric) {
        List<Element> l = new ArrayList<>();
        NodeList rects = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element e = (Element) rects.item(i);
            if (e.getAttribute("class").equals("bar") && e.getAttribute("data-series").equals(series) && e.getAttribute("data-metric").equals(metric)) l.add(e);
        }
        return l;
    }

    private static List<String> ops(List<Element> bars) {
        return bars.stream().map(e -> e.getAttribute("data-op")).toList();
    }

    @Test
    void oneBarPerOperationPerSeries() throws Exception {
        List<BenchReport.Result> results = results();
        Document d = parse(BenchPlot.render(results, "jit", false));
        List<String> all = results.stream().map(r -> r.row().name()).toList();
        List<String> withMono = results.stream().filter(r -> r.mono() != null).map(r -> r.row().name()).toList();
        List<String> withLinux = results.stream().filter(r -> r.nativeNanos() != null).map(r -> r.row().name()).toList();
        for (String metric : List.of("cycles", "ns")) {
            assertEquals(all, ops(bars(d, "exo", metric)), metric);
            assertEquals(withMono, ops(bars(d, "mono", metric)), metric);
        }
        assertEquals(withLinux, ops(bars(d, "linux", "ns")));
        assertEquals(List.of(), ops(bars(d, "linux", "cycles")), "the host has no guest cycles");
        String text = d.getDocumentElement().getTextContent();
        for (Rows.Row row : Rows.ALL) assertTrue(text.contains(row.table()), row.table());
    }

    @Test
    void aLargerFigureIsALongerBar() throws Exception {
        Document d = parse(BenchPlot.render(results(), "interp", true));
        for (Element exo : bars(d, "exo", "cycles")) {
            Element mono = bars(d, "mono", "cycles").stream().filter(m -> m.getAttribute("data-op").equals(exo.getAttribute("data-op"))).findFirst().orElse(null);
            if (mono == null) continue;
            assertTrue(Double.parseDouble(mono.getAttribute("width")) > Double.parseDouble(exo.getAttribute("width")), exo.getAttribute("data-op"));
        }
    }

    @Test
    void withoutTheHostColumnThereAreNoLinuxBars() throws Exception {
        List<BenchReport.Result> noHost = results().stream().map(r -> new BenchReport.Result(r.row(), r.exo(), r.mono(), null)).toList();
        Document d = parse(BenchPlot.render(noHost, "jit", false));
        assertEquals(0, bars(d, "linux", "ns").size());
        assertTrue(!d.getDocumentElement().getTextContent().contains("host Linux"));
    }

    @Test
    void quickBenchWritesThePlotAndATraceOfEveryRow() throws Exception {
        Path svg = tmp.resolve("bench.svg"), trace = tmp.resolve("bench.json");
        Cli.Result r = Cli.run("bench", "--quick", "--plot", svg.toString(), "--trace", trace.toString());
        assertEquals(0, r.code(), r.err());
        Document d = parse(Files.readString(svg));
        assertEquals(Rows.ALL.size(), bars(d, "exo", "cycles").size());
        List<Map<String, Object>> ev = TraceFormat.check(Files.readString(trace));
        long processes = ev.stream().filter(e -> "process_name".equals(e.get("name"))).count();
        long runs = Rows.ALL.stream().filter(row -> row.mono() != null).count() + Rows.ALL.size();
        assertEquals(runs, processes, "one process per row and kernel");
    }

    @Test
    void anUnwritablePlotFailsBeforeMeasuring() {
        long t0 = System.nanoTime();
        Cli.Result r = Cli.run("bench", "--plot", tmp.resolve("missing/dir/b.svg").toString());
        assertEquals(73, r.code());
        assertTrue(r.err().contains("no such directory"), r.err());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "failed at once, not after the benchmarks");
        Cli.Result t = Cli.run("bench", "--trace", tmp.toString());
        assertEquals(73, t.code());
        assertTrue(t.err().contains("is a directory"), t.err());
    }
}

package exo.benchmark;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The results of one {@code exo bench} run and their two renderings: a table in the shape of
 * the paper's Tables 4-10 (per row, guest cycles and host nanoseconds per operation under each
 * kernel, the baseline's cost over the exokernel's, and the host Linux column with --native),
 * and JSON for machines.
 */
public final class BenchReport {
    /** One row's results; mono and nativeNanos are absent (null) where the row has none. */
    public record Result(Rows.Row row, GuestBench.Measurement exo, GuestBench.Measurement mono, Double nativeNanos) {
        /** The baseline's guest cycles over the exokernel's, or NaN. */
        public double cycleRatio() {
            return mono == null ? Double.NaN : mono.cyclesPerOp() / exo.cyclesPerOp();
        }

        /** The baseline's host time over the exokernel's, or NaN. */
        public double nanosRatio() {
            return mono == null ? Double.NaN : mono.nanosPerOp() / exo.nanosPerOp();
        }
    }

    /** One row of the file-system table: a workload's measurement on each of {@link FsBench#FILE_SYSTEMS}, in order. */
    public record FsResult(FsBench.Workload workload, List<GuestBench.Measurement> byFileSystem) {}

    /** The file-system table's heading. */
    public static final String FS_TABLE = "File systems (issue 16): the same workload on each";

    private final String engine;
    private final boolean quick;
    private final List<Result> results;
    private final String nativeNote;
    private final List<FsResult> fsResults;

    /**
     * @param nativeNote null without --native; otherwise a description of the native column
     * @param fsResults  the file-system table's rows
     */
    public BenchReport(String engine, boolean quick, List<Result> results, String nativeNote, List<FsResult> fsResults) {
        this.engine = engine;
        this.quick = quick;
        this.results = List.copyOf(results);
        this.nativeNote = nativeNote;
        this.fsResults = List.copyOf(fsResults);
    }

    public List<FsResult> fsResults() {
        return fsResults;
    }

    public List<Result> results() {
        return results;
    }

    public void printTable(PrintWriter out) {
        boolean nat = nativeNote != null;
        out.printf("exo bench: engine %s%s; per operation: guest cycles, host ns; ratio = mono / exo%n", engine, quick ? ", quick run" : "");
        if (nat) out.println("linux: " + nativeNote);
        String head = String.format("%-24s %10s %10s %7s %11s %11s %7s", "operation", "exo cyc", "mono cyc", "ratio", "exo ns", "mono ns", "ratio");
        if (nat) head += String.format(" %11s", "linux ns");
        String table = null;
        for (Result r : results) {
            if (!r.row().table().equals(table)) {
                table = r.row().table();
                out.println();
                out.println(table);
                out.println(head);
            }
            String line = String.format(Locale.ROOT, "%-24s %10s %10s %7s %11s %11s %7s", r.row().name(), num(r.exo().cyclesPerOp()),
                    r.mono() == null ? "n/a" : num(r.mono().cyclesPerOp()), ratio(r.cycleRatio()), num(r.exo().nanosPerOp()),
                    r.mono() == null ? "n/a" : num(r.mono().nanosPerOp()), ratio(r.nanosRatio()));
            if (nat) line += String.format(" %11s", r.nativeNanos() == null ? "-" : num(r.nativeNanos()));
            out.println(line);
        }
        printFsTable(out);
        out.flush();
    }

    /** Per workload, guest cycles and host ns per operation on each file system. */
    private void printFsTable(PrintWriter out) {
        if (fsResults.isEmpty()) return;
        out.println();
        out.println(FS_TABLE);
        StringBuilder head = new StringBuilder(String.format("%-20s %-6s", "operation", "per"));
        for (FsBench.FileSystem fs : FsBench.FILE_SYSTEMS) head.append(String.format(" %11s %11s", fs.name() + " cyc", fs.name() + " ns"));
        out.println(head);
        for (FsResult r : fsResults) {
            StringBuilder line = new StringBuilder(String.format("%-20s %-6s", r.workload().name(), r.workload().op()));
            for (GuestBench.Measurement m : r.byFileSystem()) line.append(String.format(" %11s %11s", num(m.cyclesPerOp()), num(m.nanosPerOp())));
            out.println(line);
        }
    }

    /** The results as one JSON document (see {@link BenchJson}). */
    public void printJson(PrintWriter out) {
        out.println(BenchJson.render(engine, quick, nativeNote, results, fsResults));
        out.flush();
    }

    private static String num(double v) {
        if (v >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (v >= 100) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1fx", v);
    }
}

package exo.benchmark;

import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.ob.JSONComposer;
import com.fasterxml.jackson.jr.ob.comp.ObjectComposer;
import java.io.IOException;
import java.io.StringWriter;

/**
 * {@code exo bench --json}: the report through jackson-jr's composer, which does the escaping.
 * Its own class, so that only {@code --json} loads the library. Ratios and per-operation
 * figures are rounded to four decimals; a figure that does not exist (no baseline row, no host
 * column) is null.
 */
final class BenchJson {
    private BenchJson() {}

    static String render(String engine, boolean quick, String nativeNote, Iterable<BenchReport.Result> results, Iterable<BenchReport.FsResult> fsResults) {
        StringWriter w = new StringWriter();
        try {
            JSONComposer<?> json = JSON.std.composeTo(w);
            ObjectComposer<?> doc = json.startObject().put("engine", engine).put("quick", quick);
            if (nativeNote == null) doc.putNull("native");
            else doc.put("native", nativeNote);
            var rows = doc.startArrayField("rows");
            for (BenchReport.Result r : results) {
                ObjectComposer<?> row = rows.startObject().put("table", r.row().table()).put("name", r.row().name());
                measurement(row, "exo", r.exo());
                measurement(row, "mono", r.mono());
                number(row, "cycleRatio", r.cycleRatio());
                number(row, "nanosRatio", r.nanosRatio());
                number(row, "linuxNanosPerOp", r.nativeNanos() == null ? Double.NaN : r.nativeNanos());
                row.end();
            }
            rows.end();
            var fsRows = doc.startArrayField("fileSystems");
            for (BenchReport.FsResult r : fsResults) {
                ObjectComposer<?> row = fsRows.startObject().put("name", r.workload().name()).put("per", r.workload().op());
                for (int i = 0; i < r.byFileSystem().size(); i++) measurement(row, FsBench.FILE_SYSTEMS.get(i).name(), r.byFileSystem().get(i));
                row.end();
            }
            fsRows.end();
            doc.end();
            json.finish();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        return w.toString();
    }

    private static void measurement(ObjectComposer<?> row, String key, GuestBench.Measurement m) throws IOException {
        if (m == null) {
            row.putNull(key);
            return;
        }
        ObjectComposer<?> o = row.startObjectField(key).put("ops", m.ops()).put("cycles", m.cycles()).put("nanos", m.nanos());
        number(o, "cyclesPerOp", m.cyclesPerOp());
        number(o, "nanosPerOp", m.nanosPerOp());
        o.end();
    }

    private static void number(ObjectComposer<?> o, String key, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) o.putNull(key);
        else o.put(key, Math.round(v * 1e4) / 1e4);
    }
}

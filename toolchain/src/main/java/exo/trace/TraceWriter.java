package exo.trace;

import com.fasterxml.jackson.jr.ob.comp.ArrayComposer;
import com.fasterxml.jackson.jr.ob.comp.ObjectComposer;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Tlb;
import exo.os.GuestOs;
import exo.os.Stats;
import exo.os.Tracer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run as a Trace Event Format file (the JSON that Perfetto's UI, chrome://tracing and
 * speedscope open; docs/tracing.md), streaming events as the kernel reports them through the
 * {@link Tracer} hooks. One process (pid) per traced system, one thread (tid) per environment or
 * baseline process:
 * <ul>
 *   <li>running time slices as B/E pairs named after the slot ("slot 3"; "run" on the
 *       baseline), whose end carries what happened in the slice: TLB misses the kernel filled
 *       itself (by STLB, guaranteed mapping or page-table walk), kernel calls, exceptions
 *       forwarded;</li>
 *   <li>kernel calls as complete (X) events inside the slice, from the trap to the call's end,
 *       with their result;</li>
 *   <li>forwarded exceptions, TLB misses the kernel filled (only with {@code everyRefill}),
 *       revocation steps, creation and exit as thread-scoped instants;</li>
 *   <li>protected control transfers as flow arrows (s/f) from the caller's slice to the
 *       callee's;</li>
 *   <li>counters at every slice boundary where they changed: TLB occupancy, the STLB hit rate
 *       of the slice that ended, free pages.</li>
 * </ul>
 * Timestamps are guest cycles written as the format's microseconds (1 µs on a viewer's axis is
 * one cycle), so a trace is identical under every engine; with {@code hostClock} they are host
 * microseconds since the trace began instead.
 *
 * <p>Events on one track are written in time order, B/E pairs balanced (an open slice is
 * closed when the run stops), and a flow's start is written only together with its end, so
 * every file this writes is well formed even when a run stops early. Write failures surface as
 * {@link UncheckedIOException} from the hook that hit them.
 */
public final class TraceWriter implements Tracer {
    private static final String[] HOW = {"stlb", "guaranteed", "walk"};

    private final Machine machine;
    private final GuestOs os;
    private final Stats stats;
    private final int pid;
    private final boolean everyRefill;
    private final boolean hostClock;
    private final long hostStart;
    private final String prefix;
    private final ArrayComposer<?> events;
    private final TraceFile file;

    private final Map<Integer, Integer> sortIndex = new HashMap<>();
    private final Map<String, Double> counters = new HashMap<>();
    /** Who the open slice belongs to (0: no slice is open). */
    private int running;
    private String sliceName;
    private boolean newSlice;
    private String nextSliceName;
    private final long[] refills = new long[HOW.length];
    private long calls, forwarded, lookupsAtStart, hitsAtStart;
    /** Time slices the open slice spans (see {@link #quiet}). */
    private long slices = 1;
    /** Transfers whose callee has not started its slice yet: caller, callee, time. */
    private final List<long[]> pendingFlows = new ArrayList<>();

    /**
     * A writer for the system booted on machine under os (whose {@link Stats#tracer} the caller
     * sets to it), appending to a trace that {@link TraceFile} owns.
     *
     * @param pid    this system's process id in the trace (several systems can share one file)
     * @param label  the process's name in the viewer
     * @param prefix what thread names start with: "env" or "pid"
     */
    TraceWriter(TraceFile file, ArrayComposer<?> events, Machine machine, GuestOs os, int pid, String label, String prefix,
                TraceFile.Options options, long hostStart) {
        this.events = events;
        this.file = file;
        this.hostStart = hostStart;
        this.machine = machine;
        this.os = os;
        this.stats = os.stats();
        this.pid = pid;
        this.prefix = prefix;
        this.everyRefill = options.everyRefill();
        this.hostClock = options.hostClock();
        try {
            meta("process_name", 0, "name", label);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The current time: guest cycles, or host microseconds since the trace began. */
    private double now() {
        return hostClock ? (System.nanoTime() - hostStart) / 1000.0 : machine.cpu.cycles;
    }

    @Override
    public void created(int id, String name, int parent) {
        try {
            int order = sortIndex.size();
            sortIndex.put(id, order);
            meta("thread_name", id, "name", prefix + " " + id + " " + name);
            meta("thread_sort_index", id, "sort_index", order);
            end(instant(id, "created", "lifecycle"), "name", name, "parent", parent == 0 ? "host" : prefix + " " + parent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void ended(int id, int status, String diagnostic) {
        try {
            ObjectComposer<?> e = instant(id, diagnostic == null ? "exited" : "destroyed", "lifecycle");
            if (diagnostic == null) end(e, "status", status);
            else end(e, "status", status, "diagnostic", diagnostic);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void slice(int slot) {
        newSlice = true;
        nextSliceName = slot < 0 ? "run" : "slot " + slot;
    }

    @Override
    public void onCpu(int id) {
        if (id == running && !newSlice) return;
        newSlice = false;
        if (id == running && quiet() && nextSliceName.equals(sliceName)) {
            slices++;
            return;
        }
        try {
            double t = now();
            if (running != 0) endSlice(t);
            if (id != 0) {
                running = id;
                sliceName = nextSliceName != null ? nextSliceName : "run";
                end(event("B", id, sliceName, "slice", t));
                lookupsAtStart = stats.stlbLookups;
                hitsAtStart = stats.stlbHits;
                flowsInto(id, t);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the open slice had nothing to show but its length (no kernel call, no exception
     * forwarded): then a next slice of the same environment in the same slot continues it, so a
     * compute-bound program is one long slice, not one per timer tick.
     */
    private boolean quiet() {
        return calls == 0 && forwarded == 0;
    }

    /** Ends the open slice at t with its totals, and writes the counters as they are at t. */
    private void endSlice(double t) throws IOException {
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < HOW.length; i++) {
            if (refills[i] != 0) args.addAll(List.of("tlb misses filled (" + HOW[i] + ")", refills[i]));
        }
        args.addAll(List.of("time slices", slices, "kernel calls", calls, "exceptions forwarded", forwarded));
        end(event("E", running, sliceName, "slice", t), args.toArray());
        counter("TLB occupancy", "entries", validTlbEntries(), t);
        long lookups = stats.stlbLookups - lookupsAtStart;
        if (lookups > 0) counter("STLB hit rate", "percent", Math.round(1000.0 * (stats.stlbHits - hitsAtStart) / lookups) / 10.0, t);
        counter("free pages", "pages", os.freePages(), t);
        Arrays.fill(refills, 0);
        calls = forwarded = 0;
        slices = 1;
        running = 0;
    }

    private int validTlbEntries() {
        int n = 0;
        for (int s = 0; s < Tlb.SIZE; s++) if (machine.tlb.isValid(s)) n++;
        return n;
    }

    /** Flow arrows of transfers to id, now that its slice has begun at t. */
    private void flowsInto(int id, double t) throws IOException {
        for (int i = 0; i < pendingFlows.size(); i++) {
            long[] f = pendingFlows.get(i);
            if (f[1] != id) continue;
            long flow = file.nextFlowId();
            String name = f[3] == 1 ? "pct" : "pct async";
            end(event("s", (int) f[0], name, "pct", Double.longBitsToDouble(f[2])).put("id", flow));
            end(event("f", id, name, "pct", t).put("id", flow).put("bp", "e"));
        }
        pendingFlows.removeIf(f -> f[1] == id);
    }

    @Override
    public void kernelCall(int id, String name, long start, boolean moved, int a0, String error) {
        calls++;
        try {
            double t = now();
            double begin = hostClock ? t : start;
            ObjectComposer<?> e = event("X", id, name, "kernel call", begin);
            e = (t - begin) == Math.rint(t - begin) ? e.put("dur", (long) (t - begin)) : e.put("dur", t - begin);
            if (error != null) end(e, "error", error);
            else if (!moved) end(e, "a0", a0);
            else end(e, "result", "CPU passed on");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void forwarded(int id, String event, int epc, int badVaddr, int handler) {
        if (handler != 0) forwarded++;
        try {
            end(instant(id, event, "exception"), "epc", hex(epc), "badvaddr", hex(badVaddr), "handler", handler == 0 ? "none: destroyed" : hex(handler));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void resolved(int id, int badVaddr, String how) {
        int k = how.equals("stlb") ? 0 : how.equals("guaranteed") ? 1 : 2;
        refills[k]++;
        if (!everyRefill) return;
        try {
            end(instant(id, "tlb miss filled (" + how + ")", "tlb"), "badvaddr", hex(badVaddr));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void transfer(int caller, int callee, boolean sync) {
        if (caller == callee) return;
        pendingFlows.add(new long[] {caller, callee, Double.doubleToLongBits(now()), sync ? 1 : 0});
    }

    @Override
    public void revocation(int id, String what, int ppn) {
        try {
            end(instant(id, "revocation: " + what, "revocation"), "page", ppn);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void diskCompleted(int id, int tag, String op, int block, boolean ok) {
        try {
            ObjectComposer<?> e = instant(id, "disk: " + op + " done", "disk");
            if (block < 0) end(e, "tag", tag, "status", ok ? "ok" : "E_IO");
            else end(e, "tag", tag, "block", block, "status", ok ? "ok" : "E_IO");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void blockRevocation(int id, String what, int b) {
        try {
            end(instant(id, "block revocation: " + what, "revocation"), "block", b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void pause() {
        try {
            if (running != 0) endSlice(now());
            pendingFlows.clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    /** Detaches this writer from its system: the trace reached its size limit (TraceFile#recording). */
    void detach() {
        if (os.stats().tracer == this) os.stats().tracer = null;
    }

    private ObjectComposer<?> event(String ph, int tid, String name, String cat, double ts) throws IOException {
        file.recording(machine.cpu.cycles);
        if (tid != 0 && !sortIndex.containsKey(tid)) {
            // Created before the trace began (it was started from the monitor): named by id.
            sortIndex.put(tid, sortIndex.size());
            meta("thread_name", tid, "name", prefix + " " + tid);
        }
        ObjectComposer<?> e = events.startObject().put("ph", ph).put("pid", pid).put("tid", tid).put("name", name).put("cat", cat);
        return ts == Math.rint(ts) ? e.put("ts", (long) ts) : e.put("ts", ts);
    }

    private ObjectComposer<?> instant(int tid, String name, String cat) throws IOException {
        return event("i", tid, name, cat, now()).put("s", "t");
    }

    /** Writes a counter's value at t unless it is the value it had. */
    private void counter(String name, String key, double value, double t) throws IOException {
        Double last = counters.put(name, value);
        if (last != null && last == value) return;
        end(event("C", 0, name, "counter", t), key, value == Math.rint(value) ? (Object) (long) value : (Object) value);
    }

    private void meta(String what, int tid, String key, Object value) throws IOException {
        end(events.startObject().put("ph", "M").put("pid", pid).put("tid", tid).put("name", what), key, value);
    }

    /** Ends event, with an args object of these keys and values (String, Integer, Long or Double) if any. */
    private static void end(ObjectComposer<?> event, Object... args) throws IOException {
        if (args.length > 0) {
            ObjectComposer<?> a = event.startObjectField("args");
            for (int i = 0; i < args.length; i += 2) {
                String k = (String) args[i];
                Object v = args[i + 1];
                if (v instanceof Integer) a.put(k, (int) (Integer) v);
                else if (v instanceof Long) a.put(k, (long) (Long) v);
                else if (v instanceof Double) a.put(k, (double) (Double) v);
                else a.put(k, (String) v);
            }
            a.end();
        }
        event.end();
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }
}

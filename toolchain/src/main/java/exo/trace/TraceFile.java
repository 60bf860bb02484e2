package exo.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.ob.JSONComposer;
import com.fasterxml.jackson.jr.ob.comp.ArrayComposer;
import com.fasterxml.jackson.jr.ob.comp.ObjectComposer;
import exo.emulator.machine.Machine;
import exo.os.GuestOs;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One trace file in the Trace Event Format's object form: {@code {"otherData": {...},
 * "traceEvents": [...]}}, written as the run goes (docs/tracing.md). Each system traced into it
 * ({@link #attach}: one for {@code exo run} and the monitor, one per benchmark run for
 * {@code exo bench}) is a process of its own. Closing it closes every open slice and the JSON.
 *
 * <p>Only this package (and {@code exo bench --json}'s writer) names jackson-jr, and nothing
 * loads these classes unless a trace is asked for, so runs without one do not load the
 * library.
 */
public final class TraceFile implements AutoCloseable {
    /**
     * @param everyRefill write every TLB miss the kernel fills as an instant (default: only
     *                    per-slice counts, which keeps a long run's trace small)
     * @param hostClock   timestamps in host microseconds instead of guest cycles
     */
    public record Options(boolean everyRefill, boolean hostClock) {
        public static final Options DEFAULT = new Options(false, false);
    }

    /**
     * The most a trace writes before it stops recording (1 GiB): a long or busy run traced
     * whole (a polling loop makes millions of kernel calls) would otherwise fill the host's
     * disk. Past it every writer detaches, the file is closed as complete JSON, and
     * {@link #stoppedAt} says where it stopped.
     */
    public static final long DEFAULT_LIMIT = 1L << 30;

    private final Counting out;
    private final long limit;
    /** The guest cycle count at which the trace stopped at its limit, or -1. */
    private long stoppedAt = -1;
    private final JSONComposer<OutputStream> composer;
    private final ObjectComposer<JSONComposer<OutputStream>> root;
    private final ArrayComposer<ObjectComposer<JSONComposer<OutputStream>>> events;
    private final Options options;
    private final long hostStart = System.nanoTime();
    private final List<TraceWriter> writers = new ArrayList<>();
    /** Flow ids are unique in the file, whichever process they are in. */
    private long flowIds;
    private boolean closed;

    private TraceFile(OutputStream out, Options options, long limit) throws IOException {
        this.out = new Counting(out);
        this.limit = limit;
        this.options = options;
        this.composer = JSON.std.with(new EventPerLine()).composeTo(this.out);
        this.root = composer.startObject();
        ObjectComposer<?> other = root.startObjectField("otherData");
        other.put("producer", "exo");
        other.put("clock", options.hostClock() ? "host microseconds since the trace began"
                : "guest cycles: one trace microsecond is one guest cycle");
        other.end();
        this.events = root.startArrayField("traceEvents");
    }

    /**
     * Creates (or truncates) the file at path.
     *
     * @throws IOException if it cannot be created
     */
    public static TraceFile create(Path path, Options options) throws IOException {
        return new TraceFile(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16), options, DEFAULT_LIMIT);
    }

    /** A trace written to out, which closing the trace closes (tests write to memory). */
    public static TraceFile to(OutputStream out, Options options) {
        return to(out, options, DEFAULT_LIMIT);
    }

    /** A trace written to out that stops recording once it has written limit bytes. */
    public static TraceFile to(OutputStream out, Options options, long limit) {
        try {
            return new TraceFile(out, options, limit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Called by a writer before each event: once the file has reached its limit, every writer
     * is detached (no hook is called again) and the trace records where it stopped.
     * Returns whether the trace is still recording.
     */
    boolean recording(long cycles) {
        if (stoppedAt >= 0) return false;
        if (out.count < limit) return true;
        stoppedAt = cycles;
        for (TraceWriter w : writers) w.detach();
        return false;
    }

    /** The guest cycle at which the trace stopped at its size limit, or -1 if it holds the whole run. */
    public long stoppedAt() {
        return stoppedAt;
    }

    /** Its size limit in bytes. */
    public long limit() {
        return limit;
    }

    /** "stopped at its limit of N MiB, at cycle C" for a trace that stopped at its limit, or null. */
    public String stopNote() {
        return stoppedAt < 0 ? null : "stopped at its limit of " + (limit >> 20) + " MiB, at cycle " + stoppedAt;
    }

    /** Counts the bytes written through it. */
    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /**
     * Traces the system on machine under os from now on, as process label whose threads are
     * named prefix ("env" or "pid") and id: sets os's {@link exo.os.Stats#tracer}. Attach before
     * booting programs, so their creation is in the trace.
     */
    public TraceWriter attach(Machine machine, GuestOs os, String label, String prefix) {
        TraceWriter w = new TraceWriter(this, events, machine, os, writers.size() + 1, label, prefix, options, hostStart);
        writers.add(w);
        os.stats().tracer = w;
        w.onCpu(os.running());
        return w;
    }

    /**
     * Traces the system on machine under os, named after its kernel: threads are "env ID" on
     * the exokernel, "pid ID" on the baseline. Attached while a program is on the CPU (from the
     * monitor), its slice starts now, and environments created before are named by id.
     */
    public TraceWriter attach(Machine machine, GuestOs os) {
        boolean mono = os instanceof exo.baseline.MonoKernel;
        return attach(machine, os, mono ? "baseline kernel (mono)" : "exokernel", mono ? "pid" : "env");
    }


    /**
     * Compact JSON with one event per line, so a trace can be read, grepped and diffed line by
     * line (the only array in a trace is traceEvents).
     */
    private static final class EventPerLine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw("[\n");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(",\n");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            g.writeRaw("\n]");
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            super.writeEndObject(g, entries);
            if (g.getOutputContext().inRoot()) g.writeRaw('\n');
        }
    }

    /** A new flow id. */
    long nextFlowId() {
        return ++flowIds;
    }

    /** Ends every open slice, completes the JSON and closes the output; closing twice does nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            for (TraceWriter w : writers) w.pause();
            events.end();
            root.end();
            composer.finish();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package exo.benchmark;

import exo.emulator.jit.Engines;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.os.GuestOs;
import exo.os.KernelOptions;
import exo.os.ProgramImage;
import exo.os.RunResult;
import exo.system.KernelKind;
import exo.toolchain.GuestRuntime;
import exo.toolchain.Toolchain;
import exo.toolchain.ToolchainException;
import exo.toolchain.exe.Loader;
import exo.toolchain.link.LinkOptions;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one benchmark program on a fresh machine and kernel and reads its measurement. The
 * program brackets each timed window with a console write of "@" (see the harness in
 * guest-programs/bench/KERNEL/harness.inc): the console stream here timestamps those writes on
 * the host, so host time covers exactly the windows, never boot or set-up. Guest cycles are the
 * program's own rdcycle differences over the same windows.
 */
public final class GuestBench {
    /** Physical memory of every benchmark machine: room for every program, cheap to allocate. */
    static final long MEMORY = 32L << 20;
    static final long SEED = 42;
    /** No benchmark legitimately runs this long; a broken one stops here instead of hanging. */
    public static final long MAX_INSTRUCTIONS = 20_000_000_000L;
    /**
     * The exokernel's programs use the kernel's primitives directly, with no library OS under
     * them (its handlers, save area and time-slice upcalls would be measured too), except those
     * named *-libos, which measure the library OS itself.
     */
    static String runtime(KernelKind kernel, String program) {
        if (kernel == KernelKind.MONO) return "unix.list";
        return program.endsWith("-libos") ? GuestRuntime.DEFAULT_LIST : "runtime-bare.list";
    }
    /** The timed part of a driven run is split into this many stretches; the fastest counts. */
    static final int STRETCHES = 3;
    private static final Pattern REPORT = Pattern.compile("bench cycles=([0-9a-f]{16}) ops=([0-9a-f]{8})");

    /**
     * One measured run: guest cycles and host nanoseconds over the timed windows, operations
     * done, and guest instructions retired by the whole run (boot and set-up included).
     */
    public record Measurement(long cycles, long nanos, long ops, long instructions) {
        public double cyclesPerOp() {
            return (double) cycles / ops;
        }

        public double nanosPerOp() {
            return (double) nanos / ops;
        }
    }

    private final String engine;
    private final Map<String, ProgramImage> images = new HashMap<>();

    public GuestBench(String engine) {
        this.engine = Engines.require(engine);
    }

    /** The resource holding a benchmark program's source. */
    public static String resource(KernelKind kernel, String program) {
        return "guest-programs/bench/" + kernel + "/" + program + ".s";
    }

    /**
     * Runs a program with N iterations and checks it did N x opsPerIteration operations.
     *
     * @throws IllegalStateException if the program fails or miscounts: a bug in Exo
     */
    public Measurement run(KernelKind kernel, Rows.Run run, int iterations) throws ToolchainException {
        MarkStream out = new MarkStream();
        GuestOs os = boot(kernel, run, iterations, out);
        RunResult r = os.run(MAX_INSTRUCTIONS);
        return measurement(kernel + "/" + run.program() + " variant " + run.variant(), r, out, (long) iterations * run.opsPerIteration());
    }

    /**
     * The measurement of a finished run whose console went to out: the program's report, the
     * host time of its timed windows, its instructions.
     *
     * @throws IllegalStateException if the program failed, printed no report or miscounted
     */
    static Measurement measurement(String what, RunResult r, MarkStream out, long expected) {
        RunResult.Program p = r.programs().get(0);
        if (r.problem() != null || !p.finished() || p.exitStatus() != 0) {
            throw new IllegalStateException(what + " failed: " + (p.diagnostic() != null ? p.diagnostic() : r.problem() != null ? r.problem() : "exit status " + p.exitStatus()));
        }
        Matcher mt = REPORT.matcher(out.text());
        if (!mt.find()) throw new IllegalStateException(what + " printed no report: " + out.text());
        long cycles = Long.parseUnsignedLong(mt.group(1), 16);
        long ops = Long.parseLong(mt.group(2), 16);
        if (ops != expected) throw new IllegalStateException(what + " did " + ops + " operations, not " + expected);
        return new Measurement(cycles, out.windowNanos(), ops, r.instructions());
    }

    /**
     * The row's measurement: guest cycles from a bounded run of N iterations (deterministic),
     * host time from a second, driven run on the same program booted with an endless iteration
     * count: once its set-up is done (the first timing mark), it runs a warm-up of
     * {@code warmup} iterations' worth of guest instructions, so the host JIT has compiled the
     * kernel and the guest's translations, then N iterations' worth in three timed stretches,
     * of which the fastest counts. The
     * instructions per iteration come from the bounded run and one of N/4 iterations. Where the
     * program times several windows per run (prot100, unprot100), only the windows are counted.
     */
    public Measurement measure(KernelKind kernel, Rows.Run run, int n, int warmup) throws ToolchainException {
        Measurement full = run(kernel, run, n);
        int quarter = Math.max(1, n / 4);
        Measurement part = run(kernel, run, quarter);
        double perIteration = (double) (full.instructions() - part.instructions()) / (n - quarter);
        MarkStream out = new MarkStream();
        GuestOs os = boot(kernel, run, Integer.MAX_VALUE, out);
        while (out.marks() == 0) check(os.run(10_000), kernel, run);
        if (warmup > 0) check(os.run(Math.round(perIteration * warmup)), kernel, run);
        // Three stretches of N/3 iterations each; the fastest counts, since interference from
        // other work on the host only ever adds time.
        int per = Math.max(1, n / STRETCHES);
        double best = Double.MAX_VALUE;
        for (int k = 0; k < STRETCHES; k++) {
            int first = out.marks();
            long t0 = System.nanoTime();
            check(os.run(Math.round(perIteration * per)), kernel, run);
            long elapsed = System.nanoTime() - t0;
            int last = out.marks();
            double nanosPerOp;
            if (last - first >= 4) {
                // Several windows: the complete ones inside the stretch. Windows open at even
                // mark indices (mark 0 opened the first one).
                int start = first % 2 == 1 ? first + 1 : first;
                long sum = 0;
                int windows = 0;
                for (int i = start; i + 1 < last; i += 2, windows++) sum += out.at(i + 1) - out.at(i);
                nanosPerOp = (double) sum / (windows * (long) run.opsPerIteration());
            } else {
                nanosPerOp = (double) elapsed / ((long) per * run.opsPerIteration());
            }
            best = Math.min(best, nanosPerOp);
        }
        return new Measurement(full.cycles(), Math.round(best * full.ops()), full.ops(), full.instructions());
    }

    private static void check(RunResult r, KernelKind kernel, Rows.Run run) {
        if (r.reason() != RunResult.Reason.INSTRUCTION_LIMIT) {
            throw new IllegalStateException(kernel + "/" + run.program() + " variant " + run.variant() + " stopped in a driven run: " + r.reason()
                    + (r.problem() != null ? " (" + r.problem() + ")" : ""));
        }
    }

    /**
     * A fresh machine and kernel with the program booted for N iterations, its console going
     * to out (the JMH benchmarks drive the run themselves).
     */
    public GuestOs boot(KernelKind kernel, Rows.Run run, int iterations, OutputStream out) throws ToolchainException {
        return boot(kernel, run, iterations, out, (m, os) -> { });
    }

    /** As {@link #boot(KernelKind, Rows.Run, int, OutputStream)}, calling beforeBoot on the new system first (to trace it). */
    public GuestOs boot(KernelKind kernel, Rows.Run run, int iterations, OutputStream out, BiConsumer<Machine, GuestOs> beforeBoot)
            throws ToolchainException {
        ProgramImage image = image(kernel, run.program());
        Machine m = new Machine(MEMORY, SEED, new Console(out, new ByteArrayInputStream(new byte[0])));
        m.setEngine(Engines.create(engine));
        KernelOptions ko = KernelOptions.defaults().withSeed(SEED);
        GuestOs os = kernel.create(m, ko);
        beforeBoot.accept(m, os);
        os.boot(image, List.of(image.name(), Integer.toString(iterations), Integer.toString(run.variant())));
        return os;
    }

    private ProgramImage image(KernelKind kernel, String program) throws ToolchainException {
        String key = kernel + "/" + program;
        ProgramImage image = images.get(key);
        if (image == null) {
            GuestRuntime.Library lib = GuestRuntime.load(runtime(kernel, program));
            var exe = Toolchain.buildExecutable(List.of(Toolchain.Input.resource(resource(kernel, program))), lib.objects(),
                    List.of(lib.members()), LinkOptions.DEFAULT);
            image = Loader.image(program + ".s", exe);
            images.put(key, image);
        }
        return image;
    }

    /**
     * The guest's console: keeps the text and timestamps each "@" line. Marks pair up: the
     * time between the first and second, third and fourth, ... is the timed windows' host time.
     */
    public static final class MarkStream extends OutputStream {
        private final StringBuilder text = new StringBuilder();
        private final List<Long> marks = new ArrayList<>();
        private int lineStart;

        @Override
        public void write(int b) {
            if (b == '\n') {
                if (text.length() == lineStart + 1 && text.charAt(lineStart) == '@') {
                    marks.add(System.nanoTime());
                    text.setLength(lineStart);
                    return;
                }
                text.append('\n');
                lineStart = text.length();
                return;
            }
            text.append((char) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) write(b[off + i]);
        }

        public String text() {
            return text.toString();
        }

        /** The host time of mark i (0-based). */
        public long at(int i) {
            return marks.get(i);
        }

        /** Marks seen so far. */
        public int marks() {
            return marks.size();
        }

        public long windowNanos() {
            if (marks.size() % 2 != 0) throw new IllegalStateException("unpaired timing marks: " + marks.size());
            long sum = 0;
            for (int i = 0; i < marks.size(); i += 2) sum += marks.get(i + 1) - marks.get(i);
            return sum;
        }
    }
}

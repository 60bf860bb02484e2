package exo.cli;

import exo.benchmark.BenchPlot;
import exo.benchmark.BenchReport;
import exo.benchmark.FsBench;
import exo.benchmark.GuestBench;
import exo.benchmark.NativeBench;
import exo.benchmark.Rows;
import exo.system.KernelKind;
import exo.toolchain.ToolchainException;
import exo.trace.TraceFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code exo bench}: every row of the paper's Tables 4-10 under the exokernel and the baseline
 * in the same run (docs/benchmarks.md).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Benchmark the exokernel's primitives against the monolithic baseline, side by side.",
            "Runs each benchmark program (guest-programs/bench/) under both kernels and prints, per operation, guest cycles "
                + "and host nanoseconds and the baseline's cost over the exokernel's, grouped like Tables 4-10 of the "
                + "exokernel paper; then the file-system workloads (small files, large sequential files, random reads) on each file "
                + "system, each on a new disk image. Boot and set-up are never timed. Guest cycles are deterministic; host times are not."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "64:bad command line", "69:--native asked for but no C compiler, or the native programs failed",
            "70:a benchmark program failed or miscounted (a bug in Exo)", "73:the --plot or --trace file cannot be created",
            "74:writing the --trace file failed"})
public final class BenchCommand implements Callable<Integer> {
    /** sysexits EX_UNAVAILABLE: a required service (the host's C compiler) is missing. */
    static final int UNAVAILABLE = 69;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "jit",
            description = "execution engine: jit or interp (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--quick", description = "a short run (1/" + Rows.QUICK_DIVISOR + " of the iterations, no warm-up): for tests and CI")
    boolean quick;

    @Option(names = "--json", description = "print the results as JSON instead of a table")
    boolean json;

    @Option(names = "--plot", paramLabel = "FILE.svg",
            description = "also draw the results as grouped bar charts (one panel per table; guest cycles and host ns, log scales) into an SVG file")
    Path plot;

    @Mixin
    TraceOptions trace;

    @Option(names = "--native", description = "add a column for the host's own Linux: compiles C equivalents of the null call, "
            + "mprotect and Appel & Li rows with gcc or cc and runs them in the same run")
    boolean nativeColumn;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SystemOptions.checkEngine(spec.commandLine(), engine);
        trace.validate(spec.commandLine());
        NativeBench host = null;
        TraceFile traceFile = null;
        try {
            // Both output files are created first, so a bad path fails before minutes of measuring.
            if (plot != null) CliIo.write(plot, new byte[0]);
            traceFile = trace.open();
            if (nativeColumn) host = NativeBench.compile();
            GuestBench guest = new GuestBench(engine);
            List<BenchReport.Result> results = new ArrayList<>();
            Progress progress = Progress.on(err);
            for (int i = 0; i < Rows.ALL.size(); i++) {
                Rows.Row row = Rows.ALL.get(i);
                progress.show(String.format("exo bench: %d of %d: %s, %s", i + 1, Rows.ALL.size(), row.table(), row.name()));
                results.add(measure(guest, host, row));
            }
            List<BenchReport.FsResult> fsResults = new ArrayList<>();
            FsBench fsBench = new FsBench(engine);
            int fsIterations = quick ? FsBench.QUICK_ITERATIONS : FsBench.ITERATIONS;
            for (int i = 0; i < FsBench.WORKLOADS.size(); i++) {
                FsBench.Workload w = FsBench.WORKLOADS.get(i);
                progress.show(String.format("exo bench: file systems, %d of %d: %s", i + 1, FsBench.WORKLOADS.size(), w.name()));
                List<GuestBench.Measurement> cells = new ArrayList<>();
                for (FsBench.FileSystem fs : FsBench.FILE_SYSTEMS) cells.add(fsBench.run(fs, w, fsIterations));
                fsResults.add(new BenchReport.FsResult(w, cells));
            }
            progress.done();
            String note = host == null ? null : "the host's Linux (" + System.getProperty("os.name") + " " + System.getProperty("os.version")
                    + "), C programs compiled with " + NativeBench.findCompiler().map(Object::toString).orElse("?") + " -O2";
            BenchReport report = new BenchReport(engine, quick, results, note, fsResults);
            if (json) report.printJson(out);
            else report.printTable(out);
            if (plot != null) CliIo.write(plot, BenchPlot.render(results, engine, quick).getBytes(StandardCharsets.UTF_8));
            if (traceFile != null) {
                traceRows(guest, traceFile);
                traceFile.close();
            }
            return ExitCodes.OK;
        } catch (CliIo.Failure f) {
            return CliIo.fail(err, f);
        } catch (UncheckedIOException e) {
            return CliIo.fail(err, new CliIo.Failure(ExitCodes.IOERR, trace.file + ": writing the trace failed: " + e.getCause().getMessage()));
        } catch (NativeBench.Unavailable e) {
            err.println("exo bench: " + e.getMessage());
            return UNAVAILABLE;
        } catch (ToolchainException e) {
            throw new IllegalStateException("a shipped benchmark program does not build: " + e.getMessage(), e);
        } finally {
            if (host != null) host.close();
            if (traceFile != null) closeAfterFailure(traceFile);
        }
    }

    /** Completes the trace of a bench that failed, so what it holds still opens; the failure was reported already. */
    private static void closeAfterFailure(TraceFile traceFile) {
        try {
            traceFile.close();
        } catch (UncheckedIOException e) {
            // The run's own failure is what the user is told about.
        }
    }

    /**
     * Traces a short run ({@link #TRACE_ITERATIONS} iterations) of every row under each kernel,
     * each a process of its own in the trace; separate from the measured runs, which tracing
     * would slow down.
     */
    private static void traceRows(GuestBench guest, TraceFile traceFile) throws ToolchainException {
        for (Rows.Row row : Rows.ALL) {
            for (KernelKind k : KernelKind.values()) {
                Rows.Run run = row.run(k);
                if (run == null) continue;
                String label = row.name() + " / " + TraceOptions.label(k);
                guest.boot(k, run, TRACE_ITERATIONS, new GuestBench.MarkStream(), (m, os) -> TraceOptions.attach(traceFile, m, os, k, label))
                        .run(GuestBench.MAX_INSTRUCTIONS);
            }
        }
    }

    /**
     * A progress line on standard error, rewritten in place, when exo runs on a terminal
     * ({@code System.console()}: standard input and output both a terminal); nothing at all
     * when either is redirected, so piped and captured output stays exactly the tables.
     */
    static final class Progress {
        private final PrintWriter err;

        private Progress(PrintWriter err) {
            this.err = err;
        }

        static Progress on(PrintWriter err) {
            return new Progress(System.console() != null ? err : null);
        }

        void show(String line) {
            if (err == null) return;
            err.print("\r\033[K" + line);
            err.flush();
        }

        void done() {
            if (err == null) return;
            err.print("\r\033[K");
            err.flush();
        }
    }

    /** Iterations of each row's traced run. */
    static final int TRACE_ITERATIONS = 10;

    private BenchReport.Result measure(GuestBench guest, NativeBench host, Rows.Row row) throws ToolchainException, NativeBench.Unavailable {
        int n = row.iterations(quick);
        GuestBench.Measurement exo = measure(guest, KernelKind.EXO, row.exo(), n);
        GuestBench.Measurement mono = row.mono() == null ? null : measure(guest, KernelKind.MONO, row.mono(), n);
        Double nat = null;
        if (host != null && row.nativeRun() >= 0) nat = host.nanosPerOp(row.nativeRun(), n, (long) n * row.exo().opsPerIteration());
        return new BenchReport.Result(row, exo, mono, nat);
    }

    /** Guest cycles from a bounded run; host time after a warm-up of as many iterations (none with --quick). */
    private GuestBench.Measurement measure(GuestBench guest, KernelKind kernel, Rows.Run run, int n) throws ToolchainException {
        return guest.measure(kernel, run, n, quick ? 0 : n);
    }
}

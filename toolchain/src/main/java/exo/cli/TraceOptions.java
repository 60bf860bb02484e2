package exo.cli;

import exo.emulator.machine.Machine;
import exo.os.GuestOs;
import exo.system.KernelKind;
import exo.trace.TraceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The trace options of {@code exo run} and {@code exo bench} (docs/tracing.md). Nothing here
 * touches the JSON library unless {@code --trace} was given: {@link #open} is the only way in.
 */
public final class TraceOptions {
    @Option(names = "--trace", paramLabel = "FILE",
            description = "write a timeline to FILE in the Trace Event Format (JSON; open it in ui.perfetto.dev, "
                    + "chrome://tracing or speedscope): time slices, kernel calls, exceptions, transfers, revocations per environment; "
                    + "exo run traces the whole run, exo bench a short extra run of every row after the measurements")
    Path file;

    @Option(names = "--trace-clock", paramLabel = "CLOCK", defaultValue = "cycles",
            description = "trace timestamps: cycles (guest cycles, identical under every engine) or host (host microseconds) (default: ${DEFAULT-VALUE})")
    String clock;

    @Option(names = "--trace-every-refill",
            description = "trace every TLB miss the kernel fills itself as its own event, not only their count per time slice (large traces)")
    boolean everyRefill;

    /** Whether a trace was asked for. */
    boolean on() {
        return file != null;
    }

    /** Rejects a bad --trace-clock before any work is done. */
    void validate(CommandLine cl) {
        if (!clock.equals("cycles") && !clock.equals("host")) {
            throw new CommandLine.ParameterException(cl, "unknown --trace-clock '" + clock + "'; choose cycles or host");
        }
        if (file == null && (everyRefill || !clock.equals("cycles"))) {
            throw new CommandLine.ParameterException(cl, "--trace-clock and --trace-every-refill need --trace FILE");
        }
    }

    /**
     * Creates the trace file, or null without --trace.
     *
     * @throws CliIo.Failure CANTCREAT if it cannot be created
     */
    TraceFile open() throws CliIo.Failure {
        if (file == null) return null;
        return create(file, new TraceFile.Options(everyRefill, clock.equals("host")));
    }

    /** Creates a trace at path; failing, CANTCREAT with one clear message. */
    static TraceFile create(Path path, TraceFile.Options options) throws CliIo.Failure {
        if (Files.isDirectory(path)) throw new CliIo.Failure(ExitCodes.CANTCREAT, path + ": cannot write the trace: is a directory");
        try {
            return TraceFile.create(path, options);
        } catch (NoSuchFileException e) {
            throw new CliIo.Failure(ExitCodes.CANTCREAT, path + ": cannot write the trace: no such directory");
        } catch (IOException e) {
            throw new CliIo.Failure(ExitCodes.CANTCREAT, path + ": cannot write the trace: " + e.getMessage());
        }
    }

    /** Traces the system just made on machine under os (before any program is booted), as process label. */
    static void attach(TraceFile trace, Machine machine, GuestOs os, KernelKind kernel, String label) {
        trace.attach(machine, os, label, kernel == KernelKind.MONO ? "pid" : "env");
    }

    /** The process name a system running kernel has in a trace. */
    static String label(KernelKind kernel) {
        return kernel == KernelKind.MONO ? "baseline kernel (mono)" : "exokernel";
    }
}

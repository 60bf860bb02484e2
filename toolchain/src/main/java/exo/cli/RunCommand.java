package exo.cli;

import exo.emulator.jit.Jit;
import exo.emulator.machine.Console;
import exo.emulator.machine.Disk;
import exo.emulator.machine.DiskException;
import exo.baseline.MonoKernel;
import exo.os.BootException;
import exo.os.RunResult;
import exo.system.KernelKind;
import exo.toolchain.ToolchainException;
import exo.trace.TraceFile;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code exo run}: build, boot and run programs; the guest's exit status is the process's. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run guest programs on the exokernel (or, with --kernel mono, on the monolithic baseline).",
            "Each PROGRAM (assembly source, object, or executable) boots as its own environment; sources are "
                + "assembled and linked with the library OS first. An archive (.a) is no program: it is linked into every "
                + "source and object program named with it (exo run main.s lib.a). Several programs share the machine and its "
                + "time slices, each one's output prefixed with [name]. Arguments after -- go to every program "
                + "as argv[1..]. The exit code is the first program's exit status (or the first non-zero one), "
                + "also when environments it created but never started remain: those are reported on standard error as a warning."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"N:the program's exit status, if 0..255 (128 + the cause if the kernel destroyed it)",
            "1:a program's exit status outside 0..255", "64:bad command line", "65:errors in a program's source or binary",
            "66:a program file is missing", "73:the --trace file cannot be created", "74:writing the --trace file failed",
            "124:--max-instructions reached", "125:the programs do not fit the machine",
            "65:(with --disk) the image is corrupt or truncated", "66:(with --disk) the image does not exist",
            "73:(with --disk-create) the image exists already", "74:(with --disk) the host cannot read or write the image"},
        footer = {"%nWhenever the exit code is Exo's own rather than a program's status, a message on standard error says why, "
            + "so a program's own 64 or 124 is told from Exo's by that message. Every status: docs/kernel-abi.md, \"Exit statuses\"."})
public final class RunCommand implements Callable<Integer> {
    /** The exit code when the instruction limit stops a run (as timeout(1) uses). */
    static final int LIMIT_EXIT = 124;
    static final int BOOT_EXIT = 125;
    /** The exit code for a guest status outside 0..255, which an exit code cannot carry. */
    static final int OUT_OF_RANGE_EXIT = 1;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SystemOptions system;

    @Parameters(arity = "1..*", paramLabel = "PROGRAM", description = "programs to run, then -- and their arguments")
    List<String> words;

    @Option(names = "--max-instructions", paramLabel = "N", defaultValue = "10000000000",
            description = "stop after N instructions in all, so a runaway guest cannot hang the host (0: no limit; default: ${DEFAULT-VALUE})")
    long maxInstructions;

    @Option(names = "--stats", description = "print statistics to standard error after the run")
    boolean stats;

    @Mixin
    TraceOptions trace;

    @Mixin
    DiskOptions disks;

    private final OutputStream consoleOut;
    private final InputStream consoleIn;

    public RunCommand() {
        this(System.out, System.in);
    }

    /** A run command whose guests' console is these streams (tests). */
    public RunCommand(OutputStream consoleOut, InputStream consoleIn) {
        this.consoleOut = consoleOut;
        this.consoleIn = consoleIn;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        system.validate(spec.commandLine());
        trace.validate(spec.commandLine());
        if (maxInstructions < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--max-instructions must be 0 or more");
        disks.validate(spec.commandLine(), system.kernel());
        List<Path> files = new ArrayList<>();
        List<String> args = new ArrayList<>();
        split(files, args);
        Disk device = null;
        try {
            CliIo.requireExisting(files);
            List<Launch.Program> programs = Launch.build(files, system);
            Console console = new Console(consoleOut, consoleIn);
            device = disks.open(system.seed, system.kernel());
            TraceFile traceFile = trace.open();
            Launch.Booted b;
            RunResult r;
            long nanos;
            try {
                b = Launch.boot(programs, args, system, console, traceFile, device, disks.quota());
                if (b.os() instanceof MonoKernel mono && mono.formattedDisk()) {
                    err.println("exo run: " + disks.disk + ": a zero image; formatted with the baseline kernel's file system");
                }
                long t0 = System.nanoTime();
                r = b.os().run(maxInstructions == 0 ? Long.MAX_VALUE : maxInstructions);
                nanos = System.nanoTime() - t0;
            } finally {
                // Also after a failed boot, so the file is complete JSON whatever happened.
                if (traceFile != null) traceFile.close();
            }
            console.flush();
            if (traceFile != null && traceFile.stopNote() != null) {
                err.println("exo run: " + trace.file + ": the trace " + traceFile.stopNote() + "; the run went on to its end untraced");
            }
            return report(err, b, r, nanos);
        } catch (UncheckedIOException e) {
            return CliIo.fail(err, new CliIo.Failure(ExitCodes.IOERR, trace.file + ": writing the trace failed: " + e.getCause().getMessage()));
        } catch (CliIo.Failure f) {
            return CliIo.fail(err, f);
        } catch (ToolchainException e) {
            return CliIo.report(err, e);
        } catch (BootException e) {
            err.println("exo run: " + e.getMessage());
            return BOOT_EXIT;
        } catch (DiskException e) {
            err.println("exo run: " + e.getMessage());
            return DiskCommand.exitCode(e.kind);
        } finally {
            // Unflushed writes are dropped, as a host crash would drop them: only blk_flush makes data durable.
            if (device != null) device.close();
        }
    }

    /** Disk image sizes: bytes, or with K, M or G. */
    static final class DiskSize implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String s) {
            long v = SystemOptions.bytes(s);
            if (v <= 0 || v % Disk.BLOCK_SIZE != 0 || v > Disk.MAX_BYTES) {
                throw new CommandLine.TypeConversionException("a disk image is whole 4 KiB blocks, at most 1G, not '" + s + "'");
            }
            return v;
        }
    }

    /** Programs are the words before "--"; the rest are the guests' arguments. */
    private void split(List<Path> files, List<String> args) {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int dash = original.indexOf("--");
        int guestArgs = dash < 0 ? 0 : original.size() - dash - 1;
        int programs = words.size() - guestArgs;
        if (programs < 1) throw new CommandLine.ParameterException(spec.commandLine(), "no program to run before --");
        for (int i = 0; i < words.size(); i++) {
            if (i < programs) files.add(Path.of(words.get(i)));
            else args.add(words.get(i));
        }
    }

    /**
     * A non-zero guest status as the process's exit code: 1..255 as it is; anything else (the
     * kernel takes a full word) as {@link #OUT_OF_RANGE_EXIT} with a message, since a process
     * exit code keeps only 8 bits and 256 would otherwise read as success.
     */
    private static int exitCode(PrintWriter err, RunResult.Program p) {
        int status = p.exitStatus();
        if (status >= 0 && status <= 255) return status;
        err.println("exo run: [" + p.name() + "] exited with status " + status + ", outside 0..255; exit code " + OUT_OF_RANGE_EXIT);
        return OUT_OF_RANGE_EXIT;
    }

    /**
     * Whether the first program ended, so its status is the run's even though environments
     * remain that can never run (a child it created and never started): the message is then a
     * warning, not the exit code.
     */
    private static boolean firstFinished(RunResult r) {
        return !r.programs().isEmpty() && r.programs().get(0).finished();
    }

    private int report(PrintWriter err, Launch.Booted b, RunResult r, long nanos) {
        boolean several = r.programs().size() > 1;
        int code = -1;
        for (RunResult.Program p : r.programs()) {
            if (p.diagnostic() != null) err.println("exo run: " + p.diagnostic());
            if (several && p.finished()) err.println("exo run: [" + p.name() + "] exited with status " + p.exitStatus());
            if (p.finished() && code < 0 && p.exitStatus() != 0) code = exitCode(err, p);
        }
        if (code < 0) code = 0;
        String problem = r.problem();
        if (problem != null) {
            err.println("exo run: " + problem);
            if (r.reason() == RunResult.Reason.INSTRUCTION_LIMIT) code = LIMIT_EXIT;
            else if (!(r.reason() == RunResult.Reason.NO_RUNNABLE && firstFinished(r)) && code == 0) code = 1;
        }
        if (stats) {
            err.print(r.statsReport());
            err.printf("engine                %s, %.3f s host time, %.1f million guest instructions/s%n", b.machine().engine().name(),
                    nanos / 1e9, r.instructions() / (nanos / 1e3));
            if (b.machine().engine() instanceof Jit) err.print(((Jit) b.machine().engine()).stats().describe());
        }
        err.flush();
        return code;
    }
}

package exo.cli;

import exo.emulator.jit.Engines;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.emulator.machine.PhysicalMemory;
import exo.kernel.BootException;
import exo.kernel.Kernel;
import exo.kernel.KernelOptions;
import exo.kernel.ProgramImage;
import exo.kernel.RunResult;
import exo.toolchain.SourceFile;
import exo.toolchain.ToolchainException;
import exo.toolchain.asm.Assembler;
import exo.toolchain.exe.Executable;
import exo.toolchain.exe.Loader;
import exo.toolchain.link.LinkOptions;
import exo.toolchain.link.Linker;
import exo.toolchain.obj.FormatException;
import exo.toolchain.obj.ObjectFile;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code exo run}: boots programs on the exokernel and runs them to exit. A source or object is
 * linked with the start-up stub ({@value #CRT0}) unless it defines {@code _start} itself; an
 * executable runs as it is. Several programs boot as several environments sharing the machine
 * and the time-slice vector, each line of their output prefixed with {@code [name]}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Boot programs (.s, .o or .exo) on the exokernel and run them to exit.",
            "Arguments after -- are passed to every program as argv[1..] (argv[0] is the program's name). "
                + "With one program, its exit status is exo's; with several, each status is reported and the first non-zero one is exo's. "
                + "ABI: docs/kernel-abi.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"N:the program's exit status (modulo 256; 128+cause if the kernel destroyed it)", "64:bad command line",
            "65:errors in a program or it cannot boot", "66:an input file is missing", "124:the --max-instructions limit was reached"})
public final class RunCommand implements Callable<Integer> {
    static final String CRT0 = "guest-runtime/crt0.s";
    /** Exit code when the instruction limit stops the run (as timeout(1) does). */
    static final int LIMIT_REACHED = 124;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "programs to boot, then -- and their arguments")
    List<String> params;

    @Option(names = "--mem", paramLabel = "SIZE", description = "physical memory, e.g. 64M or 1G (default: 256M)")
    String mem = "256M";

    @Option(names = "--max-instructions", paramLabel = "N", description = "stop after N instructions (default: 10000000000)")
    long maxInstructions = 10_000_000_000L;

    @Option(names = "--seed", paramLabel = "N", description = "seed for TLB replacement and capabilities (default: 42)")
    long seed = 42;

    @Option(names = "--engine", paramLabel = "NAME", description = "jit or interp (default: jit)")
    String engine = Engines.NAMES.get(0);

    @Option(names = "--stats", description = "print instructions, cycles, exceptions forwarded, TLB and STLB figures, transfers and switches to stderr")
    boolean stats;

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
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int dashes = original.indexOf("--");
        int argCount = dashes < 0 ? 0 : original.size() - dashes - 1;
        List<String> files = params.subList(0, params.size() - argCount);
        List<String> args = params.subList(params.size() - argCount, params.size());
        if (files.isEmpty()) {
            err.println("exo run: no program given (the arguments after -- are the program's)");
            return ExitCodes.USAGE;
        }
        long memory;
        try {
            memory = parseSize(mem);
            Engines.create(engine);
        } catch (IllegalArgumentException e) {
            err.println("exo run: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (maxInstructions <= 0) {
            err.println("exo run: --max-instructions must be positive");
            return ExitCodes.USAGE;
        }
        try {
            List<Path> paths = new ArrayList<>();
            for (String f : files) paths.add(Path.of(f));
            CliIo.requireExisting(paths);
            List<ProgramImage> images = new ArrayList<>();
            List<exo.toolchain.Diagnostic> errors = new ArrayList<>();
            for (Path p : paths) {
                try {
                    images.add(build(p));
                } catch (ToolchainException e) {
                    errors.addAll(e.diagnostics());
                }
            }
            if (!errors.isEmpty()) return CliIo.report(err, new ToolchainException(errors));
            Machine machine = new Machine(memory, seed, new Console(consoleOut, consoleIn));
            machine.setEngine(Engines.create(engine));
            Kernel kernel = new Kernel(machine, KernelOptions.defaults().withSeed(seed).withPrefixOutput(images.size() > 1));
            for (ProgramImage image : images) {
                List<String> argv = new ArrayList<>();
                argv.add(image.name());
                argv.addAll(args);
                kernel.boot(image, argv);
            }
            RunResult r = kernel.run(maxInstructions);
            return report(err, kernel, r);
        } catch (CliIo.Failure f) {
            return CliIo.fail(err, f);
        } catch (BootException e) {
            err.println("exo run: " + e.getMessage());
            return ExitCodes.DATAERR;
        }
    }

    private int report(PrintWriter err, Kernel kernel, RunResult r) {
        for (String line : kernel.log()) err.println("exo: " + line);
        boolean several = r.programs().size() > 1;
        int status = 0;
        for (RunResult.Program p : r.programs()) {
            if (several) {
                err.println("exo: " + p.name() + " (env " + p.envId() + ") "
                        + (!p.finished() ? "did not finish" : p.killed() ? "was destroyed, status " + p.exitStatus() : "exited with status " + p.exitStatus()));
            }
            if (status == 0 && p.finished()) status = p.exitStatus() & 0xFF;
        }
        if (stats) err.print(r.statsReport());
        if (r.problem() != null) {
            err.println("exo run: " + r.problem());
            err.flush();
            return r.reason() == RunResult.Reason.INSTRUCTION_LIMIT ? LIMIT_REACHED : ExitCodes.SOFTWARE;
        }
        err.flush();
        return status;
    }

    /** An executable as it is; a source or object linked with crt0, which is taken only if _start is undefined. */
    static ProgramImage build(Path p) throws ToolchainException, CliIo.Failure {
        byte[] bytes = CliIo.read(p);
        String name = p.getFileName().toString();
        if (Executable.is(bytes)) return Loader.load(name, bytes);
        ObjectFile program;
        try {
            program = exo.toolchain.Toolchain.isObject(bytes) ? ObjectFile.read(name, bytes) : Assembler.assemble(SourceFile.read(p));
        } catch (FormatException e) {
            throw new ToolchainException(exo.toolchain.Diagnostic.error(name, e.getMessage()));
        } catch (java.io.IOException e) {
            throw new CliIo.Failure(ExitCodes.IOERR, p + ": cannot read: " + e.getMessage());
        }
        ObjectFile crt0;
        try {
            crt0 = Assembler.assemble(SourceFile.resource(CRT0));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the start-up stub " + CRT0 + " is missing from the classpath", e);
        }
        return Loader.image(name, Linker.link(List.of(program), List.of(List.of(crt0)), LinkOptions.DEFAULT));
    }

    /** Parses 4096, 64K, 64M, 1G; must be whole pages within what the machine supports. */
    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K")) unit = 1L << 10;
        else if (t.endsWith("M")) unit = 1L << 20;
        else if (t.endsWith("G")) unit = 1L << 30;
        if (unit != 1) t = t.substring(0, t.length() - 1);
        long v;
        try {
            v = Long.parseLong(t) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--mem '" + s + "' is not a size (e.g. 64M)");
        }
        if (v < 1L << 20 || v > 1L << 30 || v % PhysicalMemory.PAGE_SIZE != 0) {
            throw new IllegalArgumentException("--mem must be a whole number of 4 KiB pages between 1M and 1G, not '" + s + "'");
        }
        return v;
    }
}

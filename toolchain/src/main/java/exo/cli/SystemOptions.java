package exo.cli;

import exo.emulator.jit.Engines;
import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.system.KernelKind;
import exo.toolchain.GuestRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options that describe the emulated system, shared by {@code exo run}, {@code exo debug}
 * and {@code exo bench}: engine, kernel, memory size, seed, and the runtime programs are linked
 * with.
 */
public final class SystemOptions {
    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "jit",
            description = "execution engine: jit (translates hot code to JVM bytecode) or interp (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--kernel", paramLabel = "KERNEL", defaultValue = "exo",
            description = "kernel: exo (the exokernel) or mono (the monolithic baseline) (default: ${DEFAULT-VALUE})")
    String kernel;

    @Option(names = "--mem", paramLabel = "SIZE", defaultValue = "256M", converter = Size.class,
            description = "physical memory: bytes, or with K, M or G (default: ${DEFAULT-VALUE})")
    long memory;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "seed for TLB replacement and capability tokens; same seed, same run (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--runtime", paramLabel = "LIST",
            description = "runtime list under guest-runtime/src/ that sources are linked with "
                + "(default: runtime.list, the library OS; unix.list with --kernel mono)")
    String runtime;

    /** The runtime list sources are linked with: the chosen one, or the kernel's own. */
    String runtimeList() {
        return runtime != null ? runtime : kernel() == KernelKind.MONO ? "unix.list" : GuestRuntime.DEFAULT_LIST;
    }

    /** The kernel chosen; {@link #validate} has checked its name. */
    KernelKind kernel() {
        return KernelKind.parse(kernel);
    }

    /** Checks the values picocli cannot: names of engine, kernel and runtime list. */
    void validate(CommandLine cl) {
        checkEngine(cl, engine);
        try {
            KernelKind.parse(kernel);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        checkRuntime(cl, runtime);
    }

    /** A --runtime value that names no list under guest-runtime/src/, as a command-line error. */
    static void checkRuntime(CommandLine cl, String list) {
        if (list != null && !GuestRuntime.exists(list)) {
            throw new CommandLine.ParameterException(cl, "--runtime: no runtime list '" + list + "' under " + GuestRuntime.root()
                    + " (for example " + GuestRuntime.DEFAULT_LIST + " or unix.list)");
        }
    }

    /** An --engine value that names no engine, as a command-line error listing the choices. */
    static void checkEngine(CommandLine cl, String engine) {
        try {
            Engines.require(engine);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /** Memory sizes: 65536, 64K, 256M, 1G; whole 4 KiB pages between 64 KiB and 2 GiB - 4 KiB. */
    static final class Size implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String s) {
            long v = bytes(s);
            if (v < (64 << 10) || v > Integer.MAX_VALUE - PhysicalMemory.PAGE_SIZE || !Pages.aligned((int) v)) {
                throw new CommandLine.TypeConversionException("memory must be whole 4 KiB pages between 64K and 2047M, not '" + s + "'");
            }
            return v;
        }
    }

    /**
     * A size on the command line, in bytes: a number, or one with K, M or G (powers of 1024).
     * The one parser of sizes (--mem, --disk-create); a number too large for a long is refused,
     * never wrapped into range.
     */
    static long bytes(String s) {
        String t = s.trim().toUpperCase(java.util.Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K")) unit = 1L << 10;
        else if (t.endsWith("M")) unit = 1L << 20;
        else if (t.endsWith("G")) unit = 1L << 30;
        if (unit != 1) t = t.substring(0, t.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(t), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("'" + s + "' is not a size (bytes, or a number with K, M or G)");
        }
    }
}

package exo.cli;

import exo.emulator.jit.Engines;
import exo.emulator.machine.Console;
import exo.emulator.machine.Disk;
import exo.emulator.machine.Machine;
import exo.os.BootException;
import exo.os.GuestOs;
import exo.os.KernelOptions;
import exo.os.ProgramImage;
import exo.toolchain.GuestRuntime;
import exo.toolchain.ToolchainException;
import exo.toolchain.exe.Executable;
import exo.toolchain.exe.Loader;
import exo.toolchain.link.LinkOptions;
import exo.trace.TraceFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds and boots a system: programs from files (sources linked with the runtime, or
 * executables as they are), a machine with the chosen engine, a kernel, every program booted as
 * its own environment. Shared by run, debug and bench so they boot identically.
 */
public final class Launch {
    /** A program built from a file: its executable (symbols, lines) and bootable image. */
    public record Program(Path file, Executable executable, ProgramImage image) {}

    /** A booted system. */
    public record Booted(Machine machine, GuestOs os, List<Program> programs) {}

    private Launch() {}

    /**
     * Builds each file into a program; collects every diagnostic of every file before failing.
     * Archives among the files are libraries, not programs: each source or object program is
     * linked with all of them (as {@code cc main.c lib.a} would), and naming only archives is an
     * error that says so.
     */
    public static List<Program> build(List<Path> files, SystemOptions o) throws ToolchainException {
        List<Program> programs = new ArrayList<>();
        List<exo.toolchain.Diagnostic> errors = new ArrayList<>();
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        List<Path> libraries = files.stream().filter(Launch::isArchive).toList();
        List<Path> mains = files.stream().filter(f -> !libraries.contains(f)).toList();
        if (mains.isEmpty()) {
            String name = files.get(0).toString();
            throw new ToolchainException(List.of(exo.toolchain.Diagnostic.error(name,
                    "an archive is a library, not a program: name the program to link it with (exo run main.s " + name + ")")));
        }
        for (Path f : mains) {
            try {
                List<Path> inputs = new ArrayList<>();
                inputs.add(f);
                inputs.addAll(libraries);
                Executable exe = GuestRuntime.build(inputs, o.runtimeList(), LinkOptions.DEFAULT);
                // The same program twice is told apart in output prefixes: hello.s, hello.s#2.
                String name = f.getFileName().toString();
                int n = seen.merge(name, 1, Integer::sum);
                programs.add(new Program(f, exe, Loader.image(n == 1 ? name : name + "#" + n, exe)));
            } catch (ToolchainException e) {
                errors.addAll(e.diagnostics());
            }
        }
        if (!errors.isEmpty()) throw new ToolchainException(errors);
        return programs;
    }

    /** Whether f holds an archive (by its magic number; an unreadable file is left to the build to report). */
    private static boolean isArchive(Path f) {
        try {
            return exo.toolchain.obj.Archive.is(java.nio.file.Files.readAllBytes(f));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * A fresh machine and kernel with the programs booted, each given argv = its name, then args.
     *
     * @throws BootException if a program does not fit the machine
     */
    public static Booted boot(List<Program> programs, List<String> args, SystemOptions o, Console console) {
        return boot(programs, args, o, console, null);
    }

    /** As {@link #boot(List, List, SystemOptions, Console)}, traced into trace unless it is null. */
    public static Booted boot(List<Program> programs, List<String> args, SystemOptions o, Console console, TraceFile trace) {
        return boot(programs, args, o, console, trace, null, exo.os.KernelOptions.DEFAULT_BLOCKS_PER_ENV);
    }

    /**
     * As above, with disk attached to the machine unless it is null (the kernel mounts it), and
     * blockQuota blocks the most one environment may hold.
     *
     * @throws exo.emulator.machine.DiskException if the image's metadata is not valid
     */
    public static Booted boot(List<Program> programs, List<String> args, SystemOptions o, Console console, TraceFile trace, Disk disk, int blockQuota) {
        Machine m = new Machine(o.memory, o.seed, console);
        if (disk != null) m.attachDisk(disk);
        m.setEngine(Engines.create(o.engine));
        KernelOptions ko = KernelOptions.defaults().withSeed(o.seed).withPrefixOutput(programs.size() > 1).withBlockQuota(blockQuota);
        GuestOs os = o.kernel().create(m, ko);
        if (trace != null) TraceOptions.attach(trace, m, os, o.kernel(), TraceOptions.label(o.kernel()));
        for (Program p : programs) {
            List<String> argv = new ArrayList<>();
            argv.add(p.image().name());
            argv.addAll(args);
            os.boot(p.image(), argv);
        }
        return new Booted(m, os, programs);
    }
}

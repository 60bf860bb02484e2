package exo.benchmark;

import exo.emulator.jit.Engines;
import exo.emulator.machine.Console;
import exo.emulator.machine.Disk;
import exo.emulator.machine.Machine;
import exo.kernel.disk.BlockOwners;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The file-system table of {@code exo bench}: the workloads of
 * guest-programs/bench/fs-workloads.inc (small-file create, read and delete, large sequential
 * write and read, random 4 KiB reads), written once against fs.inc's API, run on each file
 * system of {@link #FILE_SYSTEMS} — the same instructions, linked with that file system — each
 * on a new, empty disk image. Guest cycles are the program's rdcycle windows (device latency
 * included), host time the same windows' wall time; both from one bounded run per cell.
 */
public final class FsBench {
    /**
     * A file system the table has a column for: the kernel its program runs on and the runtime
     * list the program (guest-programs/bench/KERNEL/fs.s) is linked with.
     */
    public record FileSystem(String name, KernelKind kernel, String runtimeList) {}

    /** The table's columns, in order; a library file system is one more line here. */
    public static final List<FileSystem> FILE_SYSTEMS = List.of(
            new FileSystem("mono", KernelKind.MONO, "unix.list"),
            new FileSystem("ext", KernelKind.EXO, "runtime.list"),
            new FileSystem("log", KernelKind.EXO, "runtime-lfs.list"));

    /** A row: a workload (the variant of fs.s) and what one operation of it is. */
    public record Workload(String name, int variant, String op) {}

    public static final List<Workload> WORKLOADS = List.of(
            new Workload("create 100 x 1 KiB", 0, "file"),
            new Workload("read 100 x 1 KiB", 1, "file"),
            new Workload("delete 100 x 1 KiB", 2, "file"),
            new Workload("write 4 MiB seq", 3, "4 KiB"),
            new Workload("read 4 MiB seq", 4, "4 KiB"),
            new Workload("read 4 KiB random", 5, "read"));

    /** Operations one iteration of each workload reports (checked against the program's count). */
    static long opsPerIteration(Workload w) {
        return switch (w.variant()) {
            case 0, 1, 2 -> 100;
            case 3, 4 -> 1024;
            default -> 256;
        };
    }

    /** Iterations of each cell: a full run, and --quick. */
    public static final int ITERATIONS = 3, QUICK_ITERATIONS = 1;
    /** Every image: 16 MiB, room for the 4 MiB file and its metadata under any of the file systems. */
    static final long IMAGE_BYTES = 16L << 20;

    private final String engine;
    private final Map<String, ProgramImage> images = new HashMap<>();

    public FsBench(String engine) {
        this.engine = Engines.require(engine);
    }

    /**
     * One cell: workload w on file system fs for iterations, on a new image removed afterwards.
     *
     * @throws IllegalStateException if the program fails or miscounts: a bug in Exo
     */
    public GuestBench.Measurement run(FileSystem fs, Workload w, int iterations) throws ToolchainException {
        ProgramImage image = image(fs);
        Path file = tempImage();
        try (Disk disk = Disk.create(file, IMAGE_BYTES)) {
            if (fs.kernel() == KernelKind.EXO) BlockOwners.format(disk, GuestBench.SEED);
            GuestBench.MarkStream out = new GuestBench.MarkStream();
            Machine m = new Machine(GuestBench.MEMORY, GuestBench.SEED, new Console(out, new ByteArrayInputStream(new byte[0])));
            m.attachDisk(disk);
            m.setEngine(Engines.create(engine));
            GuestOs os = fs.kernel().create(m, KernelOptions.defaults().withSeed(GuestBench.SEED));
            os.boot(image, List.of(image.name(), Integer.toString(iterations), Integer.toString(w.variant())));
            RunResult r = os.run(GuestBench.MAX_INSTRUCTIONS);
            return GuestBench.measurement(fs.name() + "/fs variant " + w.variant(), r, out, iterations * opsPerIteration(w));
        } finally {
            delete(file);
        }
    }

    private ProgramImage image(FileSystem fs) throws ToolchainException {
        ProgramImage image = images.get(fs.name());
        if (image == null) {
            GuestRuntime.Library lib = GuestRuntime.load(fs.runtimeList());
            var exe = Toolchain.buildExecutable(List.of(Toolchain.Input.resource(GuestBench.resource(fs.kernel(), "fs"))), lib.objects(),
                    List.of(lib.members()), LinkOptions.DEFAULT);
            image = Loader.image("fs.s", exe);
            images.put(fs.name(), image);
        }
        return image;
    }

    private static Path tempImage() {
        try {
            Path p = Files.createTempFile("exo-bench-fs", ".img");
            Files.delete(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary disk image: " + e.getMessage(), e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // A leftover temporary image costs only space in the temporary directory.
        }
    }
}

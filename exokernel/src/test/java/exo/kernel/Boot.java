package exo.kernel;

import exo.emulator.interp.Interpreter;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.os.KernelOptions;
import exo.os.RunResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A machine and kernel for tests: 4 MiB, interpreter, console captured. */
final class Boot {
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final Machine machine;
    final Kernel kernel;

    Boot() {
        this(KernelOptions.defaults());
    }

    Boot(KernelOptions options) {
        this(options, new Interpreter(), new byte[0]);
    }

    /** A machine running engine whose console input is `input`. */
    Boot(KernelOptions options, exo.emulator.machine.Engine engine, byte[] input) {
        this(options, engine, input, 4 << 20, null);
    }

    /** As above, with memoryBytes of physical memory. */
    Boot(KernelOptions options, exo.emulator.machine.Engine engine, byte[] input, long memoryBytes) {
        this(options, engine, input, memoryBytes, null);
    }

    /** As above, with a disk attached before the kernel mounts it (null: none). */
    Boot(KernelOptions options, exo.emulator.machine.Engine engine, byte[] input, exo.emulator.machine.Disk disk) {
        this(options, engine, input, 4 << 20, disk);
    }

    private Boot(KernelOptions options, exo.emulator.machine.Engine engine, byte[] input, long memoryBytes, exo.emulator.machine.Disk disk) {
        machine = new Machine(memoryBytes, 7, new Console(console, new java.io.ByteArrayInputStream(input)));
        machine.setEngine(engine);
        if (disk != null) machine.attachDisk(disk);
        kernel = new Kernel(machine, options);
    }

    int boot(Guest g, String... args) {
        return kernel.boot(g.image(), List.of(args));
    }

    RunResult run() {
        return kernel.run(5_000_000);
    }

    String console() {
        return console.toString(StandardCharsets.UTF_8);
    }
}

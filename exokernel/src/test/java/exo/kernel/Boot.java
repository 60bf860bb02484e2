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
        this(options, engine, input, 4 << 20);
    }

    /** As above, with memoryBytes of physical memory. */
    Boot(KernelOptions options, exo.emulator.machine.Engine engine, byte[] input, long memoryBytes) {
        machine = new Machine(memoryBytes, 7, new Console(console, new java.io.ByteArrayInputStream(input)));
        machine.setEngine(engine);
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

package exo.system;

import exo.baseline.MonoKernel;
import exo.emulator.machine.Machine;
import exo.kernel.Kernel;
import exo.os.GuestOs;
import exo.os.KernelOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The kernels a program can run on, by the name the command line, the benchmarks and the
 * benchmark programs' folders (guest-programs/bench/NAME/) use: parsed here and nowhere else.
 */
public enum KernelKind {
    /** The exokernel. */
    EXO("exo", Kernel::new),
    /** The monolithic baseline. */
    MONO("mono", MonoKernel::new);

    /** The kernel a program runs on unless told otherwise. */
    public static final KernelKind DEFAULT = EXO;

    /** The name users type: {@code exo}, {@code mono}. */
    public final String id;
    private final BiFunction<Machine, KernelOptions, GuestOs> factory;

    KernelKind(String id, BiFunction<Machine, KernelOptions, GuestOs> factory) {
        this.id = id;
        this.factory = factory;
    }

    /** Every name, in declaration order. */
    public static List<String> names() {
        List<String> l = new ArrayList<>();
        for (KernelKind k : values()) l.add(k.id);
        return l;
    }

    /**
     * The kernel called name.
     *
     * @throws IllegalArgumentException naming the choices, if no kernel is called that
     */
    public static KernelKind parse(String name) {
        for (KernelKind k : values()) if (k.id.equals(name)) return k;
        throw new IllegalArgumentException("unknown kernel '" + name + "'; choose one of " + String.join(", ", names()));
    }

    /** A new kernel of this kind on machine (it becomes the machine's trap handler). */
    public GuestOs create(Machine machine, KernelOptions options) {
        return factory.apply(machine, options);
    }

    @Override
    public String toString() {
        return id;
    }
}

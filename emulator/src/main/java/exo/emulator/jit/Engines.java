package exo.emulator.jit;

import exo.emulator.interp.Interpreter;
import exo.emulator.machine.Engine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The execution engines by name: the one place engine names are parsed and checked, for
 * {@code exo run --engine}, {@code exo bench}, the benchmark runner and the tests.
 */
public final class Engines {
    private static final Map<String, Supplier<Engine>> BY_NAME = new LinkedHashMap<>();
    static {
        BY_NAME.put("jit", Jit::new);
        BY_NAME.put("interp", Interpreter::new);
    }

    /** Accepted names, the default first. */
    public static final List<String> NAMES = List.copyOf(BY_NAME.keySet());

    private Engines() {}

    /**
     * name, if an engine has it.
     *
     * @throws IllegalArgumentException for any other name, with a message listing the choices
     */
    public static String require(String name) {
        if (!BY_NAME.containsKey(name)) throw new IllegalArgumentException("unknown engine '" + name + "'; choose one of " + String.join(", ", NAMES));
        return name;
    }

    /**
     * A fresh engine called name ({@code "jit"} or {@code "interp"}).
     *
     * @throws IllegalArgumentException for any other name, with a message listing the choices
     */
    public static Engine create(String name) {
        return BY_NAME.get(require(name)).get();
    }
}

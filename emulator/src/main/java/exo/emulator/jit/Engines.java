package exo.emulator.jit;

import exo.emulator.interp.Interpreter;
import exo.emulator.machine.Engine;
import java.util.List;

/** The execution engines by name, for {@code exo run --engine}. */
public final class Engines {
    /** Accepted names, the default first. */
    public static final List<String> NAMES = List.of("jit", "interp");

    private Engines() {}

    /**
     * A fresh engine called name ({@code "jit"} or {@code "interp"}).
     *
     * @throws IllegalArgumentException for any other name, with a message listing the choices
     */
    public static Engine create(String name) {
        switch (name) {
            case "jit": return new Jit();
            case "interp": return new Interpreter();
            default: throw new IllegalArgumentException("unknown engine '" + name + "'; choose one of " + String.join(", ", NAMES));
        }
    }
}

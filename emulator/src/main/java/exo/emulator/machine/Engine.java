package exo.emulator.machine;

/** An execution engine: the interpreter or the JIT. Both give identical architectural results. */
public interface Engine {
    /**
     * Runs the machine until it halts, a stop is requested, or {@code budget} more instructions
     * have retired. Timer interrupts and traps are delivered on the way.
     */
    StopReason run(Machine machine, long budget);

    String name();
}

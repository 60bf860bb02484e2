package exo.emulator.machine;

/**
 * An execution engine: the interpreter or the JIT. Both give identical architectural results.
 * An engine only executes instructions; the machine's event loop ({@link Machine#run}) decides
 * how many, delivers interrupts at their cycle and delivers every trap to the kernel.
 */
public interface Engine {
    /**
     * Executes up to n instructions, none of them at an event (the caller guarantees no timer
     * deadline and no budget end falls inside). An instruction that faults does not retire:
     * the engine records the trap with {@link Machine#raise}, leaving the CPU exactly as before
     * that instruction (counters included), and returns at once. While {@link Machine#run} is
     * running with breakpoints set, it asks {@link Machine#stopBefore} before each instruction
     * that could be one and returns at once if told to stop.
     */
    void runChunk(Machine machine, int n);

    String name();

    /**
     * Called when {@link Machine#setBreakpoints} changes the set, so the engine can drop
     * anything (translated code, cached block lengths) that would run past a new breakpoint.
     */
    default void breakpointsChanged(Machine machine) {}
}

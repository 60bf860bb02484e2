package exo.emulator.machine;

/** Why {@link Machine#run} returned. */
public enum StopReason {
    /** The kernel halted the machine (every environment has exited, or it panicked). */
    HALTED,
    /** The instruction budget given to run was used up. */
    BUDGET,
    /** {@link Machine#requestStop} was called, or a trap observer asked to stop. */
    STOPPED,
    /** The engine reached a PC in {@link Machine#setBreakpoints}'s set; nothing at it has run. */
    BREAKPOINT
}

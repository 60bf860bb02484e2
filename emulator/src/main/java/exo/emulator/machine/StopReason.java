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
    BREAKPOINT,
    /**
     * The instruction at the PC loads or stores in a page of {@link Machine#setWatchedPages}'s
     * set; it has not run (it stopped where it would have faulted, with nothing changed).
     */
    WATCHED
}

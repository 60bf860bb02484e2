package exo.emulator.machine;

/**
 * The kernel's single entry point. The machine calls it after recording EPC, CAUSE and (for
 * address causes) BADVADDR; no architectural effect of the faulting instruction is visible.
 * When it returns, execution continues at whatever PC the handler left in {@link Cpu#pc}; a
 * handler that wants the machine to stop calls {@link Machine#halt}.
 */
@FunctionalInterface
public interface TrapHandler {
    void trap(Machine machine, Cause cause);
}

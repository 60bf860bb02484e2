package exo.emulator.machine;

/**
 * The kernel's single entry point. The machine calls it from one place, {@link Machine#run}'s
 * event loop, after recording EPC, CAUSE and (for address causes) BADVADDR in the control
 * registers; no architectural effect of the faulting instruction is visible. The trap arrives
 * as arguments: the cause, the EPC (the faulting instruction, or the next one for an
 * interrupt) and BADVADDR (the faulting address for causes whose {@link Cause#setsBadVaddr}
 * is true, else 0). When it returns, execution continues at whatever PC the handler left in
 * {@link Cpu#pc}; a handler that wants the machine to stop calls {@link Machine#halt}.
 */
@FunctionalInterface
public interface TrapHandler {
    void trap(Machine machine, Cause cause, int epc, int badVaddr);
}

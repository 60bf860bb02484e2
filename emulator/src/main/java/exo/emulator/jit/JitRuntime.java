package exo.emulator.jit;

import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Machine;

/** Out-of-line helpers that generated code calls on its cold paths. */
public final class JitRuntime {
    private JitRuntime() {}

    /**
     * Commits the instructions retired before the faulting one, then raises the trap: the same
     * order as the interpreter, so the kernel sees identical counters.
     */
    public static void trap(Machine m, int retired, int causeCode, int epc, int badVaddr) {
        Cpu cpu = m.cpu;
        cpu.instret += retired;
        cpu.cycles += retired;
        Cause cause = Cause.ofCode(causeCode);
        if (cause == null) throw new IllegalStateException("translated code raised unknown cause code " + causeCode);
        m.raise(cause, epc, badVaddr);
    }
}

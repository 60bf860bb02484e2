package exo.emulator.machine;

/**
 * Architectural CPU state: 32 general registers, the PC, the control registers and the
 * counters. Fields are public because the interpreter and the JIT read and write them on every
 * instruction; everything else should go through {@link Machine}.
 *
 * <p>{@code regs[0]} is always zero: engines never write it (they discard results for rd = 0).
 */
public final class Cpu {
    public final int[] regs = new int[32];
    public int pc;

    /** Address of the faulting instruction, or of the next instruction for an interrupt. */
    public int epc;
    /** {@link Cause#code} of the last exception. */
    public int cause;
    /** The faulting virtual address, for causes whose {@link Cause#setsBadVaddr} is true. */
    public int badVaddr;
    /** Cycles elapsed: one per retired instruction plus whatever the kernel charges. */
    public long cycles;
    /** Instructions retired. A faulting instruction does not retire. */
    public long instret;
    /** The timer interrupt is raised before the first instruction at which cycles >= this. */
    public long timerCompare = Long.MAX_VALUE;

    public void disarmTimer() {
        timerCompare = Long.MAX_VALUE;
    }

    public boolean timerArmed() {
        return timerCompare != Long.MAX_VALUE;
    }
}

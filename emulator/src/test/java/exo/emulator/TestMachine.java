package exo.emulator;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Console;
import exo.emulator.machine.Engine;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Mmu;
import exo.emulator.machine.Tlb;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A machine for tests, with a stand-in kernel: TLB misses below {@link #MAPPED_LIMIT} are
 * refilled with an identity mapping (read/write/execute), every other exception is recorded in
 * {@link #traps} and, unless {@link #resume} says otherwise, halts the machine. With
 * {@link #timerPeriod} set, timer interrupts are recorded, re-armed and resumed at EPC instead.
 * Programs are words assembled with {@link Opcode#encode}, loaded at {@link #CODE}.
 */
public final class TestMachine {
    public static final int CODE = 0x1000;
    public static final int DATA = 0x8000;
    public static final int MAPPED_LIMIT = 0x100000;
    public static final int MEMORY = 1 << 20;

    /** Temporaries t0..t9 and saved s0..s7, for readable test programs. */
    public static final int ZERO = Register.ZERO, RA = Register.RA;
    public static final int T0 = Register.T0, T1 = T0 + 1, T2 = T0 + 2, T3 = T0 + 3, T4 = T0 + 4, T5 = T0 + 5;
    public static final int S0 = Register.S0, S1 = S0 + 1;

    /** An exception the stand-in kernel saw: cause, EPC, BADVADDR at that moment. */
    public record Trap(Cause cause, int epc, int badVaddr) {}

    /** Architectural state at one moment: what a faulting instruction must leave untouched. */
    public record State(int[] regs, int pc, long cycles, long instret, byte[] memory) {
        @Override
        public boolean equals(Object o) {
            return o instanceof State s && Arrays.equals(regs, s.regs) && pc == s.pc && cycles == s.cycles
                    && instret == s.instret && Arrays.equals(memory, s.memory);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(regs) ^ Long.hashCode(cycles) ^ Arrays.hashCode(memory);
        }

        @Override
        public String toString() {
            return "State[pc=0x" + Integer.toHexString(pc) + ", cycles=" + cycles + ", instret=" + instret
                    + ", regs=" + Arrays.toString(regs) + "]";
        }
    }

    public final Machine machine;
    public final ByteArrayOutputStream out = new ByteArrayOutputStream();
    public final List<Trap> traps = new ArrayList<>();
    /** TLB misses the stand-in kernel refilled. */
    public int refills;
    /** When true, a non-miss trap resumes at EPC + 4 instead of halting. */
    public boolean resume;
    /** When positive, a timer interrupt is recorded, re-armed this many cycles later and resumed. */
    public long timerPeriod;
    /** Flags the stand-in kernel gives identity mappings. */
    public int mapFlags = Tlb.VALID | Tlb.WRITABLE | Tlb.EXECUTABLE;

    public TestMachine() {
        this(new Interpreter());
    }

    public TestMachine(Engine engine) {
        this(engine, 42);
    }

    public TestMachine(Engine engine, long seed) {
        machine = new Machine(MEMORY, seed, Console.capturing(out));
        machine.setEngine(engine);
        machine.setTrapHandler((m, cause, epc, bad) -> {
            boolean miss = cause == Cause.TLB_MISS_LOAD || cause == Cause.TLB_MISS_STORE || cause == Cause.TLB_MISS_FETCH;
            if (miss && Integer.compareUnsigned(bad, MAPPED_LIMIT) < 0) {
                m.tlb.writeReplacing(bad >>> 12, m.mmu.asid(), bad >>> 12, mapFlags);
                refills++;
                return;
            }
            traps.add(new Trap(cause, epc, bad));
            if (cause == Cause.TIMER && timerPeriod > 0) {
                m.cpu.timerCompare = m.cpu.cycles + timerPeriod;
            } else if (resume) {
                m.cpu.pc = epc + 4;
            } else {
                m.halt();
            }
        });
        machine.cpu.pc = CODE;
    }

    /** Writes instruction words at CODE onward. */
    public TestMachine load(int... words) {
        return loadAt(CODE, words);
    }

    /** Writes words at physical address pa onward. */
    public TestMachine loadAt(int pa, int... words) {
        for (int i = 0; i < words.length; i++) machine.memory.writeWord(pa + 4 * i, words[i]);
        return this;
    }

    /** Runs to a halt (the first unhandled trap) or at most budget instructions. */
    public TestMachine run(long budget) {
        machine.run(budget);
        return this;
    }

    public TestMachine run() {
        return run(1_000_000);
    }

    public int reg(int r) {
        return machine.cpu.regs[r];
    }

    public TestMachine set(int r, int v) {
        machine.cpu.regs[r] = v;
        return this;
    }

    public int word(int pa) {
        return machine.memory.readWord(pa);
    }

    /** The only trap recorded; fails if there is not exactly one. */
    public Trap onlyTrap() {
        if (traps.size() != 1) throw new AssertionError("expected exactly one trap, got " + traps);
        return traps.get(0);
    }

    public State state() {
        return new State(machine.cpu.regs.clone(), machine.cpu.pc, machine.cpu.cycles, machine.cpu.instret,
                machine.memory.toArray());
    }

    /** The break instruction, the conventional end of a test program. */
    public static int brk() {
        return Opcode.BREAK.encode(0);
    }

    /** A no-op: {@code addi zero, zero, 0}. */
    public static int nop() {
        return Opcode.ADDI.encode(0, 0, 0);
    }

    /** A translation's result as the physical address, or the fault's cause code negated. */
    public static int outcome(Machine m, int pa) {
        return pa == Mmu.FAULT ? -m.mmu.fault.code : pa;
    }
}

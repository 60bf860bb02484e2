package exo.emulator;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Console;
import exo.emulator.machine.Engine;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Tlb;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A machine for tests, with a stand-in kernel: TLB misses below {@link #MAPPED_LIMIT} are
 * refilled with an identity mapping (read/write/execute), every other exception is recorded in
 * {@link #traps} and, unless {@link #resume} says otherwise, halts the machine. Programs are
 * words assembled with {@link Opcode#encode}, loaded at {@link #CODE}.
 */
public final class TestMachine {
    public static final int CODE = 0x1000;
    public static final int DATA = 0x8000;
    public static final int MAPPED_LIMIT = 0x40000;

    /** An exception the stand-in kernel saw: cause, EPC, BADVADDR at that moment. */
    public record Trap(Cause cause, int epc, int badVaddr) {}

    public final Machine machine;
    public final ByteArrayOutputStream out = new ByteArrayOutputStream();
    public final List<Trap> traps = new ArrayList<>();
    /** When true, a non-miss trap resumes at EPC + 4 instead of halting. */
    public boolean resume;
    /** Flags the stand-in kernel gives identity mappings. */
    public int mapFlags = Tlb.VALID | Tlb.WRITABLE | Tlb.EXECUTABLE;

    public TestMachine() {
        this(new Interpreter());
    }

    public TestMachine(Engine engine) {
        machine = new Machine(1 << 20, 42, Console.capturing(out));
        machine.setEngine(engine);
        machine.setTrapHandler((m, cause) -> {
            int bad = m.cpu.badVaddr;
            boolean miss = cause == Cause.TLB_MISS_LOAD || cause == Cause.TLB_MISS_STORE || cause == Cause.TLB_MISS_FETCH;
            if (miss && Integer.compareUnsigned(bad, MAPPED_LIMIT) < 0) {
                m.tlb.writeReplacing(bad >>> 12, m.mmu.asid(), bad >>> 12, mapFlags);
                return;
            }
            traps.add(new Trap(cause, m.cpu.epc, m.cpu.badVaddr));
            if (resume) m.cpu.pc = m.cpu.epc + 4;
            else m.halt();
        });
        machine.cpu.pc = CODE;
    }

    /** Writes instruction words at CODE onward. */
    public TestMachine load(int... words) {
        for (int i = 0; i < words.length; i++) machine.memory.writeWord(CODE + 4 * i, words[i]);
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

    /** The break instruction, the conventional end of a test program. */
    public static int brk() {
        return Opcode.BREAK.encode(0);
    }
}

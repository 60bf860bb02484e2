package exo.emulator.machine;

import static exo.emulator.TestMachine.DATA;
import static exo.emulator.TestMachine.T0;
import static exo.emulator.TestMachine.T1;
import static exo.emulator.TestMachine.T2;
import static exo.emulator.TestMachine.T3;
import static exo.emulator.TestMachine.ZERO;
import static exo.emulator.TestMachine.brk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.interp.Interpreter;
import exo.emulator.jit.Jit;
import exo.emulator.jit.JitOptions;
import exo.emulator.isa.Opcode;
import org.junit.jupiter.api.Test;

/** Same program, inputs and seed: same cycles, memory, registers, TLB and trap sequence. */
class DeterminismTest {
    /**
     * Hashes over 240 data pages (more than the TLB holds, so refills evict by the seeded
     * generator) mixing loads, stores and arithmetic, under a periodic timer.
     */
    private static TestMachine run(long seed) {
        return run(new Interpreter(), seed);
    }

    private static TestMachine run(Engine engine, long seed) {
        TestMachine t = new TestMachine(engine, seed);
        t.timerPeriod = 997;
        t.machine.cpu.timerCompare = 997;
        t.load(
                Opcode.ADDI.encode(T0, ZERO, 0),              // t0 = i
                Opcode.LUI.encode(T2, 0x9E37),
                Opcode.ORI.encode(T2, T2, 0x79B1),            // t2 = a multiplicative hash constant
                Opcode.MUL.encode(T1, T0, T2),                // loop (3): t1 = hash(i) ...
                Opcode.SRLI.encode(T1, T1, 12),
                Opcode.LUI.encode(T3, 0xE),
                Opcode.ORI.encode(T3, T3, 0xFFFC),
                Opcode.AND.encode(T1, T1, T3),
                Opcode.LUI.encode(T3, 1),
                Opcode.ADD.encode(T1, T1, T3),                // ... a word in 0x10000..0xFFFFC
                Opcode.LW.encode(T3, 0, T1),
                Opcode.ADD.encode(T3, T3, T0),
                Opcode.SW.encode(T3, 0, T1),
                Opcode.ADDI.encode(T0, T0, 1),
                Opcode.SLTI.encode(T3, T0, 30000),
                Opcode.BNE.encode(T3, ZERO, (3 - 15) * 4),
                brk());
        t.machine.memory.writeWord(DATA, 1);
        t.run(10_000_000);
        return t;
    }

    @Test
    void twoRunsAreIdentical() {
        TestMachine a = run(42), b = run(42);
        assertEquals(Cause.BREAK, a.traps.get(a.traps.size() - 1).cause(), "the program ran to its end");
        assertTrue(a.refills > 64, "the TLB was overcommitted: " + a.refills + " refills");
        assertTrue(a.traps.size() > 10, "timer interrupts happened");
        assertEquals(a.machine.cpu.cycles, b.machine.cpu.cycles);
        assertEquals(a.machine.cpu.instret, b.machine.cpu.instret);
        assertEquals(a.traps, b.traps);
        assertEquals(a.refills, b.refills);
        assertArrayEquals(a.machine.cpu.regs, b.machine.cpu.regs);
        assertArrayEquals(a.machine.memory.toArray(), b.machine.memory.toArray());
        for (int i = 0; i < Tlb.SIZE; i++) {
            assertEquals(a.machine.tlb.vpn(i), b.machine.tlb.vpn(i));
            assertEquals(a.machine.tlb.flags(i), b.machine.tlb.flags(i));
        }
    }

    /** The JIT, translating after one execution, gives the interpreter's every architectural result. */
    @Test
    void theJitAgreesWithTheInterpreter() {
        TestMachine a = run(42), j = run(new Jit(JitOptions.DEFAULT.withThreshold(1)), 42);
        assertEquals(a.machine.cpu.cycles, j.machine.cpu.cycles);
        assertEquals(a.machine.cpu.instret, j.machine.cpu.instret);
        assertEquals(a.traps, j.traps);
        assertArrayEquals(a.machine.cpu.regs, j.machine.cpu.regs);
        assertArrayEquals(a.machine.memory.toArray(), j.machine.memory.toArray());
    }

    @Test
    void anotherSeedChangesTheTlbButNotTheResult() {
        TestMachine a = run(42), c = run(1234);
        assertArrayEquals(a.machine.cpu.regs, c.machine.cpu.regs);
        assertArrayEquals(a.machine.memory.toArray(), c.machine.memory.toArray());
        assertEquals(a.machine.cpu.instret, c.machine.cpu.instret);
        boolean same = true;
        for (int i = 0; i < Tlb.SIZE; i++) same &= a.machine.tlb.vpn(i) == c.machine.tlb.vpn(i);
        assertNotEquals(true, same, "replacement follows the seed");
    }
}

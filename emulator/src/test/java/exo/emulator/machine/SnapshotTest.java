package exo.emulator.machine;

import static exo.emulator.TestMachine.T0;
import static exo.emulator.TestMachine.T1;
import static exo.emulator.TestMachine.T2;
import static exo.emulator.TestMachine.T3;
import static exo.emulator.TestMachine.ZERO;
import static exo.emulator.TestMachine.brk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Jit;
import exo.emulator.jit.JitOptions;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Machine snapshots (the monitor's reverse execution): restoring one and running on gives, bit
 * for bit, what running on from that point gave the first time, under both engines, with the TLB
 * overcommitted and a periodic timer; unchanged pages are shared, and code that changed since is
 * not run stale from the JIT's translations.
 */
class SnapshotTest {
    /** DeterminismTest's program: hashed loads and stores over 240 pages, more than the TLB maps. */
    private static TestMachine machine(Engine engine) {
        TestMachine t = new TestMachine(engine, 42);
        t.timerPeriod = 997;
        t.machine.cpu.timerCompare = 997;
        t.load(
                Opcode.ADDI.encode(T0, ZERO, 0),
                Opcode.LUI.encode(T2, 0x9E37),
                Opcode.ORI.encode(T2, T2, 0x79B1),
                Opcode.MUL.encode(T1, T0, T2),
                Opcode.SRLI.encode(T1, T1, 12),
                Opcode.LUI.encode(T3, 0xE),
                Opcode.ORI.encode(T3, T3, 0xFFFC),
                Opcode.AND.encode(T1, T1, T3),
                Opcode.LUI.encode(T3, 1),
                Opcode.ADD.encode(T1, T1, T3),
                Opcode.LW.encode(T3, 0, T1),
                Opcode.ADD.encode(T3, T3, T0),
                Opcode.SW.encode(T3, 0, T1),
                Opcode.ADDI.encode(T0, T0, 1),
                Opcode.SLTI.encode(T3, T0, 30000),
                Opcode.BNE.encode(T3, ZERO, (3 - 15) * 4),
                brk());
        return t;
    }

    /** Everything architectural: registers, counters, control registers, trap counts, TLB, memory. */
    private record Whole(int[] regs, int pc, long cycles, long instret, long timer, long[] traps, int[] tlb, int asid, byte[] memory) {
        static Whole of(Machine m) {
            int[] tlb = new int[Tlb.SIZE * 4];
            for (int i = 0; i < Tlb.SIZE; i++) {
                tlb[4 * i] = m.tlb.vpn(i);
                tlb[4 * i + 1] = m.tlb.asid(i);
                tlb[4 * i + 2] = m.tlb.pfn(i);
                tlb[4 * i + 3] = m.tlb.flags(i);
            }
            Cpu c = m.cpu;
            return new Whole(c.regs.clone(), c.pc, c.cycles, c.instret, c.timerCompare, m.trapCounts.clone(), tlb, m.mmu.asid(),
                    m.memory.toArray());
        }

        void assertSame(Whole o) {
            assertArrayEquals(regs, o.regs);
            assertEquals(pc, o.pc);
            assertEquals(cycles, o.cycles);
            assertEquals(instret, o.instret);
            assertEquals(timer, o.timer);
            assertArrayEquals(traps, o.traps);
            assertArrayEquals(tlb, o.tlb);
            assertEquals(asid, o.asid);
            assertArrayEquals(memory, o.memory);
        }
    }

    private static void roundTrip(Supplier<Engine> engine) {
        TestMachine t = machine(engine.get());
        Machine m = t.machine;
        t.run(100_000);
        Machine.Snapshot early = m.snapshot(null);
        Whole atEarly = Whole.of(m);
        t.run(100_000);
        Machine.Snapshot late = m.snapshot(early);
        Whole atLate = Whole.of(m);
        t.run(10_000_000);
        Whole end = Whole.of(m);
        assertTrue(m.trapCounts[Cause.TIMER.code] > 10 && m.trapCounts[Cause.TLB_MISS_STORE.code] + m.trapCounts[Cause.TLB_MISS_LOAD.code] > 64,
                "timer ticks and TLB refills happened");

        m.restore(early);
        Whole.of(m).assertSame(atEarly);
        t.run(100_000);
        Whole.of(m).assertSame(atLate);
        t.run(10_000_000);
        Whole.of(m).assertSame(end);

        m.restore(late);
        Whole.of(m).assertSame(atLate);
        t.run(10_000_000);
        Whole.of(m).assertSame(end);
    }

    @Test
    void restoringAndRunningOnIsBitIdenticalUnderTheInterpreter() {
        roundTrip(Interpreter::new);
    }

    @Test
    void restoringAndRunningOnIsBitIdenticalUnderTheJit() {
        roundTrip(() -> new Jit(JitOptions.DEFAULT.withThreshold(1)));
    }

    /**
     * Each snapshot after the first compares only the pages written since the one before (by
     * the engine's stores, through host-cache lines or not, and by the kernel's own writes:
     * copies, page clearing); restoring any of them, in any order, is exact, and so is running
     * on from one.
     */
    private static void chainRoundTrip(Supplier<Engine> engine) {
        TestMachine t = machine(engine.get());
        Machine m = t.machine;
        java.util.List<Machine.Snapshot> snaps = new java.util.ArrayList<>();
        java.util.List<Whole> wholes = new java.util.ArrayList<>();
        Machine.Snapshot previous = null;
        byte[] dma = new byte[6000];
        java.util.Arrays.fill(dma, (byte) 0x5A);
        for (int i = 0; i < 6; i++) {
            t.run(37_000);
            if (i == 2) m.memory.write(0x20F00, dma, 0, dma.length); // a kernel copy across two fresh pages
            if (i == 3) m.memory.clearPage(0x9);                      // a kernel clearing a page the program writes
            if (i == 4) m.memory.writeWord(0x30000, 7);               // a kernel word in a page of its own
            previous = m.snapshot(previous);
            snaps.add(previous);
            wholes.add(Whole.of(m));
        }
        for (int i : new int[] {5, 0, 3, 1, 4, 2, 2, 5}) {
            m.restore(snaps.get(i));
            Whole.of(m).assertSame(wholes.get(i));
        }
        m.restore(snaps.get(0));
        t.run(37_000);
        Whole.of(m).assertSame(wholes.get(1));
        Machine.Snapshot again = m.snapshot(snaps.get(1)); // not the image last taken or restored: compared page by page
        m.restore(snaps.get(4));
        m.restore(again);
        Whole.of(m).assertSame(wholes.get(1));
    }

    @Test
    void aChainOfSnapshotsRestoresExactlyUnderTheInterpreter() {
        chainRoundTrip(Interpreter::new);
    }

    @Test
    void aChainOfSnapshotsRestoresExactlyUnderTheJit() {
        chainRoundTrip(() -> new Jit(JitOptions.DEFAULT.withThreshold(1)));
    }

    @Test
    void unchangedPagesAreSharedWithTheSnapshotBefore() {
        TestMachine t = machine(new Interpreter());
        t.run(50_000);
        Machine.Snapshot a = t.machine.snapshot(null);
        assertTrue(a.memory().copiedPages() > 100, "many pages written: " + a.memory().copiedPages());
        assertEquals(t.machine.memory.materialisedPages(), a.memory().copiedPages(), "the first copies every page written");
        Machine.Snapshot b = t.machine.snapshot(a);
        assertEquals(0, b.memory().copiedPages(), "nothing changed");
        t.machine.memory.writeWord(0x8000, 7);
        Machine.Snapshot c = t.machine.snapshot(b);
        assertEquals(1, c.memory().copiedPages(), "one page changed");
        assertEquals(t.machine.memory.materialisedPages(), countHeld(c.memory().heldPages()));
    }

    private static int countHeld(byte[][] pages) {
        int n = 0;
        for (byte[] p : pages) if (p != null) n++;
        return n;
    }

    /** Code written after a snapshot was translated; restoring the old code must run the old code. */
    @Test
    void restoredCodeIsNotRunFromStaleTranslations() {
        TestMachine t = new TestMachine(new Jit(JitOptions.DEFAULT.withThreshold(1)), 42);
        int loop = TestMachine.CODE + 4;
        t.load(Opcode.ADDI.encode(T0, ZERO, 0),
                Opcode.ADDI.encode(T0, T0, 1),                // loop: t0 += 1
                Opcode.SLTI.encode(T3, T0, 1000),
                Opcode.BNE.encode(T3, ZERO, -8),
                brk());
        Machine m = t.machine;
        Machine.Snapshot s = m.snapshot(null);
        t.run();
        assertEquals(1000, m.cpu.regs[T0]);
        m.restore(s);
        m.memory.writeWord(loop, Opcode.ADDI.encode(T0, T0, 2)); // t0 += 2: the loop ends at 1000 too
        t.run();
        assertEquals(1000, m.cpu.regs[T0]);
        long twos = m.cpu.instret;
        m.restore(s);
        assertEquals(Opcode.ADDI.encode(T0, T0, 1), m.memory.readWord(loop), "the code as it was");
        t.run();
        assertTrue(m.cpu.instret > twos, "the restored loop counts by ones again: " + m.cpu.instret + " vs " + twos);
    }

    @Test
    void aMachineWithATrapPendingHasNoSnapshot() {
        TestMachine t = machine(new Interpreter());
        t.machine.raise(Cause.BREAK, 0, 0);
        assertThrows(IllegalStateException.class, () -> t.machine.snapshot(null));
        assertFalse(t.machine.isHalted());
    }
}

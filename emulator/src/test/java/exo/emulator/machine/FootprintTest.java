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
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Jit;
import exo.emulator.jit.JitOptions;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What a {@link Footprint} records of a run: every instruction run, every trap's cause and EPC,
 * the pages loaded and stored, and nothing the run provably did not do (under the JIT, words of
 * a fetched page no region or block ran); and that recording changes no architectural effect.
 */
class FootprintTest {
    private static final int LOOP = TestMachine.CODE + 8, BREAK = TestMachine.CODE + 0x24, NEVER = TestMachine.CODE + 0x28;

    /** A loop storing to page 8 and loading from page 9, a jump over a dead word, a break, and a word after it. */
    private static TestMachine program(Engine engine) {
        TestMachine t = new TestMachine(engine, 7);
        t.timerPeriod = 499;
        t.machine.cpu.timerCompare = 499;
        t.load(
                Opcode.ORI.encode(T1, ZERO, TestMachine.DATA),  // 0x00
                Opcode.ADDI.encode(T0, ZERO, 0),                 // 0x04
                Opcode.ADDI.encode(T0, T0, 1),                   // 0x08 loop
                Opcode.SW.encode(T0, 0, T1),                     // 0x0c: page 8
                Opcode.LW.encode(T2, 0x1000, T1),                // 0x10: page 9
                Opcode.SLTI.encode(T3, T0, 3000),                // 0x14
                Opcode.BNE.encode(T3, ZERO, -16),                // 0x18 to loop
                Opcode.JAL.encode(ZERO, 8),                      // 0x1c over the dead word
                Opcode.ADDI.encode(T0, T0, 5),                   // 0x20 dead
                brk(),                                           // 0x24
                Opcode.ADDI.encode(T0, T0, 7));                  // 0x28 after the break: never run
        return t;
    }

    private static Footprint recorded(Engine engine) {
        TestMachine t = program(engine);
        Footprint f = new Footprint();
        t.machine.record(f);
        t.run();
        assertTrue(t.machine.isHalted());
        assertEquals(3000, t.reg(T0));
        return f;
    }

    private static void recordsWhatRan(Footprint f) {
        for (int pc = TestMachine.CODE; pc <= TestMachine.CODE + 0x1c; pc += 4) assertTrue(f.mayReach(pc), Integer.toHexString(pc));
        assertTrue(f.mayReach(BREAK), "the break's EPC");
        assertFalse(f.mayReach(TestMachine.CODE + 0x1000), "a page never fetched");
        assertTrue(f.mayStore(TestMachine.DATA >>> 12));
        assertFalse(f.mayStore((TestMachine.DATA >>> 12) + 1));
        assertTrue(f.mayLoad((TestMachine.DATA >>> 12) + 1));
        assertFalse(f.mayLoad(TestMachine.DATA >>> 12));
        assertTrue(f.mayTrap(Cause.BREAK) && f.mayTrap(Cause.TIMER) && f.mayTrap(Cause.TLB_MISS_STORE));
        assertFalse(f.mayTrap(Cause.DIV_ZERO) || f.mayTrap(Cause.SYSCALL));
        Footprint frozen = f.freeze();
        assertTrue(frozen.mayStore(TestMachine.DATA >>> 12) && !frozen.mayLoad(TestMachine.DATA >>> 12), "the same answers frozen");
    }

    @Test
    void underTheJitOnlyTheWordsRunCount() {
        Footprint f = recorded(new Jit(JitOptions.DEFAULT.withThreshold(1)));
        recordsWhatRan(f);
        assertFalse(f.mayReach(NEVER), "after the break: in no region, in no block");
        assertFalse(f.mayReach(TestMachine.CODE + 0x20), "jumped over, in no region (plain jumps are followed)");
    }

    @Test
    void underTheInterpreterEveryWordOfAFetchedPageCounts() {
        Footprint f = recorded(new Interpreter());
        recordsWhatRan(f);
        assertTrue(f.mayReach(NEVER), "the interpreter says which pages, not which words");
    }

    /** Frozen, the pages become runs of consecutive pages: each page in a run counts, none between or beside. */
    @Test
    void frozenPagesAreRunsThatAnswerAsThePagesDid() {
        Footprint f = new Footprint();
        int[] stored = {0, 3, 4, 5, 9, 0xFFFFF};
        for (int vpn : stored) f.accessed(vpn, Mmu.STORE);
        for (int vpn = 100; vpn < 5000; vpn++) f.accessed(vpn, Mmu.LOAD);
        f.freeze();
        java.util.Set<Integer> set = new java.util.HashSet<>();
        for (int vpn : stored) set.add(vpn);
        for (int vpn : new int[] {0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 0xFFFFE, 0xFFFFF}) assertEquals(set.contains(vpn), f.mayStore(vpn), "page " + vpn);
        assertFalse(f.mayLoad(99) || f.mayLoad(5000) || f.mayLoad(0xFFFFF));
        assertTrue(f.mayLoad(100) && f.mayLoad(2500) && f.mayLoad(4999));
    }

    @Test
    void aFlushedHostCacheSendsEveryPageUsedAfterToTheSlowPath() {
        TestMachine t = program(new Jit(JitOptions.DEFAULT.withThreshold(1)));
        t.run(1000);
        Footprint f = new Footprint();
        t.machine.record(f); // mid-run: the loop's pages are in the host cache already
        t.run(1000);
        assertTrue(f.mayStore(TestMachine.DATA >>> 12) && f.mayLoad((TestMachine.DATA >>> 12) + 1) && f.mayReach(LOOP));
    }

    /** Recording is a layer: the same registers, counters, memory and traps with it as without, under both engines. */
    @Test
    void recordingChangesNothingTheProgramCanSee() {
        java.util.List<Supplier<Engine>> engines = java.util.List.of(Interpreter::new, () -> new Jit(JitOptions.DEFAULT.withThreshold(1)));
        TestMachine.State reference = null;
        java.util.List<TestMachine.Trap> traps = null;
        long[] referenceCounts = null;
        for (Supplier<Engine> e : engines) {
            for (boolean record : new boolean[] {false, true}) {
                TestMachine t = program(e.get());
                if (record) t.machine.record(new Footprint());
                t.run();
                if (reference == null) {
                    reference = t.state();
                    traps = t.traps;
                }
                assertEquals(reference, t.state());
                assertEquals(traps, t.traps);
                assertArrayEquals(referenceCounts == null ? (referenceCounts = t.machine.trapCounts.clone()) : referenceCounts, t.machine.trapCounts);
            }
        }
    }
}

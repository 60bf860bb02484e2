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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Decoder;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Jit;
import exo.emulator.jit.JitOptions;
import exo.emulator.jit.JitStats;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Watched pages (the monitor's watchpoints at engine speed): {@link Machine#run} stops before
 * every load and store in a watched page with the instruction not executed, and nowhere else;
 * stepping the instruction and running on gives, under both engines, exactly the run without
 * watching; accesses to other pages stay on the JIT's translated fast path.
 */
class WatchedPagesTest {
    private static final int WATCHED = DATA + 0x3000;

    /**
     * Walks 16 pages from DATA writing and reading words, under a periodic timer: 12 of every
     * 16 stores land outside the watched page.
     */
    private static TestMachine machine(Engine engine) {
        TestMachine t = new TestMachine(engine, 42);
        t.timerPeriod = 997;
        t.machine.cpu.timerCompare = 997;
        t.load(
                Opcode.ADDI.encode(T0, ZERO, 0),              // t0 = i
                Opcode.SLLI.encode(T1, T0, 8),                // loop (1): t1 = i * 256 mod 64 KiB
                Opcode.ANDI.encode(T1, T1, 0xFFFC),
                Opcode.LUI.encode(T2, 0),
                Opcode.ORI.encode(T2, T2, DATA),
                Opcode.ADD.encode(T1, T1, T2),                // t1 = DATA + offset
                Opcode.LW.encode(T3, 0, T1),
                Opcode.ADD.encode(T3, T3, T0),
                Opcode.SW.encode(T3, 0, T1),
                Opcode.ADDI.encode(T0, T0, 1),
                Opcode.SLTI.encode(T3, T0, 20000),
                Opcode.BNE.encode(T3, ZERO, (1 - 11) * 4),
                brk());
        return t;
    }

    /** Runs to the end, stepping each instruction the machine stops before; counts the stops. */
    private static long runWatching(TestMachine t) {
        Machine m = t.machine;
        m.setWatchedPages(new int[] {WATCHED >>> 12});
        long stops = 0;
        while (!m.isHalted()) {
            StopReason r = m.run(1_000_000);
            if (r != StopReason.WATCHED) {
                assertTrue(r == StopReason.HALTED, "ran to the end: " + r);
                break;
            }
            stops++;
            int w = m.memory.readWord(m.cpu.pc);
            Opcode op = Decoder.decode(w);
            assertTrue(op.format == Format.LD || op.format == Format.ST, "stopped before a load or store: " + op);
            int va = m.cpu.regs[Format.b(w)] + Format.simm16(w);
            assertEquals(WATCHED >>> 12, va >>> 12, "in the watched page");
            long before = m.cpu.instret;
            m.step();
            assertEquals(before + 1, m.cpu.instret, "the stopped instruction had not run");
        }
        return stops;
    }

    private static void sameAsUnwatched(Supplier<Engine> engine) {
        TestMachine plain = machine(engine.get()), watched = machine(engine.get());
        plain.machine.run(100_000_000);
        long stops = runWatching(watched);
        long expected = 0;
        for (int i = 0; i < 20000; i++) if ((((i << 8) & 0xFFFC) + DATA) >>> 12 == WATCHED >>> 12) expected += 2;
        assertEquals(expected, stops, "one stop per load and per store in the watched page");
        assertEquals(plain.machine.cpu.cycles, watched.machine.cpu.cycles);
        assertEquals(plain.machine.cpu.instret, watched.machine.cpu.instret);
        assertArrayEquals(plain.machine.cpu.regs, watched.machine.cpu.regs);
        assertArrayEquals(plain.machine.memory.toArray(), watched.machine.memory.toArray());
        assertArrayEquals(plain.machine.trapCounts, watched.machine.trapCounts);
        assertEquals(plain.traps, watched.traps);
    }

    @Test
    void stoppingBeforeWatchedAccessesChangesNothingUnderTheInterpreter() {
        sameAsUnwatched(Interpreter::new);
    }

    @Test
    void stoppingBeforeWatchedAccessesChangesNothingUnderTheJit() {
        sameAsUnwatched(() -> new Jit(JitOptions.DEFAULT.withThreshold(1)));
    }

    @Test
    void stoppingBeforeWatchedAccessesChangesNothingUnderTheJitWithSiteCaches() {
        sameAsUnwatched(() -> new Jit(JitOptions.DEFAULT.withThreshold(1).withSiteCache(true)));
    }

    /** The loop stays translated: a watched page does not send the JIT back to interpreting everything. */
    @Test
    void accessesToOtherPagesStayTranslated() {
        Jit jit = new Jit(JitOptions.DEFAULT.withThreshold(1));
        TestMachine t = machine(jit);
        runWatching(t);
        JitStats s = jit.stats();
        assertTrue(s.translatedInstructions() > 4 * s.interpretedInstructions(),
                "translated " + s.translatedInstructions() + ", interpreted " + s.interpretedInstructions());
    }

    @Test
    void stepAndUnwatchedRunsNeverStop() {
        TestMachine t = machine(new Jit(JitOptions.DEFAULT.withThreshold(1)));
        t.machine.setWatchedPages(new int[] {0x7FFFF});
        assertEquals(StopReason.HALTED, t.machine.run(100_000_000), "a watched page nothing touches");
        TestMachine s = machine(new Interpreter());
        s.machine.setWatchedPages(new int[] {WATCHED >>> 12});
        while (!s.machine.isHalted()) assertFalse(s.machine.step() == StopReason.WATCHED);
    }
}

package exo.emulator.machine;

import static exo.emulator.TestMachine.CODE;
import static exo.emulator.TestMachine.DATA;
import static exo.emulator.TestMachine.T0;
import static exo.emulator.TestMachine.T1;
import static exo.emulator.TestMachine.T2;
import static exo.emulator.TestMachine.T3;
import static exo.emulator.TestMachine.ZERO;
import static exo.emulator.TestMachine.brk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Jit;
import exo.emulator.jit.JitOptions;
import exo.emulator.jit.JitStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Conditional breakpoints ({@link Machine#setBreakpoints(int[], int[], RegisterCompare[][], Machine.BreakCondition)}):
 * the condition is asked exactly once per arrival at the address, with the registers, PC and
 * counters exactly as the interpreter has them there, under both engines (the JIT asks from
 * inside translated code); {@link Machine#run} stops only where it holds, and a run that stops
 * and resumes ends exactly as a run with no breakpoint.
 */
class ConditionalBreakpointTest {
    /** The word the breakpoint is on: {@code add t3, t3, t0}, in the middle of the loop's one block. */
    private static final int AT = CODE + 7 * 4;
    private static final int ITERATIONS = 20000;

    /** A loop over 16 pages reading and writing words, under a periodic timer (as WatchedPagesTest's). */
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
                Opcode.ADD.encode(T3, T3, T0),                // AT
                Opcode.SW.encode(T3, 0, T1),
                Opcode.ADDI.encode(T0, T0, 1),
                Opcode.SLTI.encode(T3, T0, ITERATIONS),
                Opcode.BNE.encode(T3, ZERO, (1 - 11) * 4),
                brk());
        return t;
    }

    /** What the condition saw at one arrival: the PC, the counters and every register. */
    private record Seen(int pc, long instret, long cycles, List<Integer> regs) {}

    /** Runs to the end with the breakpoint; the condition holds where t0 % 5000 == 4999. Returns what it saw. */
    private static List<Seen> runWithCondition(TestMachine t, List<Long> stops) {
        return runWithCondition(t, stops, null, false);
    }

    /** As above, with comparisons the condition needs, where it also needs them (t0 >= 15000), and asking at every arrival or not. */
    private static List<Seen> runWithCondition(TestMachine t, List<Long> stops, RegisterCompare[][] needs, boolean askEvery) {
        Machine m = t.machine;
        List<Seen> seen = new ArrayList<>();
        m.setAskEveryArrival(askEvery);
        m.setBreakpoints(new int[0], new int[] {AT}, needs, pc -> {
            seen.add(new Seen(pc, m.cpu.instret, m.cpu.cycles, Arrays.stream(m.cpu.regs).boxed().toList()));
            return m.cpu.regs[T0] % 5000 == 4999 && (needs == null || m.cpu.regs[T0] >= 15000);
        });
        while (true) {
            StopReason r = m.run(100_000_000);
            if (r == StopReason.HALTED) return seen;
            assertEquals(StopReason.BREAKPOINT, r);
            assertEquals(AT, m.cpu.pc);
            stops.add(m.cpu.instret);
            m.resumePastBreakpoint();
        }
    }

    private static void sameAsWithout(Supplier<Engine> engine) {
        TestMachine plain = machine(new Interpreter()), interp = machine(new Interpreter()), t = machine(engine.get());
        plain.machine.run(100_000_000);
        List<Long> expectedStops = new ArrayList<>(), stops = new ArrayList<>();
        List<Seen> expected = runWithCondition(interp, expectedStops), seen = runWithCondition(t, stops);
        assertEquals(ITERATIONS, expected.size(), "asked once per arrival");
        for (int i = 0; i < Math.min(expected.size(), seen.size()); i++) {
            assertEquals(expected.get(i), seen.get(i), "arrival " + i);
        }
        assertEquals(expected.size(), seen.size(), "arrivals");
        assertEquals(4, stops.size());
        assertEquals(expectedStops, stops);
        assertEquals(plain.machine.cpu.cycles, t.machine.cpu.cycles);
        assertEquals(plain.machine.cpu.instret, t.machine.cpu.instret);
        assertArrayEquals(plain.machine.cpu.regs, t.machine.cpu.regs);
        assertArrayEquals(plain.machine.memory.toArray(), t.machine.memory.toArray());
        assertEquals(plain.traps, t.traps);
    }

    @Test
    void theConditionSeesTheInterpretersStateUnderTheInterpreter() {
        sameAsWithout(Interpreter::new);
    }

    @Test
    void theConditionSeesTheInterpretersStateInTranslatedCode() {
        sameAsWithout(() -> new Jit(JitOptions.DEFAULT.withThreshold(1)));
    }

    @Test
    void theConditionSeesTheInterpretersStateInTranslatedCodeWithSiteCaches() {
        sameAsWithout(() -> new Jit(JitOptions.DEFAULT.withThreshold(1).withSiteCache(true)));
    }

    /** Registers in the CPU's array rather than in locals, blocks rather than regions, the TLB not inlined. */
    @Test
    void theConditionSeesTheInterpretersStateUnderTheOtherTranslationShapes() {
        sameAsWithout(() -> new Jit(JitOptions.DEFAULT.withThreshold(1).withRegistersInLocals(false)));
        sameAsWithout(() -> new Jit(JitOptions.DEFAULT.withThreshold(1).withRegions(false)));
        sameAsWithout(() -> new Jit(JitOptions.DEFAULT.withThreshold(1).withInlineTlb(false)));
    }

    /**
     * The loop stays translated and is left only where the condition holds: dispatches are far
     * fewer than arrivals (each arrival left translated code when the word was excluded from
     * translation, as an unconditional breakpoint's is).
     */
    @Test
    void theLoopIsLeftOnlyWhereTheConditionHolds() {
        Jit jit = new Jit(JitOptions.DEFAULT.withThreshold(1));
        runWithCondition(machine(jit), new ArrayList<>());
        JitStats s = jit.stats();
        Jit bare = new Jit(JitOptions.DEFAULT.withThreshold(1));
        machine(bare).run(100_000_000);
        JitStats none = bare.stats();
        assertTrue(s.translatedInstructions() > 4 * s.interpretedInstructions(), s.describe());
        // the four stops and their resumptions, besides what the timer costs with no breakpoint
        assertTrue(s.dispatches() <= none.dispatches() + 4 * 4, s.describe() + " against " + none.describe());

        Jit excluded = new Jit(JitOptions.DEFAULT.withThreshold(1));
        TestMachine t = machine(excluded);
        t.machine.setBreakpoints(new int[] {AT});
        while (t.machine.run(100_000_000) == StopReason.BREAKPOINT) t.machine.resumePastBreakpoint();
        assertTrue(excluded.stats().dispatches() > ITERATIONS / 2, excluded.stats().describe()); // a stop at every arrival
    }

    /**
     * With a comparison the condition needs ({@code t0 >= 15000}), translated code asks only
     * where it holds (and the dispatcher, which does not compare, where it enters at the
     * word); the stops and the end are those of the interpreter, and asking at every arrival
     * ({@link Machine#setAskEveryArrival}) brings back every question.
     */
    @Test
    void comparisonsTheConditionNeedsAreMadeInTranslatedCode() {
        RegisterCompare[][] needs = {{new RegisterCompare(T0, RegisterCompare.Relation.GE, 15000)}};
        List<Long> expectedStops = new ArrayList<>();
        List<Seen> all = runWithCondition(machine(new Interpreter()), expectedStops, needs, false);
        Jit jit = new Jit(JitOptions.DEFAULT.withThreshold(1));
        TestMachine t = machine(jit);
        List<Long> stops = new ArrayList<>();
        List<Seen> asked = runWithCondition(t, stops, needs, false);
        assertEquals(1, expectedStops.size());
        assertEquals(expectedStops, stops);
        assertTrue(all.containsAll(asked), "asked only at arrivals");
        assertTrue(asked.containsAll(all.stream().filter(x -> x.regs().get(T0) >= 15000).toList()), "asked wherever t0 >= 15000");
        assertTrue(asked.size() < all.size() / 2, asked.size() + " of " + all.size());
        TestMachine plain = machine(new Interpreter());
        plain.machine.run(100_000_000);
        assertEquals(plain.machine.cpu.cycles, t.machine.cpu.cycles);
        assertArrayEquals(plain.machine.cpu.regs, t.machine.cpu.regs);
        assertArrayEquals(plain.machine.memory.toArray(), t.machine.memory.toArray());

        List<Seen> every = runWithCondition(machine(new Jit(JitOptions.DEFAULT.withThreshold(1))), new ArrayList<>(), needs, true);
        assertEquals(all, every);
        List<Seen> outOfLocals = runWithCondition(machine(new Jit(JitOptions.DEFAULT.withThreshold(1).withRegistersInLocals(false))),
                new ArrayList<>(), needs, false);
        assertTrue(all.containsAll(outOfLocals) && outOfLocals.size() < all.size() / 2, outOfLocals.size() + " of " + all.size());
    }
}

package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Register;
import exo.emulator.jit.Engines;
import exo.emulator.jit.Jit;
import exo.emulator.jit.JitStats;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.monitor.Debugger;
import exo.monitor.ExeDebugInfo;
import exo.monitor.Monitor;
import exo.monitor.OsTarget;
import exo.os.GuestOs;
import exo.os.KernelOptions;
import exo.system.KernelKind;
import exo.toolchain.GuestRuntime;
import exo.toolchain.exe.Executable;
import exo.toolchain.exe.Loader;
import exo.toolchain.link.LinkOptions;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Breakpoints at engine speed (issue 14, defect 3): under the JIT a breakpoint that is not hit
 * leaves hot code translated, and one inside a hot translated loop stops at the exact
 * instruction the interpreter stops at. Sieve's line 33 is the store of its innermost loop;
 * line 49 runs once, at the end.
 */
class FastBreakpointTest {
    /** A sieve of 10^6: loop-heavy (about 10^7 instructions) and quick. */
    private static final List<String> ARGS = List.of("sieve.s", "1000000");
    private static final int T1 = Register.parse("t1");

    /** A monitor session on sieve under the engine; its commands run, its output kept. */
    private static final class Session {
        final Debugger dbg;
        final StringWriter out = new StringWriter();
        private final Monitor monitor;

        Session(String engine) throws Exception {
            Executable exe = GuestRuntime.build(List.of(GuestProgramsTest.PROGRAMS.resolve("sieve.s")), GuestRuntime.DEFAULT_LIST,
                    LinkOptions.DEFAULT);
            ExeDebugInfo info = new ExeDebugInfo(exe);
            dbg = new Debugger((in, o) -> {
                Machine m = new Machine(Machine.DEFAULT_MEMORY, 42, new Console(o, in));
                m.setEngine(Engines.create(engine));
                GuestOs os = KernelKind.EXO.create(m, KernelOptions.defaults().withSeed(42));
                os.boot(Loader.image("sieve.s", exe), ARGS);
                os.run(0);
                return new OsTarget(m, os, info);
            }, InputStream.nullInputStream(), OutputStream.nullOutputStream());
            monitor = new Monitor(dbg, new PrintWriter(out, true));
        }

        String run(String commands) throws Exception {
            int from = out.getBuffer().length();
            monitor.run(Monitor.script(new BufferedReader(new StringReader(commands))));
            return out.getBuffer().substring(from);
        }

        JitStats stats() {
            return ((Jit) dbg.machine().engine()).stats();
        }
    }

    @Test
    void aBreakpointNearTheEndLeavesHotCodeTranslated() throws Exception {
        Session s = new Session("jit");
        String out = s.run("break sieve.s:49\ncontinue\n");
        assertTrue(out.contains("breakpoint 1 at ") && out.contains("sieve.s:49)"), out);
        JitStats st = s.stats();
        long total = st.translatedInstructions() + st.interpretedInstructions();
        assertTrue(total > 5_000_000, st.describe());
        // Falling back to interpreting everything would make this about zero.
        assertTrue(st.translatedInstructions() > 0.9 * total, st.describe());
        assertTrue(s.run("continue\n").contains("primes<=1000000: 78498") || s.dbg.machine().isHalted(), "runs to the end");
    }

    @Test
    void aBreakpointInAHotTranslatedLoopStopsAtTheExactIteration() throws Exception {
        String commands = "break sieve.s:33 if t1 == 600000\ncontinue\n";
        Session jit = new Session("jit");
        String out = jit.run(commands);
        assertTrue(out.contains("breakpoint 1 at ") && out.contains("sieve.s:33)"), out);
        assertTrue(jit.stats().translatedInstructions() > 100_000, jit.stats().describe()); // the loop ran translated
        Session interp = new Session("interp");
        interp.run(commands);
        assertEquals(interp.dbg.position(), jit.dbg.position());
        assertEquals(600000, jit.dbg.machine().cpu.regs[T1]);

        // The same point found with no breakpoint at all, one event at a time.
        Session plain = new Session("jit");
        Machine m = plain.dbg.machine();
        int pc = jit.dbg.machine().cpu.pc;
        while (!(m.cpu.pc == pc && m.cpu.regs[T1] == 600000)) m.step();
        assertEquals(m.cpu.instret, jit.dbg.position());
    }

    @Test
    void conditionalAndTemporaryBreakpointsOnTheFastPath() throws Exception {
        Session s = new Session("jit");
        String out = s.run("break sieve.s:33 if t1 == 999999\ncontinue\ninfo breakpoints\n");
        assertTrue(out.contains("sieve.s:33)"), out);
        assertEquals(999999, s.dbg.machine().cpu.regs[T1]);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("1 ") && l.contains(" 1  ")), out); // one hit counted
        long at = s.dbg.position();
        out = s.run("delete 1\ntbreak sieve.s:33\ncontinue\n");
        assertTrue(out.contains("sieve.s:33)"), out);
        assertTrue(s.dbg.position() > at && s.dbg.points.breakpoints().isEmpty(), out);
        out = s.run("continue\n");
        assertTrue(s.dbg.machine().isHalted(), out); // the temporary breakpoint is gone
    }

    @Test
    void aBreakpointAtTheCurrentPcDoesNotStopAtOnce() throws Exception {
        Session s = new Session("jit");
        String out = s.run("break\nbreak sieve.s:49\ncontinue\n");
        assertTrue(out.contains("breakpoint 2 at ") && out.contains("sieve.s:49)"), out);
        assertTrue(s.dbg.position() > 1_000_000, out);
    }

    /**
     * Watchpoints at engine speed: only loads and stores in a watched page leave the JIT's fast
     * path. A watchpoint on a page sieve never touches leaves the run translated, as a
     * breakpoint does (counted in instructions, not time).
     */
    @Test
    void aWatchpointNeverHitLeavesHotCodeTranslated() throws Exception {
        Session s = new Session("jit");
        String out = s.run("watch 0x30000000\ncontinue\n");
        assertTrue(s.dbg.machine().isHalted(), out);
        JitStats st = s.stats();
        long total = st.translatedInstructions() + st.interpretedInstructions();
        assertTrue(total > 5_000_000, st.describe());
        assertTrue(st.translatedInstructions() > 0.9 * total, st.describe());
    }

    /**
     * A watchpoint on the flags array stops at the exact access the interpreter, which checks
     * every instruction, stops at; the loop around it stays translated, and reads of the page
     * (line 29's lbu) that miss the watched byte do not stop.
     */
    @Test
    void aWatchpointInAHotTranslatedLoopStopsWhereTheInterpreterStops() throws Exception {
        Session probe = new Session("jit");
        probe.run("break sieve.s:25\ncontinue\n");
        int flag = probe.dbg.machine().cpu.regs[exo.emulator.isa.Register.parse("s2")] + 600_000;
        String commands = String.format("watch 0x%x 1\ncontinue\ncontinue\ninfo watchpoints\n", flag);
        Session jit = new Session("jit");
        String out = jit.run(commands);
        assertTrue(out.contains("watchpoint 1: write of 1 byte at 0x" + Integer.toHexString(flag)), out);
        assertTrue(jit.stats().translatedInstructions() > 1_000_000, jit.stats().describe());
        Session interp = new Session("interp");
        assertEquals(interp.run(commands), out);
        assertEquals(interp.dbg.position(), jit.dbg.position());
        assertEquals(interp.dbg.machine().cpu.cycles, jit.dbg.machine().cpu.cycles);
    }

    /**
     * Conditional breakpoints at engine speed: the translation holding the address tests the
     * condition in place and leaves only when it holds. Line 34 runs once per pass of sieve's
     * innermost loop (about 2.5 million times for 10^6); with a condition that never holds the
     * run dispatches about as often as with no breakpoint at all, not once per hit as it did
     * when every hit left translated code (counted in dispatches, not time).
     */
    @Test
    void aConditionThatNeverHoldsIsTestedInsideTranslatedCode() throws Exception {
        Session plain = new Session("jit");
        plain.run("continue\n");
        Session s = new Session("jit");
        String out = s.run("break sieve.s:34 if t1 == 1\ncontinue\ninfo breakpoints\n");
        assertTrue(s.dbg.machine().isHalted(), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("1 ") && l.contains(" 0  ")), out); // no hit counted
        long reached = innerLoopPasses(1_000_000);
        JitStats st = s.stats(), none = plain.stats();
        assertTrue(reached > 2_000_000, "line 34 runs " + reached + " times");
        assertTrue(st.dispatches() < none.dispatches() + reached / 100, st.describe() + " against " + none.describe());
        assertTrue(st.translatedInstructions() > 0.9 * (st.translatedInstructions() + st.interpretedInstructions()), st.describe());
        assertEquals(plain.dbg.machine().cpu.cycles, s.dbg.machine().cpu.cycles);
    }

    /** How many times sieve's line 34 runs for n: once per j = p*p, p*p + p, ... <= n, for each prime p with p*p <= n. */
    private static long innerLoopPasses(int n) {
        boolean[] composite = new boolean[n + 1];
        long passes = 0;
        for (long i = 2; i * i <= n; i++) {
            if (composite[(int) i]) continue;
            for (long j = i * i; j <= n; j += i) {
                composite[(int) j] = true;
                passes++;
            }
        }
        return passes;
    }

    /**
     * 999999 = 3^3 * 7 * 11 * 13 * 37: line 34 sees t1 == 999999 in five passes. Each stop is
     * the one the interpreter engine reaches (which evaluates the condition between
     * instructions), and the one found by stepping the machine with no breakpoint at all; the
     * hit count is five, and the temporary form stops once.
     */
    @Test
    void aConditionalBreakpointInTranslatedCodeStopsWhereTheInterpreterStops() throws Exception {
        Session jit = new Session("jit"), interp = new Session("interp");
        Session plain = new Session("jit");
        Machine m = plain.dbg.machine();
        for (int hit = 1; hit <= 5; hit++) {
            String cmd = hit == 1 ? "break sieve.s:34 if t1 == 999999\ncontinue\n" : "continue\n";
            String j = jit.run(cmd), i = interp.run(cmd);
            assertEquals(i, j);
            assertTrue(j.contains("breakpoint 1 at ") && j.contains("sieve.s:34)"), j);
            assertEquals(interp.dbg.position(), jit.dbg.position());
            assertEquals(interp.dbg.machine().cpu.cycles, jit.dbg.machine().cpu.cycles);
            assertTrue(Arrays.equals(interp.dbg.machine().cpu.regs, jit.dbg.machine().cpu.regs));
            int pc = jit.dbg.machine().cpu.pc;
            do m.step(); while (!(m.cpu.pc == pc && m.cpu.regs[T1] == 999999));
            assertEquals(m.cpu.instret, jit.dbg.position(), "hit " + hit);
            assertEquals(m.cpu.cycles, jit.dbg.machine().cpu.cycles, "hit " + hit);
        }
        String out = jit.run("info breakpoints\ncontinue\n");
        assertTrue(out.lines().anyMatch(l -> l.startsWith("1 ") && l.contains(" 5  ")), out); // five hits counted
        assertTrue(jit.dbg.machine().isHalted(), out);

        Session once = new Session("jit");
        out = once.run("tbreak sieve.s:34 if t1 == 999999\ncontinue\ncontinue\n");
        assertTrue(out.contains("temporary breakpoint 1 at "), out);
        assertTrue(once.dbg.points.breakpoints().isEmpty() && once.dbg.machine().isHalted(), out);
    }

    /**
     * A conditional breakpoint stops where an unconditional one at the same address, continued
     * until the condition is seen to hold, stops: 997 is the last prime to start a pass.
     */
    @Test
    void aConditionalBreakpointStopsWhereAnUnconditionalOneCheckedByHandStops() throws Exception {
        Session cond = new Session("jit");
        cond.run("break sieve.s:31 if t0 == 997\ncontinue\n");
        Session hand = new Session("jit");
        hand.run("break sieve.s:31\n");
        int passes = 0;
        do {
            hand.run("continue\n");
            passes++;
        } while (hand.dbg.machine().cpu.regs[Register.parse("t0")] != 997);
        assertEquals(168, passes); // the primes up to 997
        assertEquals(hand.dbg.position(), cond.dbg.position());
        assertTrue(Arrays.equals(hand.dbg.machine().cpu.regs, cond.dbg.machine().cpu.regs));
        assertTrue(cond.run("info breakpoints\n").lines().anyMatch(l -> l.startsWith("1 ") && l.contains(" 1  ")));
    }

    /**
     * The counters and the PC a condition reads inside translated code are the instruction's
     * own: a stop found by t1 is found again by $instret, $cycles and $pc alone.
     */
    @Test
    void aConditionReadsTheCountersAsTheyStandAtTheInstruction() throws Exception {
        Session probe = new Session("jit");
        probe.run("break sieve.s:34 if t1 == 600000\ncontinue\n");
        long at = probe.dbg.position(), cycles = probe.dbg.machine().cpu.cycles;
        int pc = probe.dbg.machine().cpu.pc;
        for (String cond : List.of("$instret == " + at, "cycles == " + cycles, "$pc == " + pc + " && t1 == 600000")) {
            Session s = new Session("jit");
            String out = s.run("break sieve.s:34 if " + cond + "\ncontinue\n");
            assertEquals(at, s.dbg.position(), cond + ": " + out);
            assertEquals(600000, s.dbg.machine().cpu.regs[T1], cond);
        }
    }

    /**
     * Changing a breakpoint with 'condition', disable, enable and delete: each takes effect at
     * the next continue, in translated code as in the interpreter.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void conditionDisableEnableAndDeleteTakeEffect(String engine) throws Exception {
        Session s = new Session(engine);
        s.run("break sieve.s:34 if t1 == 500000\ncontinue\n");
        assertEquals(500000, s.dbg.machine().cpu.regs[T1]);
        String out = s.run("condition 1 t1 == 700000\ncontinue\n");
        assertTrue(out.contains("breakpoint 1 stops only if t1 == 700000"), out);
        assertEquals(700000, s.dbg.machine().cpu.regs[T1], out);
        out = s.run("condition 1\ncontinue\n");
        assertEquals(700002, s.dbg.machine().cpu.regs[T1], "unconditional: the next pass stops " + out);
        out = s.run("condition 1 t1 == 900000\ndisable 1\nbreak sieve.s:49\ncontinue\n");
        assertTrue(out.contains("breakpoint 2 at ") && out.contains("sieve.s:49)"), "disabled: runs past 900000 " + out);
        Session again = new Session(engine);
        again.run("break sieve.s:34 if t1 == 900000\ndisable 1\nenable 1\ncontinue\n");
        assertEquals(900000, again.dbg.machine().cpu.regs[T1]);
        again.run("delete 1\ncontinue\n");
        assertTrue(again.dbg.machine().isHalted());
    }

    /**
     * A condition that cannot be evaluated at a hit (a word at an unmapped or misaligned
     * address, a division by zero) counts as true, so the first hit stops, as an unconditional
     * breakpoint does; one whose text is wrong is refused when it is set.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void aConditionThatCannotBeEvaluatedStopsAndABadOneIsRefused(String engine) throws Exception {
        Session plain = new Session(engine);
        plain.run("break sieve.s:34\ncontinue\n");
        // the last: t1 is never 1 on line 34, so its right side is read, and cannot be
        for (String cond : List.of("*0x30000000 == 5", "*(t1 | 1) == 0", "100 / (t1 - t1) == 1", "t1 != 1 && *0x30000000 == 5")) {
            Session s = new Session(engine);
            String out = s.run("break sieve.s:34 if " + cond + "\ncontinue\n");
            assertEquals(plain.dbg.position(), s.dbg.position(), cond + ": " + out);
        }
        // && as C's: with t1 never 1, the unreadable word is never read, and the program runs to its end
        Session never = new Session(engine);
        String end = never.run("break sieve.s:34 if t1 == 1 && *0x30000000 == 5\ncontinue\n");
        assertTrue(end.contains("exited with status 0"), end);
        Session s = new Session(engine);
        for (String bad : List.of("t1 ==", "nosuch == 1", "1 / 0", "(t1")) {
            String out = s.run("break sieve.s:34 if " + bad + "\n");
            assertTrue(out.contains("(exo) break sieve.s:34 if " + bad + "\nerror: "), bad + ": " + out);
        }
        assertTrue(s.dbg.points.breakpoints().isEmpty());
    }
}

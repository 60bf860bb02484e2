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
import java.util.List;
import org.junit.jupiter.api.Test;

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
}

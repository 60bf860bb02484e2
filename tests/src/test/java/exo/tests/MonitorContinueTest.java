package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.jit.Engines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@code continue N} passes the breakpoint, watchpoint or caught cause stopped at N-1 more times, as gdb's,
 * and stops at once at anything else; a command that takes no arguments refuses them instead of
 * ignoring them. On unaligned.s, whose mode 1 misaligns lw, lh and lhu in turn (three addr-load
 * exceptions), then does the same again in mode 2.
 */
class MonitorContinueTest {
    static final java.util.List<String> ENGINES = Engines.NAMES;

    @ParameterizedTest
    @FieldSource("ENGINES")
    void continueNPassesTheCaughtCauseNMinusOneMoreTimes(String engine) {
        String out = Cli.debug(engine, "unaligned.s", "catch addr-load\ncontinue\ncontinue 3\ninfo catch\n");
        String first = "caught addr-load at epc 0x000100ec <round+0x3c>";
        int a = out.indexOf(first), b = out.indexOf(first, a + 1);
        assertTrue(a > 0 && b > a, out);
        assertTrue(out.substring(a, b).contains("mode 1: exceptions forwarded to the library OS: 5"), "lh and lhu passed, mode 1 ran out: " + out);
        assertEquals(-1, out.indexOf("<round+0x40>"), "the lh was passed, not stopped at: " + out);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void continueNStopsAtOnceAtAnotherBreakpoint(String engine) {
        String out = Cli.debug(engine, "unaligned.s", "break round\ncontinue\nbreak unaligned.s:65\ncontinue 5\n");
        assertTrue(out.contains("(exo) continue 5\nbreakpoint 2 at 0x000100f0 <round+0x40>"), out);
    }

    /** faults.s counts each exception its handlers take in {@code handled}: the third write stores 3. */
    @ParameterizedTest
    @FieldSource("ENGINES")
    void continueNPassesTheWatchpointStoppedAt(String engine) {
        String out = Cli.debug(engine, "faults.s", "watch handled\ncontinue\ncontinue 2\ninfo watchpoints\n");
        assertTrue(out.contains("(exo) continue 2\n") && out.contains("(old 0x2, new 0x3)"), out);
        assertTrue(out.contains("yes         3  [0x00014000"), "three hits counted: " + out);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void badArgumentsAreRefused(String engine) {
        String out = Cli.debug(engine, "unaligned.s", "continue 2\nbacktrace full\nfinish now\ncontinue 0\n");
        assertTrue(out.contains("(exo) continue 2\nerror: 'continue N' needs the program stopped at a breakpoint, watchpoint or caught exception"), out);
        assertTrue(out.contains("(exo) backtrace full\nerror: 'backtrace' takes no arguments"), out);
        assertTrue(out.contains("(exo) finish now\nerror: 'finish' takes no arguments"), out);
        assertTrue(out.contains("(exo) continue 0\nerror: count must be positive, not 0"), out);
        assertTrue(out.contains("at its entry") && !out.contains("exited"), "nothing ran: " + out);
    }
}

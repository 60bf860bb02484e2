package exo.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Register;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorTest {
    private final ByteArrayOutputStream guestOut = new ByteArrayOutputStream();
    private final Debugger dbg = new Debugger(FakeTarget::new, InputStream.nullInputStream(), guestOut);
    private final StringWriter text = new StringWriter();
    private final Monitor mon = new Monitor(dbg, new PrintWriter(text, true));

    private String run(String... lines) throws Exception {
        text.getBuffer().setLength(0);
        mon.run(Monitor.script(new BufferedReader(new StringReader(String.join("\n", lines)))));
        return text.toString();
    }

    private int reg(int r) {
        return dbg.machine().cpu.regs[r];
    }

    @Test
    void breakpointOnSymbolStopsThereAndFinishReturns() throws Exception {
        String t = run("break f", "continue", "finish");
        assertTrue(t.contains("breakpoint 1 at 0x00001018 <f> (fake.s:7)"), t);
        assertTrue(t.contains("returned from 0x00001018 <f>"), t);
        assertEquals(0x1008, dbg.machine().cpu.pc);
        assertEquals(6, reg(Register.A0));
    }

    @Test
    void nextRunsOverTheCallAndStepEntersIt() throws Exception {
        run("step", "next");
        assertEquals(0x1008, dbg.machine().cpu.pc);
        dbg.restart();
        run("step 2");
        assertEquals(FakeTarget.F, dbg.machine().cpu.pc);
    }

    @Test
    void fileLineBreakpointsConditionsAndTemporaryOnes() throws Exception {
        String t = run("tbreak fake.s:3 if a0 == 6", "info breakpoints", "c", "info breakpoints");
        assertTrue(t.contains("temporary breakpoint 1 at 0x00001008 <main+0x8> (fake.s:3) if a0 == 6"), t);
        assertTrue(t.contains("=> 0x00001008:"), t);
        assertTrue(t.endsWith("no breakpoints or watchpoints\n"), t);
        String f = run("break fake.s:3 if a0 == 99", "run");
        assertTrue(f.contains("exited with status 6"), f);
    }

    @Test
    void watchpointReportsOldAndNewValue() throws Exception {
        String t = run("watch data", "continue");
        assertTrue(t.contains("watchpoint 1: write of 4 bytes at 0x00008000 by 0x0000100c <main+0xc> (fake.s:4) (old 0x0, new 0x6)"), t);
        assertEquals(0x1010, dbg.machine().cpu.pc);
    }

    @Test
    void catchStopsBeforeTheKernelAndResumesPastIt() throws Exception {
        String t = run("catch syscall", "continue", "print cause", "continue");
        assertTrue(t.contains("caught syscall at epc 0x00001014 <main+0x14> (fake.s:6)"), t);
        assertTrue(t.contains("13 (0xd)"), t);
        assertTrue(t.contains("exited with status 6"), t);
    }

    @Test
    void reverseStepAndReverseContinueReturnToEarlierStates() throws Exception {
        run("break f", "continue", "step 2");
        assertEquals(0x1008, dbg.machine().cpu.pc);
        long pos = dbg.position();
        run("reverse-step");
        assertEquals(pos - 1, dbg.position());
        assertEquals(0x101c, dbg.machine().cpu.pc);
        assertEquals(6, reg(Register.A0));
        String t = run("reverse-continue");
        assertTrue(t.contains("breakpoint 1 at 0x00001018 <f> (fake.s:7) (reached backwards)"), t);
        assertEquals(5, reg(Register.A0));
        t = run("reverse-continue");
        assertTrue(t.contains("no earlier breakpoint, watchpoint or caught exception; at the start of the program"), t);
        assertEquals(0, dbg.position());
    }

    /** Lines as a terminal gives them: not echoed, and an empty line repeats. */
    private String typed(String... lines) throws Exception {
        text.getBuffer().setLength(0);
        java.util.Iterator<String> it = List.of(lines).iterator();
        mon.commands(new Monitor.LineSource() {
            @Override
            public String readLine(String prompt) {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public boolean isScript() {
                return false;
            }

            @Override
            public boolean confirm(String question) {
                text.append(question).append("n\n");
                return false;
            }
        });
        return text.toString();
    }

    /**
     * A condition is parsed once, when it is set: a wrong text is refused then (before, a state
     * error could hide it: "*3 +" failed on the misaligned word), while one the state cannot
     * evaluate now (a misaligned word) is set, and stops at a hit because it cannot be
     * evaluated there either. 'condition' changes it or takes it away.
     */
    /** && and || do not evaluate a right operand the left decides (*3 is a misaligned read). */
    @Test
    void andAndOrShortCircuitAsInC() throws Exception {
        String t = run("print 0 && *3", "print 1 || *3", "print 1 && *3", "break f if a0 == 7 && *3 == 0", "c");
        assertTrue(t.contains("(exo) print 0 && *3\n0 (0x0)\n"), t);
        assertTrue(t.contains("(exo) print 1 || *3\n1 (0x1)\n"), t);
        assertTrue(t.contains("(exo) print 1 && *3\nerror: "), t);
        assertTrue(t.contains("exited with status 6"), "a0 is 5 at f, so *3 is never read and f never stops: " + t);
    }

    @Test
    void conditionsAreParsedWhenSetAndChangedWithCondition() throws Exception {
        String t = run("print *3 +", "break f if *3 +", "break f if 1/0", "print 2 * 3 + 1 == 7", "info breakpoints");
        assertTrue(t.contains("(exo) print *3 +\nerror: expression ends too early\n"), t);
        assertTrue(t.contains("(exo) break f if *3 +\nerror: expression ends too early\n"), t);
        assertTrue(t.contains("(exo) break f if 1/0\nerror: division by zero\n"), t);
        assertTrue(t.contains("(exo) print 2 * 3 + 1 == 7\n1 (0x1)\n"), t);
        assertTrue(t.endsWith("no breakpoints or watchpoints\n"), t);
        t = run("break f if *a0 == 7", "c");
        assertTrue(t.contains("breakpoint 1 at 0x00001018 <f>"), t); // a0 is 5 at f: *5 is misaligned, so it stops
        t = run("run", "condition 1 a0 == 7", "info breakpoints", "run");
        assertTrue(t.contains("breakpoint 1 stops only if a0 == 7"), t);
        assertTrue(t.contains("<f> (fake.s:7) if a0 == 7"), t);
        assertTrue(t.contains("exited with status 6"), t);
        t = run("condition 1", "run", "condition 2 a0", "condition 1 a0 ==", "info breakpoints");
        assertTrue(t.contains("breakpoint 1 is now unconditional") && t.contains("breakpoint 1 at 0x00001018 <f>"), t);
        assertTrue(t.contains("error: no breakpoint 2") && t.contains("(exo) condition 1 a0 ==\nerror: expression ends too early"), t);
        assertTrue(t.contains("<f> (fake.s:7)\n"), t); // still unconditional
    }

    @Test
    void printFormatsAndConvenienceRegisters() throws Exception {
        String t = run("p/x 255", "p/d 0xffffffff", "p/u -1", "p/t 10", "p/c 65", "p/q 1", "step 2", "p $instret", "p $cycles > 0", "info registers pc $instret");
        assertTrue(t.contains("(exo) p/x 255\n0xff\n"), t);
        assertTrue(t.contains("(exo) p/d 0xffffffff\n-1\n"), t);
        assertTrue(t.contains("(exo) p/u -1\n4294967295\n"), t);
        assertTrue(t.contains("(exo) p/t 10\n1010\n"), t);
        assertTrue(t.contains("(exo) p/c 65\n65 'A'\n"), t);
        assertTrue(t.contains("error: unknown print format 'q'"), t);
        assertTrue(t.contains("(exo) p $instret\n2 (0x2)\n"), t);
        assertTrue(t.contains("(exo) p $cycles > 0\n1 (0x1)\n"), t);
        assertTrue(t.contains("pc       0x00001018"), t);
        assertTrue(t.contains("instret  0x00000002  2"), t);
    }

    @Test
    void displayShowsExpressionsAtEveryStopUntilUndisplayed() throws Exception {
        String t = run("display/x a0", "display $pc - main", "step", "undisplay 1", "step", "info display", "undisplay 7");
        assertTrue(t.contains("(exo) display/x a0\n1: /x a0 = 0x0\n"), t);
        assertTrue(t.contains("1: /x a0 = 0x5\n2: $pc - main = 4 (0x4)\n"), t);
        assertTrue(t.contains("2: $pc - main = 24 (0x18)\n"), t);
        assertEquals(1, t.split("1: /x a0 = 0x5", -1).length - 1, t);
        assertTrue(t.contains("(exo) info display\n2: $pc - main\n"), t);
        assertTrue(t.contains("error: no display 7"), t);
    }

    @Test
    void examineTakesCountFormatAndUnitAndABareXContinues() throws Exception {
        String t = run("set *data = 0x11223344", "x/2xw data", "x/4xb data", "x", "x/2dh data", "x/1tb data", "x/4cb data", "x/2i main", "x", "x/3q data", "x/bb data");
        assertTrue(t.contains("(exo) x/2xw data\n0x00008000: 11223344 00000000\n"), t);
        assertTrue(t.contains("(exo) x/4xb data\n0x00008000: 44 33 22 11\n"), t);
        assertTrue(t.contains("(exo) x\n0x00008004: 00 00 00 00\n"), t);
        assertTrue(t.contains("(exo) x/2dh data\n0x00008000: 13124 4386\n"), t);
        assertTrue(t.contains("(exo) x/1tb data\n0x00008000: 01000100\n"), t);
        assertTrue(t.contains("(exo) x/4cb data\n0x00008000: D 3 \\\" \\x11\n"), t);
        assertTrue(t.contains("(exo) x\n   0x00001008:"), t);
        assertTrue(t.contains("error: unknown format 'q' in '/3q'"), t);
        assertTrue(t.contains("error: two units in '/bb'"), t);
    }

    @Test
    void framesSelectRegistersAndAnEmptyLineRepeatsTheLastStep() throws Exception {
        String t = typed("break f", "continue", "bt", "up", "p $pc", "p a1", "down", "step", "", "", "x/1xw data", "");
        assertTrue(t.contains("#0  0x00001018 <f> (fake.s:7)\n#1  0x00001004 <main+0x4> (fake.s:2)\n"), t);
        assertTrue(t.contains("#1  0x00001004 <main+0x4> (fake.s:2)\n   fake.s:2"), t);
        assertTrue(t.contains("4100 (0x1004) <main+0x4>"), t);
        assertTrue(t.contains("error: register a1 is not known in frame 1"), t);
        // step, then Enter twice: three steps from f, through its ret to the mv after the call and past it.
        assertTrue(t.contains("=> 0x00001008:") && t.contains("=> 0x0000100c:"), t);
        assertEquals(0x100c, dbg.machine().cpu.pc);
        assertTrue(t.contains("0x00008000: 00000000\n0x00008004: 00000000\n"), t);
    }

    @Test
    void deleteAllAsksOnATerminalAndNotInAScript() throws Exception {
        String t = typed("break f", "delete", "info breakpoints");
        assertTrue(t.contains("Delete all 1 breakpoints and watchpoints? (y or n) n\nnot deleted\n"), t);
        assertTrue(t.contains("breakpoint  yes"), t);
        t = run("delete", "info breakpoints");
        assertTrue(t.contains("deleted all breakpoints and watchpoints\n(exo) info breakpoints\nno breakpoints or watchpoints"), t);
    }

    @Test
    void printExamineSetAndRegisters() throws Exception {
        String t = run("print (3 + 4) * 2 << 1", "print f - main", "set a3 = 0x1234", "print $a3", "set *data = -1", "x/2x data", "x/2i main", "registers");
        assertTrue(t.contains("28 (0x1c)"), t);
        assertTrue(t.contains("24 (0x18)"), t);
        assertTrue(t.contains("4660 (0x1234)"), t);
        assertTrue(t.contains("0x00008000: ffffffff 00000000"), t);
        assertTrue(t.contains("=> 0x00001000:  "), t);
        assertTrue(t.contains("a3   00001234*"), t);
    }

    @Test
    void mistakesGetOneClearLine() throws Exception {
        String t = run("contnue", "break nowhere", "x/4q main", "print 1 +", "set zero = 1", "info bogus", "delete 9");
        assertTrue(t.contains("error: unknown command 'contnue'; did you mean 'continue'?\n"), t);
        assertTrue(t.contains("error: no register or symbol named 'nowhere'"), t);
        assertTrue(t.contains("error: unknown format 'q'"), t);
        assertTrue(t.contains("error: expression ends too early"), t);
        assertTrue(t.contains("error: zero is hard-wired to 0"), t);
        assertTrue(t.contains("error: info what?"), t);
        assertTrue(t.contains("error: no breakpoint or watchpoint 9"), t);
    }

    @Test
    void noSuggestionThatMisleads() throws Exception {
        String t = run("up", "brk", "thread", "fnish");
        // up is gdb's frame command now, not a misspelt until.
        assertTrue(t.contains("(exo) up\nerror: frame 0 is the outermost frame the monitor can find\n"), t);
        // thread is the threads command now, not a misspelt tbreak.
        assertTrue(t.contains("(exo) thread\nerror: the program has no library OS threads"), t);
        for (String w : List.of("brk")) assertTrue(t.contains("error: unknown command '" + w + "'; 'help' lists the commands\n"), t);
        assertTrue(t.contains("error: unknown command 'fnish'; did you mean 'finish'?\n"), t);
    }

    @Test
    void trapLogBacktraceKernelViewsAndHelp() throws Exception {
        String t = run("break f", "c", "bt", "traps", "envs", "help", "help watch", "quit", "print 1");
        assertTrue(t.contains("#0  0x00001018 <f> (fake.s:7)"), t);
        assertTrue(t.contains("#1  0x00001004 <main+0x4> (fake.s:2)"), t);
        assertTrue(t.contains("tlb-fetch  0x00001000 0x00001000"), t);
        assertTrue(t.contains("env 1 running"), t);
        assertTrue(t.contains("reverse-continue [rc]"), t);
        assertTrue(t.contains("stop after a store to [ADDR, ADDR+LEN)"), t);
        assertTrue(!t.contains("(exo) print 1"), "quit ends the session: " + t);
    }

    @Test
    void aWatchpointRangeMayEndAtTheTopOfMemoryButNotWrapPastIt() throws Exception {
        String t = run("watch 0xfffffffc 100", "info watchpoints");
        assertTrue(t.contains("error: [0xfffffffc, 0xfffffffc + 100) runs past the top of the address space, 0xffffffff"), t);
        assertTrue(t.contains("no breakpoints or watchpoints"), t);
        String ok = run("watch 0xfffffffc 4", "info watchpoints");
        assertTrue(ok.contains("watchpoint 1 on write of [0xfffffffc, 0x100000000)"), ok);
        assertTrue(ok.contains("[0xfffffffc, 0x100000000)\n"), ok);
    }

    @Test
    void registersMarkWhatTheLastStepOrContinueChanged() throws Exception {
        String t = run("break f", "continue", "step", "registers");
        String regs = t.substring(t.lastIndexOf("zero"));
        assertTrue(regs.contains("pc   00001") && regs.matches("(?s).*pc   [0-9a-f]{8}\\*.*"), regs);
        assertTrue(regs.matches("(?s)zero 00000000 .*"), "r0 never changes: " + regs);
        String again = run("registers");
        assertEquals(regs, again.substring(again.lastIndexOf("zero")), "no step in between: the same marks");
    }
}

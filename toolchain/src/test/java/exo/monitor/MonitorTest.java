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
        assertTrue(t.contains("no earlier breakpoint hit; at the start of the program"), t);
        assertEquals(0, dbg.position());
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
        for (String w : List.of("brk", "thread")) assertTrue(t.contains("error: unknown command '" + w + "'; 'help' lists the commands\n"), t);
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

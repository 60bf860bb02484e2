package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.jit.Engines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Stepping and finishing across traps, on real programs under both engines: a step delivers a
 * trap at the one site where the machine delivers it and stops there, never one instruction
 * later (issue 14, defects 1, 2 and 6).
 */
class MonitorTrapSteppingTest {
    static final java.util.List<String> ENGINES = Engines.NAMES;

    @ParameterizedTest
    @FieldSource("ENGINES")
    void stepOnAFaultingInstructionStopsAtTheHandlersFirstInstruction(String engine) {
        // faults.s:45 loads from a page nobody reserved: the kernel forwards the miss to vm_entry,
        // the library OS's fast path for TLB misses (which hands this one on to exc_entry).
        String out = Cli.debug(engine, "faults.s", "break faults.s:45\ncontinue\nstep\nbt\n");
        assertTrue(out.contains("#0  0x") && out.contains(" <vm_entry> (guest-runtime/"), out);
    }

    /**
     * At the handler's last instruction (vm_entry_app's jump back, reached backwards from the
     * interrupted code), the registers are the interrupted code's again: ra and fp are main's.
     * The backtrace still goes handler, exception frame, interrupted code; it used to follow
     * main's fp as if vm_entry_app had been called by _start.
     */
    @ParameterizedTest
    @FieldSource("ENGINES")
    void aHandlerThatPutTheInterruptedRegistersBackIsStillAHandlerFrame(String engine) {
        String out = Cli.debug(engine, "faults.s", "break faults.s:45\ncontinue\nstep\nfinish\nreverse-step\nbacktrace\n");
        String bt = out.substring(out.lastIndexOf("(exo) backtrace\n"));
        java.util.List<String> frames = bt.lines().skip(1).toList();
        assertTrue(frames.get(0).startsWith("#0  0x") && frames.get(0).contains("<vm_entry_app+"), bt);
        assertTrue(frames.get(1).startsWith("#1  <exception tlb-load at 0x00010044"), bt);
        assertTrue(frames.get(2).startsWith("#2  0x00010044 <main+0x44>"), bt);
    }

    /**
     * {@code next} on a faulting load runs over the handler the kernel forwards the miss to, as
     * gdb's runs over a signal handler, and stops after the load once the handler returned to it
     * and it completed; the trap line names what was run over. {@code step} enters instead. A
     * breakpoint in the handler still stops a {@code next}.
     */
    @ParameterizedTest
    @FieldSource("ENGINES")
    void nextRunsOverTheHandlerAFaultEnters(String engine) {
        String out = Cli.debug(engine, "faults.s", "break faults.s:45\ncontinue\nnext\nbacktrace\n");
        String next = out.substring(out.indexOf("(exo) next\n"));
        assertTrue(next.startsWith("(exo) next\ntrap: tlb-load at 0x00010044 (badvaddr 0x58000000) -> env 257 0x"), next);
        assertTrue(next.contains("\n=> 0x00010048:"), next);
        assertTrue(next.contains("#0  0x00010048 <main+0x48>") && !next.contains("<exception"), next);

        out = Cli.debug(engine, "faults.s", "break faults.s:45\ncontinue\nbreak on_vm_fault\nnext\n");
        next = out.substring(out.indexOf("(exo) next\n"));
        assertTrue(next.contains("breakpoint 2 at 0x") && next.contains("<on_vm_fault>"), next);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void stepOverAKernelCallStopsAtTheNextInstruction(String engine) {
        // Seven steps into cons_flush is its syscall; the next step returns from the kernel call
        // to the ret after it, inside cons_flush, not past the ret into puts.
        String out = Cli.debug(engine, "hello.s", "break cons_flush\ncontinue\nstep 7\nstep\nbt\n");
        assertTrue(out.contains("syscall 22"), out);
        assertTrue(out.contains("#0  0x") && out.contains("<cons_flush+") && out.contains("#1  0x"), out);
        String frame0 = out.substring(out.indexOf("#0  0x"));
        assertTrue(frame0.startsWith("#0  0x") && frame0.lines().findFirst().orElseThrow().contains("<cons_flush+"), frame0);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void finishReturnsFromAFunctionThatMakesKernelCalls(String engine) {
        String printf = Cli.debug(engine, "hello.s", "break printf\ncontinue\nfinish\n");
        assertTrue(printf.contains("<printf>") && printf.contains("returned from"), printf);
        assertFalse(printf.contains("returned from main"), printf);
        String puts = Cli.debug(engine, "hello.s", "break puts\ncontinue\nfinish\n");
        assertTrue(puts.contains("returned from 0x") && puts.contains("<puts>"), puts);
        assertFalse(puts.contains("exited with status"), puts);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void aReadWatchpointIgnoresALoadThatFaultedAndReadNothing(String engine) {
        // faults.s reads PAGE_A twice (watch hits), then loads misaligned from PAGE_A + 2: that
        // load traps to the handler, which skips it, so nothing was read.
        String out = Cli.debug(engine, "faults.s", "rwatch 0x58000002\ncontinue\ncontinue\ncontinue\n");
        assertEquals(2, out.lines().filter(l -> l.startsWith("watchpoint 1: read")).count(), out);
        assertTrue(out.contains("addr-load at 0x58000002: skipped"), out);
        assertFalse(out.contains("at 0x58000002 by"), out);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void finishInAHandlerReturnsToTheInterruptedCode(String engine) {
        // The miss at faults.s:45 is on a page nobody reserved: vm_entry calls the program's
        // handler, which reserves the page, and returns with jr k0 to the load, which retries.
        String out = Cli.debug(engine, "faults.s", "break faults.s:45\ncontinue\nstep\nfinish\nbt\n");
        assertTrue(out.contains("<vm_entry_app> (guest-runtime/src/libos/vm.s:"), out);
        assertTrue(out.contains(") to the interrupted code"), out);
        String frame0 = out.substring(out.lastIndexOf("#0  0x"));
        assertTrue(frame0.lines().findFirst().orElseThrow().contains("faults.s:45)"), frame0);
        assertFalse(out.contains("exited with status"), out);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void backtraceShowsOnlyTheHandlersStillRunning(String engine) {
        // Thirteen handlers ran and returned before faults.s:80, at engine speed: none is left.
        String out = Cli.debug(engine, "faults.s", "break faults.s:80\ncontinue\nbt\n");
        String bt = out.substring(out.lastIndexOf("(exo) bt"));
        assertTrue(bt.contains("#0  0x") && bt.contains("<main+"), bt);
        assertFalse(bt.contains("<exception"), bt);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void reverseExecutionKeepsTheExceptionFrames(String engine) {
        // Going back re-executes from the start; the handlers entered on the way are recorded again.
        String out = Cli.debug(engine, "faults.s", "break on_exception\ncontinue\nnext 3\nreverse-step 2\nbt\n");
        String bt = out.substring(out.lastIndexOf("(exo) bt"));
        assertTrue(bt.contains("#0  0x") && bt.contains("<on_exception"), bt);
        assertTrue(bt.contains("<exception prot-fetch at 0x58000000 BADVADDR 0x58000000>"), bt);
        assertTrue(bt.contains("<main+0xa8>"), bt);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void theTrapLogSaysWhenADownloadedHandlerResolvedAMiss(String engine) {
        // vm-libos.s variant 9 downloads its page table's lookup (vm_download_lookup), then
        // flushes and reads pages: the kernel fills each miss by running that code.
        String program = GuestProgramsTest.PROGRAMS.resolve("bench/exo/vm-libos.s").toString();
        Cli.Result r = Cli.withInput("continue\ntraps 200\n", "debug", "--engine", engine, program, "--", "10", "9");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tlb-load   0x") && r.out().contains("kernel (downloaded handler, resumed)"), r.out());
        Cli.Result plain = Cli.withInput("continue\ntraps 200\n", "debug", "--engine", engine, program, "--", "10", "7");
        assertFalse(plain.out().contains("downloaded handler"), plain.out());
    }

    /**
     * Reverse-continue lands on the most recent earlier hit, exactly: the positions ($instret)
     * it stops at are those the forward run reported, hit by hit, inside exception handlers,
     * under both engines (it replays at engine speed, the machine stopping at breakpoints).
     */
    @ParameterizedTest
    @FieldSource("ENGINES")
    void reverseContinueStopsAtEachEarlierHitExactly(String engine) {
        String out = Cli.debug(engine, "faults.s", "break on_exception\ncontinue\np $instret\ncontinue\np $instret\ncontinue\np $instret\n"
                + "reverse-continue\np $instret\nreverse-continue\np $instret\nreverse-continue\n");
        java.util.List<String> positions = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(exo\\) p \\$instret\n(\\d+) ").matcher(out);
        while (m.find()) positions.add(m.group(1));
        assertEquals(5, positions.size(), out);
        assertEquals(positions.get(1), positions.get(3), "back to the second hit:\n" + out);
        assertEquals(positions.get(0), positions.get(4), "back to the first hit:\n" + out);
        assertTrue(out.contains("(reached backwards)"), out);
        assertTrue(out.contains("no earlier breakpoint, watchpoint or caught exception; at the start of the program"), out);
    }
}

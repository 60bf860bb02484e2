package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A3;
import static exo.emulator.isa.Register.A4;
import static exo.emulator.isa.Register.K0;
import static exo.emulator.isa.Register.T0;
import static exo.kernel.Guest.T1;
import static exo.kernel.Guest.T2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Opcode;
import exo.kernel.abi.KernelCall;
import exo.kernel.abi.KernelCallHandlers;
import exo.os.KernelOptions;
import exo.os.RunResult;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    /** Prints line n times, spinning `spin` iterations between prints, then exits 0. */
    static Guest printer(String name, String line, int n, int spin) {
        Guest g = new Guest(name);
        g.li(T2, n);
        int outer = g.pc();
        g.print(line);
        g.li(T0, spin);
        int inner = g.pc();
        g.addi(T0, T0, -1).branch(Opcode.BNE, T0, 0, inner);
        g.addi(T2, T2, -1).branch(Opcode.BNE, T2, 0, outer);
        return g.exit(0);
    }

    static Guest spinner(String name) {
        Guest g = new Guest(name);
        return g.emit(Opcode.JAL.encode(0, 0));
    }

    @Test
    void twoProgramsShareTheSliceVectorAndKeepTheirOutputApart() {
        Boot b = new Boot(KernelOptions.defaults().withPrefixOutput(true));
        b.boot(printer("a", "from a\n", 3, 20_000));
        b.boot(printer("b", "from b\n", 3, 20_000));
        RunResult r = b.run();
        assertEquals(RunResult.Reason.ALL_DONE, r.reason());
        assertEquals("from a\nfrom a\nfrom a\n", r.programs().get(0).output());
        assertEquals("from b\nfrom b\nfrom b\n", r.programs().get(1).output());
        assertTrue(b.console().contains("[a] from a\n") && b.console().contains("[b] from b\n"), b.console());
        assertTrue(r.stats().contextSwitches > 4, "slices must interleave: " + r.stats().contextSwitches);
        int firstB = b.console().indexOf("[b]"), lastA = b.console().lastIndexOf("[a]");
        assertTrue(firstB < lastA, "b must run before a finishes: " + b.console());
    }

    @Test
    void aProgramSpinningForeverCannotStopAnotherFromFinishing() {
        Boot b = new Boot();
        b.boot(spinner("spin"));
        b.boot(printer("work", "done\n", 2, 30_000));
        RunResult r = b.kernel.run(3_000_000);
        assertEquals(RunResult.Reason.INSTRUCTION_LIMIT, r.reason());
        assertFalse(r.programs().get(0).finished());
        assertTrue(r.programs().get(1).finished());
        assertEquals("done\ndone\n", r.programs().get(1).output());
    }

    /** Epilogue upcall: counts upcalls and records k0, then yields. Main spins until three upcalls happened. */
    @Test
    void theEpilogueIsUpcalledAndItsYieldEndsTheSlice() {
        Guest g = new Guest("epi");
        int count = g.space(4), lastK0 = g.space(4);
        int skip = g.hole();
        int epilogue = g.pc();
        g.li(T0, count).lw(T1, 0, T0).addi(T1, T1, 1).sw(T1, 0, T0);
        g.li(T0, lastK0).sw(K0, 0, T0);
        g.li(A0, 0).sys(KernelCall.YIELD);
        g.exit(99);                                       // never reached: yield from an epilogue does not return here
        g.patchJump(skip, g.pc());
        g.li(A0, 0).li(A3, KernelCallHandlers.PC_EPILOGUE).li(A4, epilogue).sys(KernelCall.ENV_SET_PC);
        g.li(T2, 3);
        int loopStart = g.pc();
        g.li(T0, count).lw(T1, 0, T0).branch(Opcode.BLT, T1, T2, loopStart);
        int loopEnd = g.pc();
        g.li(T0, lastK0).lw(A0, 0, T0).sys(KernelCall.ENV_EXIT);
        Boot b = new Boot();
        b.boot(g);
        RunResult r = b.run();
        int k0 = r.exitStatus();
        assertTrue(k0 >= loopStart && k0 < loopEnd, "k0 must be the interrupted PC in the loop: " + Integer.toHexString(k0));
    }

    @Test
    void anEpilogueThatNeverYieldsIsDestroyedPastTheExcessLimitWhileOthersFinish() {
        Guest g = new Guest("hog");
        int skip = g.hole();
        int epilogue = g.pc();
        g.emit(Opcode.JAL.encode(0, 0));
        g.patchJump(skip, g.pc());
        g.li(A0, 0).li(A3, KernelCallHandlers.PC_EPILOGUE).li(A4, epilogue).sys(KernelCall.ENV_SET_PC);
        g.emit(Opcode.JAL.encode(0, 0));
        Boot b = new Boot();
        b.boot(g);
        b.boot(printer("work", "ok\n", 3, 30_000));
        RunResult r = b.run();
        assertEquals(RunResult.Reason.ALL_DONE, r.reason());
        RunResult.Program hog = r.programs().get(0);
        assertTrue(hog.killed());
        assertTrue(hog.diagnostic().contains("epilogue overran its grace period"), hog.diagnostic());
        assertEquals("ok\nok\nok\n", r.programs().get(1).output());
    }

    @Test
    void thePrologueRunsAtTheStartOfEachSliceWithK0WhereToResume() {
        Guest g = new Guest("pro");
        int count = g.space(4), save = g.space(16);
        int skip = g.hole();
        int prologue = g.pc();                          // uses only t4/t5, which the main loop leaves alone
        g.li(Guest.T4, count).lw(Guest.T5, 0, Guest.T4).addi(Guest.T5, Guest.T5, 1).sw(Guest.T5, 0, Guest.T4);
        g.handlerReturn();
        g.patchJump(skip, g.pc());
        g.saveArea(save);
        g.li(A0, 0).li(A3, KernelCallHandlers.PC_PROLOGUE).li(A4, prologue).sys(KernelCall.ENV_SET_PC);
        g.li(T2, 3);
        int loop = g.pc();
        g.li(T0, count).lw(T1, 0, T0).branch(Opcode.BLT, T1, T2, loop);
        g.mv(A0, T1).sys(KernelCall.ENV_EXIT);
        Boot b = new Boot();
        b.boot(g);
        assertEquals(3, b.run().exitStatus());
    }

    @Test
    void directedYieldDonatesTheRestOfTheSlice() {
        Boot b = new Boot();
        Guest a = new Guest("a");
        a.print("a1\n").li(A0, 258).sys(KernelCall.YIELD).print("a2\n").exit(0);
        Guest bb = new Guest("b");
        bb.print("b1\n").exit(0);
        assertEquals(257, b.boot(a));
        assertEquals(258, b.boot(bb));
        b.run();
        assertEquals("a1\nb1\na2\n", b.console());
    }

    @Test
    void yieldToADeadEnvironmentIsRefused() {
        Guest a = new Guest("a");
        a.li(A0, 12345).sys(KernelCall.YIELD).sys(KernelCall.ENV_EXIT);
        Boot b = new Boot();
        b.boot(a);
        assertEquals(exo.kernel.error.KernelError.BADENV.code, b.run().exitStatus());
    }

    /** A slice that ends while the handler runs (busy word set) skips the epilogue: k0 stays live. */
    @Test
    void noEpilogueUpcallInterruptsAnExceptionHandler() {
        Guest g = new Guest("busy");
        int save = g.space(16), count = g.space(4), seenAtStart = g.space(4), seenAtEnd = g.space(4);
        int skip = g.hole();
        int epilogue = g.pc();
        g.li(T0, count).lw(T1, 0, T0).addi(T1, T1, 1).sw(T1, 0, T0);
        g.li(A0, 0).sys(KernelCall.YIELD);
        int handler = g.pc();
        g.li(T0, count).lw(T1, 0, T0).li(T0, seenAtStart).sw(T1, 0, T0);
        g.li(T0, 60_000);                                  // three slices' worth of work inside the handler
        int spin = g.pc();
        g.addi(T0, T0, -1).branch(Opcode.BNE, T0, 0, spin);
        g.li(T0, count).lw(T1, 0, T0).li(T0, seenAtEnd).sw(T1, 0, T0);
        g.emit(Opcode.ADDI.encode(K0, K0, 4)).handlerReturn();
        g.patchJump(skip, g.pc());
        g.handler(exo.emulator.machine.Cause.OVERFLOW.code, handler).saveArea(save);
        g.li(A0, 0).li(A3, KernelCallHandlers.PC_EPILOGUE).li(A4, epilogue).sys(KernelCall.ENV_SET_PC);
        g.li(T0, 0x7FFFFFFF).emit(Opcode.ADDIO.encode(T1, T0, 1));
        g.li(T2, 2);
        int wait = g.pc();
        g.li(T0, count).lw(T1, 0, T0).branch(Opcode.BLT, T1, T2, wait);
        g.li(T0, seenAtEnd).lw(A0, 0, T0).li(T0, seenAtStart).lw(T1, 0, T0).emit(Opcode.SUB.encode(A0, A0, T1));
        g.sys(KernelCall.ENV_EXIT);
        Boot b = new Boot();
        b.boot(g);
        RunResult r = b.run();
        assertEquals(0, r.exitStatus(), "epilogues ran inside the handler");
        assertEquals(1, r.stats().forwarded[exo.emulator.machine.Cause.OVERFLOW.code]);
    }

    /** A prologue preempted part-way (with an epilogue set) resumes where it was, not from its start with a new k0. */
    @Test
    void aPrologueLongerThanASliceIsResumedNotRestarted() {
        Guest g = new Guest("longpro");
        int count = g.space(4), save = g.space(16);
        int skip = g.hole();
        int epilogue = g.pc();
        g.li(A0, 0).sys(KernelCall.YIELD);
        int prologue = g.pc();                          // uses only t4/t5, which the main loop leaves alone
        g.li(Guest.T4, count).lw(Guest.T5, 0, Guest.T4).addi(Guest.T5, Guest.T5, 1).sw(Guest.T5, 0, Guest.T4);
        g.li(Guest.T5, 30_000);
        int spin = g.pc();
        g.addi(Guest.T5, Guest.T5, -1).branch(Opcode.BNE, Guest.T5, 0, spin);
        g.handlerReturn();
        g.patchJump(skip, g.pc());
        g.saveArea(save);
        g.li(A0, 0).li(A3, KernelCallHandlers.PC_EPILOGUE).li(A4, epilogue).sys(KernelCall.ENV_SET_PC);
        g.li(A0, 0).li(A3, KernelCallHandlers.PC_PROLOGUE).li(A4, prologue).sys(KernelCall.ENV_SET_PC);
        g.li(T2, 3);
        int loop = g.pc();
        g.li(T0, count).lw(T1, 0, T0).branch(Opcode.BLT, T1, T2, loop);
        g.mv(A0, T1).sys(KernelCall.ENV_EXIT);
        Boot b = new Boot();
        b.boot(g);
        RunResult r = b.kernel.run(2_000_000);
        assertEquals(RunResult.Reason.ALL_DONE, r.reason());
        assertEquals(3, r.exitStatus(), String.valueOf(r.programs().get(0).diagnostic()));
    }
}

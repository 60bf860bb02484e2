package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.A2;
import static exo.emulator.isa.Register.A3;
import static exo.emulator.isa.Register.K0;
import static exo.emulator.isa.Register.T0;
import static exo.kernel.Guest.T1;
import static exo.kernel.Guest.T5;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Opcode;
import exo.emulator.machine.Cause;
import exo.kernel.abi.KernelCall;
import exo.os.CostModel;
import exo.os.RunResult;
import org.junit.jupiter.api.Test;

class ForwardingTest {
    /** A program whose handler for cause counts exceptions and skips the faulting instruction. */
    static Guest counting(Cause cause, int faultingWord, int times) {
        Guest g = new Guest("fwd");
        int save = g.space(16);
        int counter = g.space(4);
        int skip = g.hole();
        int handler = g.pc();
        g.li(T5, counter).lw(T1, 0, T5).addi(T1, T1, 1).sw(T1, 0, T5);
        g.addi(K0, K0, 4).handlerReturn();
        g.patchJump(skip, g.pc());
        g.handler(cause.code, handler).saveArea(save);
        g.li(T0, 0x7FFFFFFF);
        for (int i = 0; i < times; i++) g.emit(faultingWord);
        g.li(T5, counter).lw(A0, 0, T5).sys(KernelCall.ENV_EXIT);
        return g;
    }

    @Test
    void overflowIsForwardedAndTheHandlerReturnsByItself() {
        Boot b = new Boot();
        b.boot(counting(Cause.OVERFLOW, Opcode.ADDIO.encode(T1, T0, 1), 5));
        RunResult r = b.run();
        assertEquals(5, r.exitStatus());
        assertEquals(5, r.stats().forwarded[Cause.OVERFLOW.code]);
    }

    /**
     * The kernel writes CAUSE, BADVADDR and the busy word, and hands EPC over in k0 only: the
     * save area's EPC word is the handler's and stays as the program left it (0 here).
     */
    @Test
    void theSaveAreaHoldsCauseBadVaddrAndBusyAndK0HoldsEpc() {
        Guest g = new Guest("save");
        int save = g.space(16);
        int epcSeen = g.space(4);
        int skip = g.hole();
        int handler = g.pc();
        g.li(T5, epcSeen).sw(K0, 0, T5);
        g.addi(K0, K0, 4).handlerReturn();
        g.patchJump(skip, g.pc());
        g.handler(Cause.ADDR_LOAD.code, handler).saveArea(save);
        g.li(T0, 0x20003);
        int faultAt = g.pc();
        g.lw(T1, 0, T0);
        // a0 = k0 == faultAt && EPC word == 0 ? busy cleared ? 1 : 2 : 3
        g.li(T5, epcSeen).lw(T1, 0, T5).li(A0, faultAt);
        int bad = g.hole();
        g.li(T5, save).lw(T1, 0, T5).li(A0, 0);
        int bad0 = g.hole();
        g.lw(T1, 8, T5).li(A0, 0x20003);
        int bad2 = g.hole();
        g.lw(T1, 4, T5).li(A0, Cause.ADDR_LOAD.code);
        int bad3 = g.hole();
        g.lw(A0, 12, T5).sys(KernelCall.ENV_EXIT);
        int fail = g.pc();
        g.exit(99);
        g.patchBranch(bad, Opcode.BNE, T1, A0, fail);
        g.patchBranch(bad0, Opcode.BNE, T1, A0, fail);
        g.patchBranch(bad2, Opcode.BNE, T1, A0, fail);
        g.patchBranch(bad3, Opcode.BNE, T1, A0, fail);
        Boot b = new Boot();
        b.boot(g);
        assertEquals(0, b.run().exitStatus());
    }

    @Test
    void anUnhandledExceptionDestroysTheEnvironmentWithASymbolizedDiagnostic() {
        Guest g = new Guest("crash");
        g.li(T0, 0);
        g.emit(Opcode.DIV.encode(T1, T0, T0));
        g.exit(0);
        Boot b = new Boot();
        b.boot(g);
        RunResult r = b.run();
        RunResult.Program p = r.programs().get(0);
        assertTrue(p.killed());
        assertEquals(128 + Cause.DIV_ZERO.code, p.exitStatus());
        assertTrue(p.diagnostic().contains("unhandled divzero at EPC 0x00001008 crash+0x8 (crash.s:3)"), p.diagnostic());
    }

    @Test
    void aFaultInsideTheHandlerIsADoubleFaultListingBothFaults() {
        Guest g = new Guest("double");
        int save = g.space(16);
        int skip = g.hole();
        int handler = g.pc();
        g.li(T5, 0x00900000).lw(T1, 0, T5);        // the handler itself misses
        g.handlerReturn();
        g.patchJump(skip, g.pc());
        g.handler(Cause.TLB_MISS_LOAD.code, handler).saveArea(save);
        g.li(T0, 0x00500000).lw(T1, 0, T0);
        g.exit(0);
        Boot b = new Boot();
        b.boot(g);
        RunResult.Program p = b.run().programs().get(0);
        assertTrue(p.killed());
        String d = p.diagnostic();
        assertTrue(d.contains("fault inside its own exception handler"), d);
        assertTrue(d.contains("1. tlb-load at EPC") && d.contains("BADVADDR 0x00500000 (being handled)"), d);
        assertTrue(d.contains("2. tlb-load at EPC") && d.contains("BADVADDR 0x00900000"), d);
    }

    /**
     * The save area's physical address is resolved when it is registered, and again when a
     * guaranteed mapping changes: removing the mapping under it leaves no stale address behind.
     */
    @Test
    void removingTheMappingUnderTheSaveAreaIsSeenByTheNextForward() {
        Guest g = new Guest("unguaranteed");
        int save = g.space(16);
        g.handler(Cause.OVERFLOW.code, Guest.CODE).saveArea(save);
        g.li(A0, 0).li(A1, 0).li(A2, 0).li(A3, save & ~0xFFF).sys(KernelCall.ENV_UNGUARANTEE);
        g.li(T0, 0x7FFFFFFF).emit(Opcode.ADDIO.encode(T1, T0, 1));
        g.exit(0);
        Boot b = new Boot();
        b.boot(g);
        RunResult.Program p = b.run().programs().get(0);
        assertTrue(p.killed(), String.valueOf(p.diagnostic()));
        assertTrue(p.diagnostic().contains("no writable guaranteed mapping under the save area"), p.diagnostic());
    }

    @Test
    void forwardingChargesTheDocumentedCost() {
        Boot once = new Boot();
        once.boot(counting(Cause.OVERFLOW, Opcode.ADDIO.encode(T1, T0, 1), 1));
        RunResult one = once.run();
        Boot twice = new Boot();
        twice.boot(counting(Cause.OVERFLOW, Opcode.ADDIO.encode(T1, T0, 1), 2));
        RunResult two = twice.run();
        long perForward = CostModel.TRAP_ENTRY + CostModel.TABLE_TOUCH + 3 * CostModel.WORD_SAVED + 2 * CostModel.REG_WRITE + CostModel.UPCALL;
        assertEquals(18, perForward, "Aegis dispatches an exception in 18 instructions");
        assertEquals(perForward, two.kernelCycles() - one.kernelCycles());
    }

    /**
     * BADVADDR in the save area is 0 for a cause without an address. The machine's register
     * still holds the address of the last miss (here one the kernel filled invisibly from a
     * guaranteed mapping); forwarding that would tell a divide-by-zero handler a stale address,
     * possibly another environment's.
     */
    @Test
    void aCauseWithoutAnAddressSavesZeroNotAStaleBadVaddr() {
        Guest g = new Guest("stale");
        int save = g.space(16);
        int skip = g.hole();
        int handler = g.pc();
        g.li(T5, save).lw(A0, 8, T5).sys(KernelCall.ENV_EXIT);   // exit with the saved BADVADDR
        g.patchJump(skip, g.pc());
        g.handler(Cause.DIV_ZERO.code, handler).saveArea(save);
        g.li(A0, -1).sys(KernelCall.TLB_FLUSH);
        g.li(T0, Guest.DATA + 0x1FF0).lw(T1, 0, T0);              // a miss the kernel fills invisibly
        g.li(T0, 0).emit(Opcode.DIV.encode(T1, T0, T0));
        g.exit(99);
        Boot b = new Boot();
        b.boot(g);
        RunResult r = b.run();
        assertTrue(r.stats().missesFilledGuaranteed > 0, "the load missed and was filled by the kernel");
        assertEquals(0, r.exitStatus(), "saved BADVADDR");
    }

    /**
     * The stale BADVADDR was another environment's: one that only takes misses the kernel fills
     * (on a page of its own at 0x700000) runs beside one whose divide-by-zero handler counts
     * saved BADVADDRs in that page. Each slice switch hands the second the first's last miss
     * address in the register; none of it may reach its save area.
     */
    @Test
    void noEnvironmentSeesAnotherEnvironmentsFaultAddress() {
        Guest misser = new Guest("misser");
        misser.li(A0, 0).li(exo.emulator.isa.Register.A3, -1).sys(KernelCall.PAGE_ALLOC);
        misser.mv(exo.emulator.isa.Register.A4, A0).mv(exo.emulator.isa.Register.A5, exo.emulator.isa.Register.A1)
                .mv(exo.emulator.isa.Register.A6, exo.emulator.isa.Register.A2);
        misser.li(A0, 0).li(exo.emulator.isa.Register.A3, 0x700000).li(exo.emulator.isa.Register.A7, 0).sys(KernelCall.ENV_GUARANTEE);
        misser.li(exo.emulator.isa.Register.S0, 3000);
        int loop = misser.pc();
        misser.li(A0, -1).sys(KernelCall.TLB_FLUSH).li(T0, 0x700ABC).lw(T1, 0, T0);
        misser.addi(exo.emulator.isa.Register.S0, exo.emulator.isa.Register.S0, -1).branch(Opcode.BNE, exo.emulator.isa.Register.S0, 0, loop);
        misser.exit(0);

        Guest divider = new Guest("divider");
        int save = divider.space(16);
        int seen = divider.space(4);
        int skip = divider.hole();
        int handler = divider.pc();
        divider.li(T5, save).lw(T1, 8, T5).li(T5, 0x700ABC);
        int notLeaked = divider.hole();
        divider.li(T5, seen).lw(T1, 0, T5).addi(T1, T1, 1).sw(T1, 0, T5);
        divider.patchBranch(notLeaked, Opcode.BNE, T1, T5, divider.pc());
        divider.addi(K0, K0, 4).handlerReturn();
        divider.patchJump(skip, divider.pc());
        divider.handler(Cause.DIV_ZERO.code, handler).saveArea(save);
        divider.li(exo.emulator.isa.Register.S0, 3000).li(T0, 0);
        int loop2 = divider.pc();
        divider.emit(Opcode.DIV.encode(T1, T0, T0));
        divider.addi(exo.emulator.isa.Register.S0, exo.emulator.isa.Register.S0, -1).branch(Opcode.BNE, exo.emulator.isa.Register.S0, 0, loop2);
        divider.li(T5, seen).lw(A0, 0, T5).sys(KernelCall.ENV_EXIT);

        Boot b = new Boot();
        b.boot(misser);
        b.boot(divider);
        RunResult r = b.run();
        assertTrue(r.stats().contextSwitches > 4, "the two shared the CPU: " + r.stats().contextSwitches);
        assertEquals(3000, r.stats().forwarded[Cause.DIV_ZERO.code]);
        assertEquals(0, r.programs().get(1).exitStatus(), "divide-by-zero saves that held the other environment's address");
    }
}

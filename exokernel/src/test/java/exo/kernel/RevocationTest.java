package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.A2;
import static exo.emulator.isa.Register.A3;
import static exo.emulator.isa.Register.A4;
import static exo.emulator.isa.Register.K1;
import static exo.emulator.isa.Register.S0;
import static exo.emulator.isa.Register.T0;
import static exo.kernel.Guest.T1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Opcode;
import exo.emulator.machine.Tlb;
import exo.kernel.abi.KernelCall;
import exo.kernel.env.Environment;
import exo.kernel.env.KernelEvent;
import exo.kernel.error.KernelError;
import exo.os.KernelOptions;
import exo.os.RunResult;
import org.junit.jupiter.api.Test;

class RevocationTest {
    static final int VA = 0x400000;

    /** Allocates and maps one page at VA, keeping ppn and capability at the start of data. */
    static void allocateAndMap(Guest g, int ppnAt) {
        g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
        g.li(T0, ppnAt).sw(A0, 0, T0).sw(A1, 4, T0).sw(A2, 8, T0);
        g.mv(A3, A2).mv(A2, A1).mv(A1, A0).li(A0, VA).li(A4, Tlb.WRITABLE).sys(KernelCall.TLB_WRITE);
        g.li(T0, VA).li(T1, 777).sw(T1, 0, T0);
    }

    static int revocablePage(Kernel k, int envId) {
        for (int p = 0; p < k.pages().pages(); p++) {
            if (k.pages().owner(p) == envId && !k.pages().pinned(p)) return p;
        }
        throw new AssertionError("no revocable page");
    }

    @Test
    void aCooperativeEnvironmentGivesThePageBackFromItsRevokeHandler() {
        Guest g = new Guest("coop");
        int rec = g.space(12), save = g.space(16), flag = g.space(4);
        int skip = g.hole();
        int handler = g.pc();
        g.li(T0, rec).lw(A0, 0, T0).lw(A1, 4, T0).lw(A2, 8, T0).sys(KernelCall.PAGE_FREE);
        g.li(T0, flag).li(T1, 1).sw(T1, 0, T0);
        g.handlerReturn();
        g.patchJump(skip, g.pc());
        g.handler(KernelEvent.REVOKE, handler).saveArea(save);
        allocateAndMap(g, rec);
        int loop = g.pc();
        g.li(A0, 0).sys(KernelCall.YIELD).li(T0, flag).lw(T1, 0, T0).branch(Opcode.BEQ, T1, 0, loop);
        g.li(A0, VA).li(A1, 0).sys(KernelCall.TLB_PROBE);   // the binding went with the page
        g.sys(KernelCall.ENV_EXIT);
        Boot b = new Boot();
        int id = b.boot(g);
        b.kernel.run(2_000);
        int page = revocablePage(b.kernel, id);
        assertTrue(b.kernel.revoker().request(b.kernel.env(id), page));
        RunResult r = b.kernel.run(1_000_000);
        assertEquals(KernelError.NOTFOUND.code, r.exitStatus());
        assertEquals(1, r.stats().forwarded[KernelEvent.REVOKE]);
        assertEquals(0, r.stats().forwarded[KernelEvent.REPOSSESS]);
        assertEquals(0, b.kernel.pages().owner(page));
    }

    /**
     * A recalcitrant environment ignores the request: after the deadline the page is taken, its
     * repossession vector names it, the repossess event reaches its handler, and the old
     * capability is refused.
     */
    @Test
    void aRecalcitrantEnvironmentLosesThePageAndItsCapabilityGoesStale() {
        Guest g = new Guest("stubborn");
        int rec = g.space(12), save = g.space(16), seen = g.space(4);
        int skip = g.hole();
        int handler = g.pc();
        g.li(T0, seen).lw(T1, 8, K1).sw(T1, 0, T0);      // BADVADDR = the page taken
        g.handlerReturn();
        g.patchJump(skip, g.pc());
        g.handler(KernelEvent.REPOSSESS, handler).saveArea(save);
        allocateAndMap(g, rec);
        int loop = g.pc();
        g.sys(KernelCall.PAGE_REPOSSESSED).branch(Opcode.BLT, A0, 0, loop);
        g.mv(S0, A0);
        // tlb_write with the old capability: must be E_BADCAP
        g.li(T0, rec).lw(A1, 0, T0).lw(A2, 4, T0).lw(A3, 8, T0).li(A0, VA).li(A4, Tlb.WRITABLE).sys(KernelCall.TLB_WRITE);
        g.li(T0, KernelError.BADCAP.code);
        int bad = g.hole();
        g.li(T0, seen).lw(T1, 0, T0);
        int bad2 = g.hole();
        g.exit(1);
        int fail = g.pc();
        g.exit(99);
        g.patchBranch(bad, Opcode.BNE, A0, T0, fail);
        g.patchBranch(bad2, Opcode.BNE, T1, S0, fail);
        Boot b = new Boot(KernelOptions.defaults().withRevokeDeadline(5_000));
        int id = b.boot(g);
        b.kernel.run(2_000);
        Environment e = b.kernel.env(id);
        int page = revocablePage(b.kernel, id);
        assertTrue(b.kernel.revoker().request(e, page));
        RunResult r = b.kernel.run(1_000_000);
        assertEquals(1, r.exitStatus());
        assertEquals(1, r.stats().forwarded[KernelEvent.REPOSSESS]);
        assertTrue(b.kernel.log().stream().anyMatch(l -> l.contains("page " + page + " repossessed")), b.kernel.log().toString());
    }

    @Test
    void pinnedPagesAndTheGuaranteedMinimumAreNeverAskedFor() {
        Boot b = new Boot();
        int id = b.boot(new Guest("pinned").exit(0));
        Environment e = b.kernel.env(id);
        int pinned = -1;
        for (int p = 0; p < b.kernel.pages().pages(); p++) if (b.kernel.pages().owner(p) == id) pinned = p;
        assertTrue(b.kernel.pages().pinned(pinned));
        assertFalse(b.kernel.revoker().request(e, pinned));
        assertFalse(b.kernel.revoker().request(e, -5));
    }

    @Test
    void whenMemoryRunsOutTheKernelReclaimsFromTheBiggestHolderByForce() {
        Guest worker = new Guest("worker");
        worker.li(T0, 500_000);                         // let the hog take all memory first
        int spin = worker.pc();
        worker.addi(T0, T0, -1).branch(Opcode.BNE, T0, 0, spin);
        int loop = worker.pc();
        worker.li(A0, 0).sys(KernelCall.YIELD);
        worker.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC).branch(Opcode.BLT, A0, 0, loop);
        worker.print("got a page\n").exit(0);
        Guest hog = new Guest("hog");
        int grab = hog.pc();
        hog.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC).branch(Opcode.BGE, A0, 0, grab);
        hog.emit(Opcode.JAL.encode(0, 0));
        Boot b = new Boot(KernelOptions.defaults().withRevokeDeadline(10_000));
        b.boot(worker);
        b.boot(hog);
        RunResult r = b.kernel.run(6_000_000);
        assertEquals("got a page\n", r.programs().get(0).output());
        assertTrue(r.programs().get(0).finished());
        assertFalse(r.programs().get(1).finished());
        assertTrue(b.kernel.log().stream().anyMatch(l -> l.contains("hog") && l.contains("repossessed")), b.kernel.log().toString());
    }

    /** A revoke event is never delivered on top of a prologue upcall (whose k0 holds the resume PC). */
    @Test
    void revocationEventsWaitForAPointWhereK0IsDead() {
        Guest g = new Guest("prologue");
        int rec = g.space(12), save = g.space(16), flag = g.space(4);
        int skip = g.hole();
        int prologue = g.pc();
        g.addi(exo.emulator.isa.Register.T9, exo.emulator.isa.Register.T9, 1).handlerReturn();
        int handler = g.pc();
        g.li(T0, rec).lw(A0, 0, T0).lw(A1, 4, T0).lw(A2, 8, T0).sys(KernelCall.PAGE_FREE);
        g.li(T0, flag).li(T1, 1).sw(T1, 0, T0);
        g.handlerReturn();
        g.patchJump(skip, g.pc());
        g.handler(KernelEvent.REVOKE, handler).saveArea(save);
        g.li(A0, 0).li(A3, exo.kernel.abi.KernelCallHandlers.PC_PROLOGUE).li(A4, prologue).sys(KernelCall.ENV_SET_PC);
        allocateAndMap(g, rec);
        int loop = g.pc();
        g.li(A0, 0).sys(KernelCall.YIELD).sys(KernelCall.NULL);
        g.li(T0, flag).lw(T1, 0, T0).branch(Opcode.BEQ, T1, 0, loop);
        g.exit(1);
        Boot b = new Boot();
        int id = b.boot(g);
        b.kernel.run(2_000);
        assertTrue(b.kernel.revoker().request(b.kernel.env(id), revocablePage(b.kernel, id)));
        RunResult r = b.kernel.run(1_000_000);
        assertEquals(RunResult.Reason.ALL_DONE, r.reason());
        assertEquals(1, r.exitStatus());
    }
}

package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.A2;
import static exo.emulator.isa.Register.A3;
import static exo.emulator.isa.Register.A4;
import static exo.emulator.isa.Register.S0;
import static exo.emulator.isa.Register.T0;
import static exo.kernel.Guest.S1;
import static exo.kernel.Guest.S2;
import static exo.kernel.Guest.T1;
import static exo.kernel.Guest.T2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Opcode;
import exo.emulator.machine.Tlb;
import exo.kernel.abi.KernelCall;
import exo.os.RunResult;
import exo.os.Stats;
import org.junit.jupiter.api.Test;

class StlbTest {
    static final int BASE = 0x400000;

    /** Maps `pages` fresh pages with tlb_write, stores i in page i, then sums them all back. */
    static Guest manyPages(int pages) {
        Guest g = new Guest("stlb");
        g.li(S0, 0).li(S1, pages).li(S2, BASE);
        int loop1 = g.pc();
        g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
        g.mv(A3, A2).mv(A2, A1).mv(A1, A0);
        g.emit(Opcode.SLLI.encode(T0, S0, 12)).emit(Opcode.ADD.encode(A0, T0, S2));
        g.li(A4, Tlb.WRITABLE).sys(KernelCall.TLB_WRITE);
        g.emit(Opcode.SLLI.encode(T0, S0, 12)).emit(Opcode.ADD.encode(T0, T0, S2)).sw(S0, 0, T0);
        g.addi(S0, S0, 1).branch(Opcode.BLT, S0, S1, loop1);
        g.li(S0, 0).li(T2, 0);
        int loop2 = g.pc();
        g.emit(Opcode.SLLI.encode(T0, S0, 12)).emit(Opcode.ADD.encode(T0, T0, S2)).lw(T1, 0, T0);
        g.emit(Opcode.ADD.encode(T2, T2, T1)).addi(S0, S0, 1).branch(Opcode.BLT, S0, S1, loop2);
        g.mv(A0, T2).sys(KernelCall.ENV_EXIT);
        return g;
    }

    @Test
    void capacityMissesAreFilledFromTheStlbAndNeverForwarded() {
        Boot b = new Boot();
        b.boot(manyPages(100));
        RunResult r = b.run();
        assertEquals(4950, r.exitStatus());
        Stats s = r.stats();
        assertTrue(s.missesFilledStlb >= 100 - Tlb.SIZE, "STLB fills: " + s.missesFilledStlb);
        assertEquals(0, s.missesForwarded);
        assertEquals(s.stlbHits, s.missesFilledStlb);
        assertTrue(r.statsReport().contains("STLB hit rate"));
    }

    /**
     * 64 MiB of consecutive pages all stay cached: a program that sweeps a large array again and
     * again is refilled by the kernel, not forwarded a miss per page per sweep (docs/kernel-abi.md).
     */
    @Test
    void sixtyFourMebibytesOfConsecutivePagesStayCachedForEveryEnvironment() {
        exo.kernel.mem.Stlb stlb = new exo.kernel.mem.Stlb();
        exo.kernel.mem.PageOwners pages = new exo.kernel.mem.PageOwners(1 << 16, 42);
        int pagesIn64MiB = 16_384;
        for (int env = 1; env <= 3; env++) {
            for (int i = 0; i < pagesIn64MiB; i++) stlb.insert(0x10000 + i, env, 0, i, Tlb.VALID, pages.generation(i));
            for (int i = 0; i < pagesIn64MiB; i++) {
                assertTrue(stlb.lookup(0x10000 + i, env, 0, pages) != exo.kernel.mem.Stlb.MISS, "env " + env + ", page " + i);
            }
        }
        assertEquals(exo.kernel.mem.Stlb.MISS, stlb.lookup(0x10000, 1, 0, pages), "another environment's sweep took the lines");
    }

    @Test
    void aFreedPageLeavesNeitherTlbNorStlbBinding() {
        Guest g = new Guest("free");
        int capLo = g.space(4), capHi = g.space(4), ppnAt = g.space(4);
        g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
        g.li(T0, ppnAt).sw(A0, 0, T0).li(T0, capLo).sw(A1, 0, T0).li(T0, capHi).sw(A2, 0, T0);
        g.mv(A3, A2).mv(A2, A1).mv(A1, A0).li(A0, BASE).li(A4, Tlb.WRITABLE).sys(KernelCall.TLB_WRITE);
        g.li(T0, BASE).li(T1, 5).sw(T1, 0, T0);
        g.li(T0, ppnAt).lw(A0, 0, T0).li(T0, capLo).lw(A1, 0, T0).li(T0, capHi).lw(A2, 0, T0).sys(KernelCall.PAGE_FREE);
        g.li(A0, BASE).li(A1, 0).sys(KernelCall.TLB_PROBE);
        g.li(T0, exo.kernel.error.KernelError.NOTFOUND.code);
        int ok = g.hole();
        g.exit(77);                            // the probe still found a binding
        g.patchBranch(ok, Opcode.BEQ, A0, T0, g.pc());
        g.li(T0, BASE).lw(T1, 0, T0);          // must miss and, unhandled, destroy us
        g.exit(0);
        Boot b = new Boot();
        b.boot(g);
        RunResult.Program p = b.run().programs().get(0);
        assertTrue(p.killed(), "access after free must fault");
        assertTrue(p.diagnostic().contains("unhandled tlb-load") && p.diagnostic().contains("BADVADDR 0x00400000"), p.diagnostic());
    }

    /**
     * Maps one page at BASE, then at `others` further addresses `stride` apart starting at
     * BASE + first, and reads BASE back; exits 0 if the read succeeds. No TLB-miss handler.
     */
    static Guest mapThenCrowd(int first, int stride, int others) {
        Guest g = new Guest("crowd");
        g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
        g.mv(S0, A0).mv(S1, A1).mv(S2, A2);
        g.li(A0, BASE).mv(A1, S0).mv(A2, S1).mv(A3, S2).li(A4, 0).sys(KernelCall.TLB_WRITE);
        g.li(T2, BASE + first).li(T1, others);
        int loop = g.pc();
        g.mv(A0, T2).mv(A1, S0).mv(A2, S1).mv(A3, S2).li(A4, 0).sys(KernelCall.TLB_WRITE);
        g.li(T0, stride).emit(Opcode.ADD.encode(T2, T2, T0)).addi(T1, T1, -1).branch(Opcode.BNE, T1, 0, loop);
        g.li(T0, BASE).lw(T1, 0, T0);
        g.exit(0);
        return g;
    }

    /**
     * A tlb_write binding is not durable (docs/kernel-abi.md): 200 more bindings push it out of
     * the 64-entry TLB, and when one of them is 64 MiB away (16,384 pages) it takes the same STLB line too, so
     * the next read is a forwarded miss, fatal to a program without a handler. Without the
     * colliding binding the STLB refills the read invisibly.
     */
    @Test
    void aTlbWriteBindingCanBePushedOutOfBothCachesAndTheNextAccessIsForwarded() {
        Boot kept = new Boot();
        kept.boot(mapThenCrowd(0x1000, 0x1000, 200));
        RunResult k = kept.run();
        assertEquals(0, k.exitStatus(), k.programs().get(0).diagnostic());
        assertTrue(k.stats().missesFilledStlb > 0, "the read was refilled from the STLB");

        Boot lost = new Boot();
        lost.boot(mapThenCrowd(0x400_0000, 0x1000, 200));
        RunResult.Program p = lost.run().programs().get(0);
        assertTrue(p.killed(), "the binding should have been pushed out");
        assertEquals(128 + exo.emulator.machine.Cause.TLB_MISS_LOAD.code, p.exitStatus());
        assertTrue(p.diagnostic().contains("unhandled tlb-load") && p.diagnostic().contains("BADVADDR 0x00400000"), p.diagnostic());
    }
}

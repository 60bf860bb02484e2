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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Opcode;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Tlb;
import exo.kernel.abi.KernelCall;
import exo.kernel.env.Environment;
import exo.kernel.error.KernelError;
import exo.kernel.mem.TlbBatch;
import exo.os.CostModel;
import exo.os.RunResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * tlb_batch: each operation is guarded exactly as the single call, and a refusal in the middle
 * of a batch leaves the operations before it applied and it and those after it not (the index
 * of the refused one comes back in a1).
 */
class TlbBatchTest {
    static final int VA = 0x400000;
    static final int OPS = 3;

    /** The vector's address in the data segment: 16-byte aligned, OPS operations. */
    static int vector(Guest g) {
        int v = g.space(16 * (OPS + 1));
        return (v + 15) & ~15;
    }

    /** Stores a word at addr (clobbers t0, t1). */
    static void store(Guest g, int addr, int value) {
        g.li(T0, addr).li(T1, value).sw(T1, 0, T0);
    }

    /** What may spoil operation k of a batch after it has been filled in at op. */
    interface Spoil {
        void apply(Guest g, int k, int op);
    }

    /**
     * Allocates a page for each of the OPS operations and fills in write ops mapping VA + k pages
     * to it writable, lets spoil change each, then calls tlb_batch on the vector.
     */
    static Guest writes(String name, Spoil spoil) {
        Guest g = new Guest(name);
        int v = vector(g);
        for (int k = 0; k < OPS; k++) {
            g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
            int op = v + 16 * k;
            g.li(T0, op).sw(A0, 4, T0).sw(A1, 8, T0).sw(A2, 12, T0);
            store(g, op, VA + 0x1000 * k | Tlb.WRITABLE << TlbBatch.FLAGS_SHIFT | TlbBatch.OP_WRITE);
            spoil.apply(g, k, op);
        }
        g.li(A0, v).li(A1, OPS).sys(KernelCall.TLB_BATCH);
        return g;
    }

    static final Spoil NONE = (g, k, op) -> { };

    /** Exit status (a1 << 4) | -a0: the operations applied and the error, if any; s2 holds that. */
    static void encodeResult(Guest g) {
        g.emit(Opcode.SLLI.encode(S2, A1, 4)).emit(Opcode.SUB.encode(T0, 0, A0)).emit(Opcode.OR.encode(S2, S2, T0));
    }

    /** After the batch: probes VA + i pages for each i, adding bit 8 + i to the status when i is bound. */
    static void probeAndExit(Guest g) {
        encodeResult(g);
        for (int i = 0; i < OPS; i++) {
            g.li(A0, VA + 0x1000 * i).li(A1, 0).sys(KernelCall.TLB_PROBE);
            int unbound = g.hole();
            g.li(T0, 1 << (8 + i)).emit(Opcode.OR.encode(S2, S2, T0));
            g.patchBranch(unbound, Opcode.BLT, A0, 0, g.pc());
        }
        g.mv(A0, S2).sys(KernelCall.ENV_EXIT);
    }

    static int run(Guest g) {
        Boot b = new Boot();
        b.boot(g);
        RunResult r = b.run();
        RunResult.Program p = r.programs().get(0);
        assertTrue(p.finished() && !p.killed(), String.valueOf(p.diagnostic()));
        return p.exitStatus();
    }

    static int status(int applied, KernelError error, int boundMask) {
        return applied << 4 | (error == null ? 0 : -error.code) | boundMask << 8;
    }

    @Test
    void aWholeBatchIsAppliedInOneCall() {
        Guest g = writes("all", NONE);
        probeAndExit(g);
        assertEquals(status(OPS, null, 0b111), run(g));
    }

    @Test
    void aForgedCapabilityInTheMiddleStopsTheBatchThere() {
        Guest g = writes("forged", (x, k, op) -> {
            if (k == 1) store(x, op + 8, 0x12345678);
        });
        probeAndExit(g);
        assertEquals(status(1, KernelError.BADCAP, 0b001), run(g));
    }

    @Test
    void aReadOnlyCapabilityForAWritableEntryIsRefusedAtItsIndex() {
        Guest g = writes("ro", (x, k, op) -> {
            if (k == 2) x.lw(A0, 4, T0).lw(A1, 8, T0).lw(A2, 12, T0).sys(KernelCall.PAGE_CAP_RO).li(T0, op).sw(A1, 8, T0).sw(A2, 12, T0);
        });
        probeAndExit(g);
        assertEquals(status(2, KernelError.BADCAP, 0b011), run(g));
    }

    @Test
    void theGlobalBitOrAnUnknownKindIsInvalidAtItsIndex() {
        Guest global = writes("global", (x, k, op) -> {
            if (k == 1) store(x, op, VA + 0x1000 | Tlb.GLOBAL << TlbBatch.FLAGS_SHIFT | TlbBatch.OP_WRITE);
        });
        probeAndExit(global);
        assertEquals(status(1, KernelError.INVAL, 0b001), run(global));
        Guest kind = writes("kind", (x, k, op) -> {
            if (k == 2) store(x, op, VA + 0x2000 | 7);
        });
        probeAndExit(kind);
        assertEquals(status(2, KernelError.INVAL, 0b011), run(kind));
    }

    @Test
    void aFlushOfNoPagesOrTooManyOrPastTheEndOfTheAddressSpaceIsInvalid() {
        for (int[] bad : new int[][] {{VA, 0}, {VA, TlbBatch.MAX_PAGES + 1}, {0xFFFFF000, 2}}) {
            Guest g = new Guest("flush");
            int v = vector(g);
            g.li(S0, v);
            g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
            g.li(T0, v).sw(A0, 4, T0).sw(A1, 8, T0).sw(A2, 12, T0);
            store(g, v, VA | TlbBatch.OP_WRITE);
            store(g, v + 16, bad[0] | TlbBatch.OP_FLUSH);
            store(g, v + 20, bad[1]);
            g.mv(A0, S0).li(A1, 2).sys(KernelCall.TLB_BATCH);
            probeAndExit(g);
            assertEquals(status(1, KernelError.INVAL, 0b001), run(g), "flush " + Integer.toHexString(bad[0]) + " x " + bad[1]);
        }
    }

    @Test
    void aFlushRangeRemovesEveryBindingInIt() {
        Guest g = writes("flushrange", NONE);
        g.li(T0, Guest.DATA + 0x800).li(T1, VA + 0x1000 | TlbBatch.OP_FLUSH).sw(T1, 0, T0).li(T1, 2).sw(T1, 4, T0);
        g.mv(A0, T0).li(A1, 1).sys(KernelCall.TLB_BATCH);
        probeAndExit(g);
        assertEquals(status(1, null, 0b001), run(g));
    }

    @Test
    void theVectorItselfIsCheckedBeforeAnythingIsApplied() {
        Guest g = new Guest("unaligned");
        int v = vector(g);
        g.li(A0, v + 4).li(A1, 1).sys(KernelCall.TLB_BATCH);
        encodeResult(g);
        g.mv(A0, S2).sys(KernelCall.ENV_EXIT);
        assertEquals(status(0, KernelError.ALIGN, 0), run(g));
        Guest many = new Guest("many");
        many.li(A0, vector(many)).li(A1, TlbBatch.MAX_OPS + 1).sys(KernelCall.TLB_BATCH);
        encodeResult(many);
        many.mv(A0, S2).sys(KernelCall.ENV_EXIT);
        assertEquals(status(0, KernelError.INVAL, 0), run(many));
        Guest none = new Guest("none");
        none.li(A0, 0).li(A1, 0).sys(KernelCall.TLB_BATCH);
        encodeResult(none);
        none.mv(A0, S2).sys(KernelCall.ENV_EXIT);
        assertEquals(status(0, null, 0), run(none));
    }

    @Test
    void anOperationOnAnUnmappedPageOfTheVectorIsAFaultAtItsIndex() {
        Guest g = new Guest("edge");
        int last = Guest.DATA + Guest.DATA_SIZE - 16;     // the last op slot of the data segment
        g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
        g.li(T0, last).sw(A0, 4, T0).sw(A1, 8, T0).sw(A2, 12, T0);
        store(g, last, VA | TlbBatch.OP_WRITE);
        g.li(A0, last).li(A1, 2).sys(KernelCall.TLB_BATCH);
        probeAndExit(g);
        assertEquals(status(1, KernelError.FAULT, 0b001), run(g));
    }

    @Test
    void protectTakesWritePermissionAwayAndTheNextStoreFaults() {
        Guest g = writes("protect", NONE);
        g.li(T0, VA).li(T1, 5).sw(T1, 0, T0);             // writable before
        g.li(T0, Guest.DATA + 0x800).li(T1, VA | TlbBatch.OP_PROTECT).sw(T1, 0, T0).li(T1, 1).sw(T1, 4, T0);
        g.mv(A0, T0).li(A1, 1).sys(KernelCall.TLB_BATCH);
        g.li(T0, VA).lw(S1, 0, T0);                          // still readable
        g.sw(S1, 0, T0);                                     // prot-store: no handler, so fatal
        g.exit(0);
        Boot b = new Boot();
        b.boot(g);
        RunResult.Program p = b.run().programs().get(0);
        assertTrue(p.killed(), "not killed");
        assertEquals(128 + Cause.PROT_STORE.code, p.exitStatus(), p.diagnostic());
    }

    @Test
    void protectLeavesGuaranteedMappingsAlone() {
        // Its data segment is a guaranteed mapping: a protect there must not leave a read-only
        // entry, whose write fault the kernel would forward instead of refilling.
        Guest g = new Guest("guaranteed");
        int v = vector(g);
        g.li(T0, v).li(T1, Guest.DATA | TlbBatch.OP_PROTECT).sw(T1, 0, T0).li(T1, 2).sw(T1, 4, T0);
        g.li(A0, v).li(A1, 1).sys(KernelCall.TLB_BATCH);
        g.li(T0, Guest.DATA + 0x100).li(T1, 7).sw(T1, 0, T0).lw(A0, 0, T0).sys(KernelCall.ENV_EXIT);
        assertEquals(7, run(g));
    }

    @Test
    void protectAlsoDowngradesTheStlbSoARefillIsReadOnly() {
        Boot b = new Boot();
        Guest g = new Guest("idle");
        g.emit(Opcode.JAL.encode(0, 0));
        b.boot(g);
        b.kernel.run(10);
        Environment e = b.kernel.current();
        int p = b.kernel.memory().allocate(e, -1);
        b.kernel.memory().tlbWrite(e, VA, p, b.kernel.pages().rwToken(p), Tlb.WRITABLE);
        b.kernel.memory().protect(e, VA);
        b.machine.tlb.flushAsid(e.asid);                     // only the STLB holds it now
        int[] probe = b.kernel.memory().probe(e, VA, false);
        assertEquals(p, probe[0]);
        assertEquals(0, probe[1] & Tlb.WRITABLE);
    }

    @Test
    void oneCrossingServesTheWholeBatch() {
        long batch = kernelCycles(true), single = kernelCycles(false);
        long crossing = CostModel.TRAP_ENTRY + CostModel.SYSCALL_DISPATCH + CostModel.TABLE_TOUCH;
        long write = CostModel.TABLE_TOUCH + CostModel.CAP_CHECK + CostModel.TLB_WRITE + CostModel.TABLE_TOUCH;
        // a batch: one crossing, the vector's page translated once, four words read per write
        long expected = OPS * (crossing + write) - (crossing + CostModel.TABLE_TOUCH + OPS * (4 * CostModel.WORD_RESTORED + write));
        assertEquals(expected, single - batch);
    }

    /** Kernel cycles of a program that maps OPS pages with one batch, or with OPS tlb_write calls. */
    static long kernelCycles(boolean batched) {
        Guest g = new Guest("cost");
        int v = vector(g);
        for (int k = 0; k < OPS; k++) {
            g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
            int op = v + 16 * k;
            g.li(T0, op).sw(A0, 4, T0).sw(A1, 8, T0).sw(A2, 12, T0);
            store(g, op, VA + 0x1000 * k | TlbBatch.OP_WRITE);
        }
        if (batched) {
            g.li(A0, v).li(A1, OPS).sys(KernelCall.TLB_BATCH);
        } else {
            for (int k = 0; k < OPS; k++) {
                int op = v + 16 * k;
                g.li(T0, op).lw(A1, 4, T0).lw(A2, 8, T0).lw(A3, 12, T0).li(A0, VA + 0x1000 * k).li(A4, 0).sys(KernelCall.TLB_WRITE);
            }
        }
        g.exit(0);
        Boot b = new Boot();
        b.boot(g);
        return b.run().kernelCycles();
    }
}

package exo.kernel.abi;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.A2;
import static exo.emulator.isa.Register.A3;
import static exo.emulator.isa.Register.A4;
import static exo.emulator.isa.Register.A5;
import static exo.emulator.isa.Register.A6;
import static exo.emulator.isa.Register.A7;
import static exo.emulator.isa.Register.K0;
import static exo.emulator.isa.Register.K1;

import exo.emulator.isa.Format;
import exo.emulator.machine.Cpu;
import exo.kernel.Forwarder;
import exo.kernel.Kernel;
import exo.kernel.env.Environment;
import exo.kernel.env.KernelEvent;
import exo.kernel.mem.PageOwners;
import exo.os.CostModel;

/**
 * The dispatcher and the handlers of {@link KernelCall}'s rows. The call number is the code field
 * of the {@code syscall} instruction at EPC; the kernel resumes at EPC + 4 unless the call moved
 * the CPU elsewhere. Refusals are {@link GuestError}s caught in {@link #dispatch} only.
 */
public final class KernelCallHandlers {
    /** env_set_pc selectors. */
    public static final int PC_PROLOGUE = 0, PC_EPILOGUE = 1, PC_IPC = 2, PC_START = 3;

    private final Kernel k;
    private final Cpu cpu;

    public KernelCallHandlers(Kernel k) {
        this.k = k;
        this.cpu = k.cpu;
    }

    /** Entry from the trap handler for a SYSCALL exception by e at epc. */
    public void dispatch(Environment e, int epc) {
        k.stats.syscalls++;
        k.cost.charge(CostModel.SYSCALL_DISPATCH);
        int pa = k.memory.translateOrMinus(e, epc, false);
        KernelCall call = pa < 0 ? null : KernelCall.byNumber(Format.code26(k.machine.memory.readWord(pa)));
        int[] r = cpu.regs;
        if (call == null) {
            r[A0] = KernelError.NOSYS.code;
            cpu.pc = epc + 4;
            return;
        }
        try {
            if (!call.handler.call(this, e, r, epc)) cpu.pc = epc + 4;
        } catch (GuestError err) {
            if (call.errorsInK1()) {
                r[K0] = 0;
                r[K1] = err.error.code;
            } else {
                r[A0] = err.error.code;
            }
            cpu.pc = epc + 4;
        }
    }

    private Environment target(Environment self, int[] r) {
        return k.target(self, r[A0], r[A1], r[A2]);
    }

    private static long cap(int[] r, int low) {
        return PageOwners.join(r[low], r[low + 1]);
    }

    private static void result(int[] r, int a0) {
        r[A0] = a0;
    }

    private static void checkPc(int pc) {
        if ((pc & 3) != 0) throw new GuestError(KernelError.ALIGN);
    }

    // ---- environments -------------------------------------------------------------------------

    boolean nullCall(Environment e, int[] r, int epc) {
        result(r, 0);
        return false;
    }

    boolean envSelf(Environment e, int[] r, int epc) {
        result(r, e.id);
        return false;
    }

    boolean envCreate(Environment e, int[] r, int epc) {
        Environment child = k.createEnv(e.id, e.name + ".child", e.symbolizer);
        r[A0] = child.id;
        r[A1] = PageOwners.low(child.token);
        r[A2] = PageOwners.high(child.token);
        return false;
    }

    boolean envDestroy(Environment e, int[] r, int epc) {
        if (r[A0] == 0 || r[A0] == e.id) throw new GuestError(KernelError.INVAL);
        Environment t = target(e, r);
        k.kill(t, 128, "destroyed by " + e);
        result(r, 0);
        return false;
    }

    boolean envExit(Environment e, int[] r, int epc) {
        k.exit(e, r[A0]);
        return true;
    }

    boolean envSetHandler(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        if (!KernelEvent.valid(r[A3])) throw new GuestError(KernelError.INVAL);
        checkPc(r[A4]);
        t.handler[r[A3]] = r[A4];
        k.cost.charge(CostModel.WORD_SAVED);
        result(r, 0);
        return false;
    }

    boolean envSetSaveArea(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        int va = r[A3];
        if ((va & 3) != 0 || (va & 0xFFF) > 0x1000 - Forwarder.SAVE_SIZE) throw new GuestError(KernelError.ALIGN);
        int old = t.saveArea;
        t.saveArea = va;
        if (va != 0 && k.forwarder.savePhys(t) < 0) {
            t.saveArea = old;
            throw new GuestError(KernelError.NOTGUARANTEED);
        }
        k.cost.charge(CostModel.TABLE_TOUCH + CostModel.WORD_SAVED);
        result(r, 0);
        return false;
    }

    boolean envSetPc(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        int pc = r[A4];
        checkPc(pc);
        switch (r[A3]) {
            case PC_PROLOGUE: t.prologue = pc; break;
            case PC_EPILOGUE: t.epilogue = pc; break;
            case PC_IPC: t.ipcEntry = pc; break;
            case PC_START:
                if (t.hasContext || t == e) throw new GuestError(KernelError.BUSY);
                t.resumePc = pc;
                break;
            default: throw new GuestError(KernelError.INVAL);
        }
        k.cost.charge(CostModel.WORD_SAVED);
        result(r, 0);
        return false;
    }

    boolean envGuarantee(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        if ((r[A3] & 0xFFF) != 0) throw new GuestError(KernelError.ALIGN);
        k.memory.guarantee(t, r[A3], r[A4], cap(r, A5), r[A7]);
        result(r, 0);
        return false;
    }

    boolean envUnguarantee(Environment e, int[] r, int epc) {
        k.memory.unguarantee(target(e, r), r[A3]);
        result(r, 0);
        return false;
    }

    // ---- pages and the TLB --------------------------------------------------------------------

    boolean pageAlloc(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        int p = k.memory.allocate(t, r[A3]);
        r[A0] = p;
        r[A1] = PageOwners.low(k.pages.rwToken(p));
        r[A2] = PageOwners.high(k.pages.rwToken(p));
        return false;
    }

    boolean pageFree(Environment e, int[] r, int epc) {
        k.memory.free(e, r[A0], cap(r, A1));
        result(r, 0);
        return false;
    }

    boolean pageCapRo(Environment e, int[] r, int epc) {
        int p = r[A0];
        k.memory.checkCap(p, cap(r, A1), true);
        r[A1] = PageOwners.low(k.pages.roToken(p));
        r[A2] = PageOwners.high(k.pages.roToken(p));
        return false;
    }

    boolean tlbWrite(Environment e, int[] r, int epc) {
        k.memory.tlbWrite(e, r[A0], r[A1], cap(r, A2), r[A4]);
        result(r, 0);
        return false;
    }

    boolean tlbProbe(Environment e, int[] r, int epc) {
        int[] b = k.memory.probe(e, r[A0], r[A1] != 0);
        r[A0] = b[0];
        r[A1] = b[1];
        return false;
    }

    boolean tlbRead(Environment e, int[] r, int epc) {
        int[] b = k.memory.readSlot(e, r[A0]);
        r[A0] = b[0];
        r[A1] = b[1];
        r[A2] = b[2];
        return false;
    }

    boolean tlbFlush(Environment e, int[] r, int epc) {
        k.memory.flush(e, r[A0]);
        result(r, 0);
        return false;
    }

    boolean pageRepossessed(Environment e, int[] r, int epc) {
        int p = k.revoker.takeRepossessed(e);
        if (p < 0) throw new GuestError(KernelError.NOTFOUND);
        result(r, p);
        return false;
    }

    // ---- time and control ---------------------------------------------------------------------

    boolean sliceAlloc(Environment e, int[] r, int epc) {
        result(r, k.scheduler.allocate(target(e, r), r[A3]));
        return false;
    }

    boolean sliceFree(Environment e, int[] r, int epc) {
        k.scheduler.free(target(e, r), r[A3]);
        result(r, 0);
        return false;
    }

    boolean yield(Environment e, int[] r, int epc) {
        Environment to = null;
        if (r[A0] != 0) {
            to = k.env(r[A0]);
            if (to == null) throw new GuestError(KernelError.BADENV);
        }
        k.scheduler.yield(e, to, epc + 4);
        return true;
    }

    boolean pctSync(Environment e, int[] r, int epc) {
        k.scheduler.transfer(e, r[K1], true, epc + 4);
        return true;
    }

    boolean pctAsync(Environment e, int[] r, int epc) {
        k.scheduler.transfer(e, r[K1], false, epc + 4);
        return true;
    }

    // ---- console ------------------------------------------------------------------------------

    boolean consWrite(Environment e, int[] r, int epc) {
        int len = r[A1];
        byte[] b = k.memory.copyIn(e, r[A0], len);
        k.output(e, b, 0, len);
        result(r, len);
        return false;
    }

    boolean consRead(Environment e, int[] r, int epc) {
        int len = r[A1];
        k.memory.checkBuffer(e, r[A0], len, true);            // before any input is consumed
        byte[] b = new byte[len];
        int n = 0;
        while (n < len) {
            int c = k.machine.console().read();
            if (c < 0) break;
            b[n++] = (byte) c;
            if (c == '\n') break;
        }
        k.memory.copyOut(e, r[A0], b, n);
        result(r, n);
        return false;
    }
}

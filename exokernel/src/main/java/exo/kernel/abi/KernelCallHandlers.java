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
import exo.emulator.machine.Console;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.kernel.disk.Blocks;
import exo.kernel.env.Environment;
import exo.kernel.env.Environments;
import exo.kernel.env.KernelEvent;
import exo.kernel.env.Lifecycle;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import exo.kernel.forward.DownloadedExceptions;
import exo.kernel.forward.Forwarder;
import exo.kernel.mem.Memory;
import exo.kernel.mem.DownloadedHandler;
import exo.kernel.mem.PageOwners;
import exo.kernel.mem.TlbBatch;
import exo.kernel.revoke.Revoker;
import exo.kernel.sched.Scheduler;
import exo.os.CostModel;
import exo.os.OutputLines;
import exo.os.Stats;

/**
 * The dispatcher and the handlers of {@link KernelCall}'s rows. The call number is the code field
 * of the {@code syscall} instruction at EPC; the kernel resumes at EPC + 4 unless the call moved
 * the CPU elsewhere. Refusals are {@link GuestError}s caught in {@link #dispatch} only.
 */
public final class KernelCallHandlers {
    /** env_set_pc selectors. */
    public static final int PC_PROLOGUE = 0, PC_EPILOGUE = 1, PC_IPC = 2, PC_START = 3, PC_IPC_ONCE = 4;

    private final Cpu cpu;
    private final PhysicalMemory physical;
    private final Console console;
    private final CostModel cost;
    private final Stats stats;
    private final Environments envs;
    private final Lifecycle lifecycle;
    private final PageOwners pages;
    private final Memory memory;
    private final Forwarder forwarder;
    private final Revoker revoker;
    private final Scheduler scheduler;
    private final OutputLines lines;
    private final Blocks blocks;
    private final TlbBatch batch;

    /** The handlers, calling the subsystems each call is about; lines takes what cons_write writes. */
    public KernelCallHandlers(Machine machine, CostModel cost, Stats stats, Environments envs, Lifecycle lifecycle, PageOwners pages,
                              Memory memory, Forwarder forwarder, Revoker revoker, Scheduler scheduler, OutputLines lines, Blocks blocks) {
        this.cpu = machine.cpu;
        this.physical = machine.memory;
        this.console = machine.console();
        this.cost = cost;
        this.stats = stats;
        this.envs = envs;
        this.lifecycle = lifecycle;
        this.pages = pages;
        this.memory = memory;
        this.forwarder = forwarder;
        this.revoker = revoker;
        this.scheduler = scheduler;
        this.lines = lines;
        this.blocks = blocks;
        this.batch = new TlbBatch(physical, cost, memory);
    }

    /** Entry from the trap handler for a SYSCALL exception by e at epc. */
    public void dispatch(Environment e, int epc) {
        stats.syscalls++;
        long start = stats.tracer == null ? 0 : cpu.cycles - CostModel.TRAP_ENTRY;
        cost.charge(CostModel.SYSCALL_DISPATCH);
        int pa = memory.tryTranslate(e, epc, false);
        KernelCall call = pa == Memory.UNMAPPED ? null : KernelCall.byNumber(Format.code26(physical.readWord(pa)));
        int[] r = cpu.regs;
        if (call == null) {
            r[A0] = KernelError.NOSYS.code;
            cpu.pc = epc + 4;
            if (stats.tracer != null) traced(e, "(no such call)", start, KernelError.NOSYS);
            return;
        }
        KernelError refused = null;
        try {
            if (!call.handler.call(this, e, r, epc)) cpu.pc = epc + 4;
        } catch (GuestError err) {
            refused = err.error;
            if (call.errorsInK1()) {
                r[K0] = 0;
                r[K1] = err.error.code;
            } else {
                r[A0] = err.error.code;
            }
            cpu.pc = epc + 4;
        }
        if (stats.tracer != null) traced(e, call.callName, start, refused);
    }

    /** The trace's record of a call by e that entered the kernel at cycle start (its trap, which charged TRAP_ENTRY). */
    private void traced(Environment e, String name, long start, KernelError refused) {
        stats.tracer.kernelCall(e.id, name, start, envs.current() != e, cpu.regs[A0], refused == null ? null : refused.symbol);
    }

    private Environment target(Environment self, int[] r) {
        return envs.target(self, r[A0], cap(r, A1));
    }

    /** The 64-bit capability a guest passes in two registers, low word first. */
    private static long cap(int[] r, int low) {
        return (r[low] & 0xFFFFFFFFL) | ((long) r[low + 1] << 32);
    }

    /** Returns a capability in two registers, low word first. */
    private static void putCap(int[] r, int low, long token) {
        r[low] = (int) token;
        r[low + 1] = (int) (token >>> 32);
    }

    private static void result(int[] r, int a0) {
        r[A0] = a0;
    }

    private static void checkPc(int pc) {
        if ((pc & 3) != 0) throw new GuestError(KernelError.ALIGN);
    }

    boolean nullCall(Environment e, int[] r, int epc) {
        result(r, 0);
        return false;
    }

    boolean envSelf(Environment e, int[] r, int epc) {
        result(r, e.id);
        return false;
    }

    boolean envCreate(Environment e, int[] r, int epc) {
        Environment child = envs.create(e.id, e.name + ".child", e.symbolizer);
        if (stats.tracer != null) stats.tracer.created(child.id, child.name, e.id);
        r[A0] = child.id;
        putCap(r, A1, child.token);
        return false;
    }

    boolean envDestroy(Environment e, int[] r, int epc) {
        if (r[A0] == 0 || r[A0] == e.id) throw new GuestError(KernelError.INVAL);
        Environment t = target(e, r);
        lifecycle.kill(t, 128, "destroyed by " + e);
        result(r, 0);
        return false;
    }

    boolean envExit(Environment e, int[] r, int epc) {
        lifecycle.exit(e, r[A0]);
        return true;
    }

    boolean envSetHandler(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        if (!KernelEvent.valid(r[A3])) throw new GuestError(KernelError.INVAL);
        checkPc(r[A4]);
        t.handler[r[A3]] = r[A4];
        cost.charge(CostModel.WORD_SAVED);
        result(r, 0);
        return false;
    }

    boolean envSetSaveArea(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        int va = r[A3];
        if ((va & 3) != 0 || Pages.offset(va) > PhysicalMemory.PAGE_SIZE - Forwarder.SAVE_SIZE) throw new GuestError(KernelError.ALIGN);
        int old = t.saveArea;
        t.saveArea = va;
        t.resolveSaveArea();
        if (va != 0 && t.savePhys == Environment.NO_SAVE_AREA) {
            t.saveArea = old;
            t.resolveSaveArea();
            throw new GuestError(KernelError.NOTGUARANTEED);
        }
        cost.charge(CostModel.TABLE_TOUCH + CostModel.WORD_SAVED);
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
            case PC_IPC, PC_IPC_ONCE:
                t.ipcEntry = pc;
                t.ipcOnce = r[A3] == PC_IPC_ONCE && pc != 0;
                break;
            case PC_START:
                if (t.hasContext || t == e) throw new GuestError(KernelError.BUSY);
                t.resumePc = pc;
                break;
            default: throw new GuestError(KernelError.INVAL);
        }
        cost.charge(CostModel.WORD_SAVED);
        result(r, 0);
        return false;
    }

    boolean envGuarantee(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        if (!Pages.aligned(r[A3])) throw new GuestError(KernelError.ALIGN);
        memory.guarantee(t, r[A3], r[A4], cap(r, A5), r[A7]);
        result(r, 0);
        return false;
    }

    boolean envUnguarantee(Environment e, int[] r, int epc) {
        memory.unguarantee(target(e, r), r[A3]);
        result(r, 0);
        return false;
    }

    boolean pageAlloc(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        int p = memory.allocate(t, r[A3]);
        r[A0] = p;
        putCap(r, A1, pages.rwToken(p));
        return false;
    }

    boolean pageFree(Environment e, int[] r, int epc) {
        memory.free(e, r[A0], cap(r, A1));
        result(r, 0);
        return false;
    }

    boolean pageCapRo(Environment e, int[] r, int epc) {
        int p = r[A0];
        memory.checkCap(p, cap(r, A1), true);
        putCap(r, A1, pages.roToken(p));
        return false;
    }

    boolean tlbWrite(Environment e, int[] r, int epc) {
        memory.tlbWrite(e, r[A0], r[A1], cap(r, A2), r[A4]);
        result(r, 0);
        return false;
    }

    boolean tlbProbe(Environment e, int[] r, int epc) {
        int[] b = memory.probe(e, r[A0], r[A1] != 0);
        r[A0] = b[0];
        r[A1] = b[1];
        return false;
    }

    boolean tlbRead(Environment e, int[] r, int epc) {
        int[] b = memory.readSlot(e, r[A0]);
        r[A0] = b[0];
        r[A1] = b[1];
        r[A2] = b[2];
        return false;
    }

    boolean tlbFlush(Environment e, int[] r, int epc) {
        memory.flush(e, r[A0]);
        result(r, 0);
        return false;
    }

    boolean tlbBatch(Environment e, int[] r, int epc) {
        batch.run(e, r[A0], r[A1], i -> r[A1] = i);
        result(r, 0);
        return false;
    }

    boolean envSetMissHandler(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        if (r[A3] == 0) {
            memory.setMissHandler(t, null);
            result(r, 0);
            return false;
        }
        memory.setMissHandler(t, downloaded(e, r, r[A3], r[A4], DownloadedHandler.Kind.MISS));
        result(r, 0);
        return false;
    }

    boolean envSetExcHandler(Environment e, int[] r, int epc) {
        Environment t = target(e, r);
        int cause = r[A3];
        if (!DownloadedExceptions.downloadable(cause)) throw new GuestError(KernelError.INVAL);
        forwarder.downloaded.set(t, cause, r[A4] == 0 ? null : downloaded(e, r, r[A4], r[A5], DownloadedHandler.Kind.EXCEPTION));
        result(r, 0);
        return false;
    }

    /** Copies n instructions of e's memory at va into the kernel and verifies them as code of the kind. */
    private DownloadedHandler downloaded(Environment e, int[] r, int va, int n, DownloadedHandler.Kind kind) {
        if ((va & 3) != 0) throw new GuestError(KernelError.ALIGN);
        if (n < 1 || n > DownloadedHandler.MAX_INSTRUCTIONS) throw refuse(r, DownloadedHandler.Rule.SIZE, 0);
        byte[] b = memory.copyIn(e, va, 4 * n);
        int[] code = new int[n];
        for (int i = 0; i < n; i++) {
            code[i] = (b[4 * i] & 0xFF) | (b[4 * i + 1] & 0xFF) << 8 | (b[4 * i + 2] & 0xFF) << 16 | b[4 * i + 3] << 24;
        }
        try {
            return DownloadedHandler.verify(code, kind, true);
        } catch (DownloadedHandler.Refusal f) {
            throw refuse(r, f.rule, f.index);
        }
    }

    /** E_VERIFY, with the instruction's index in a1 and the rule's code in a2. */
    private static GuestError refuse(int[] r, DownloadedHandler.Rule rule, int index) {
        r[A1] = index;
        r[A2] = rule.code;
        return new GuestError(KernelError.VERIFY);
    }

    boolean pageRepossessed(Environment e, int[] r, int epc) {
        result(r, revoker.takeRepossessed(e));
        return false;
    }

    boolean sliceAlloc(Environment e, int[] r, int epc) {
        result(r, scheduler.allocate(target(e, r), r[A3]));
        return false;
    }

    boolean sliceFree(Environment e, int[] r, int epc) {
        scheduler.free(target(e, r), r[A3]);
        result(r, 0);
        return false;
    }

    boolean yield(Environment e, int[] r, int epc) {
        Environment to = null;
        if (r[A0] != 0) {
            to = envs.get(r[A0]);
            if (to == null) throw new GuestError(KernelError.BADENV);
        }
        scheduler.yield(e, to, epc + 4);
        return true;
    }

    boolean pctSync(Environment e, int[] r, int epc) {
        scheduler.transfer(e, r[K1], true, epc + 4);
        return true;
    }

    boolean pctAsync(Environment e, int[] r, int epc) {
        scheduler.transfer(e, r[K1], false, epc + 4);
        return true;
    }

    boolean consWrite(Environment e, int[] r, int epc) {
        int len = r[A1];
        byte[] b = memory.copyIn(e, r[A0], len);
        lines.write(e.output, b, 0, len);
        result(r, len);
        return false;
    }

    boolean consRead(Environment e, int[] r, int epc) {
        int len = r[A1];
        memory.checkBuffer(e, r[A0], len, true);            // before any input is consumed
        byte[] b = new byte[len];
        int n = 0;
        while (n < len) {
            int c = console.read();
            if (c < 0) break;
            b[n++] = (byte) c;
            if (c == '\n') break;
        }
        memory.copyOut(e, r[A0], b, n);
        result(r, n);
        return false;
    }

    /** Results {number, token} as a0 and a1/a2. */
    private static void numberAndCap(int[] r, long[] v) {
        r[A0] = (int) v[0];
        putCap(r, A1, v[1]);
    }

    boolean blkRoot(Environment e, int[] r, int epc) {
        numberAndCap(r, blocks.root(e));
        return false;
    }

    boolean blkAlloc(Environment e, int[] r, int epc) {
        numberAndCap(r, blocks.allocate(e, r[A0]));
        return false;
    }

    boolean blkFree(Environment e, int[] r, int epc) {
        blocks.free(e, r[A0], cap(r, A1));
        result(r, 0);
        return false;
    }

    boolean blkCapRo(Environment e, int[] r, int epc) {
        putCap(r, A1, blocks.capRo(r[A0], cap(r, A1)));
        return false;
    }

    boolean blkRead(Environment e, int[] r, int epc) {
        result(r, blocks.read(e, r[A0], cap(r, A1), r[A3], cap(r, A4)));
        return false;
    }

    boolean blkWrite(Environment e, int[] r, int epc) {
        result(r, blocks.write(e, r[A0], cap(r, A1), r[A3], cap(r, A4)));
        return false;
    }

    boolean blkFlush(Environment e, int[] r, int epc) {
        result(r, blocks.flush(e));
        return false;
    }

    boolean blkDone(Environment e, int[] r, int epc) {
        long[] c = blocks.done(e);
        r[A0] = (int) c[0];
        r[A1] = (int) c[1];
        return false;
    }

    boolean blkRepossessed(Environment e, int[] r, int epc) {
        result(r, blocks.repossessed(e));
        return false;
    }

    boolean blkUsage(Environment e, int[] r, int epc) {
        int[] u = blocks.usage(e);
        r[A0] = u[0];
        r[A1] = u[1];
        r[A2] = u[2];
        return false;
    }

    boolean blkRevoke(Environment e, int[] r, int epc) {
        blocks.revokeFor(e, r[A0], cap(r, A1), r[A3]);
        result(r, 0);
        return false;
    }
}

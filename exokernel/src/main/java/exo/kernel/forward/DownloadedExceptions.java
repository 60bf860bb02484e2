package exo.kernel.forward;

import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.kernel.env.Environment;
import exo.kernel.mem.DownloadedHandler;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import exo.kernel.mem.Memory;
import exo.kernel.mem.TlbBatch;
import exo.os.CostModel;
import exo.os.Stats;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Downloaded exception handlers (env_set_exc_handler): for each environment, at most one
 * {@link DownloadedHandler} of kind EXCEPTION per cause, which the kernel runs on that cause
 * before forwarding it. A handler that resumes the environment resolves the exception in the
 * kernel, with no upcall and nothing saved; one that declines or is abandoned leaves the
 * exception to be forwarded exactly as if it were not there. Handlers go with their
 * environment; children do not inherit them.
 *
 * <p>Which causes: those an application may want resolved without an upcall (TLB misses the
 * STLB, the guaranteed mappings and a downloaded miss handler left, protection faults, address
 * errors, bus errors, illegal instructions, overflow, divide by zero, breakpoints). Not syscall
 * or the timer (the kernel's), not the kernel's events.
 *
 * <p>Besides resuming, a handler may ask for bindings ({@link DownloadedHandler#INSTALL},
 * {@link DownloadedHandler#OTHER_PAGE}): the faulting page's TLB entry, and a flush or protect of
 * one other page of its own, which is how a library OS unprotects a page on a protection fault
 * (and protects the one it opened before) with no upcall. Each is guarded exactly as the single
 * kernel call is; a refused one forwards the exception with nothing changed.
 */
public final class DownloadedExceptions {
    private final Cpu cpu;
    private final PhysicalMemory physical;
    private final CostModel cost;
    private final Stats stats;
    private final Memory memory;
    private final Map<Environment, DownloadedHandler[]> handlers = new IdentityHashMap<>();

    public DownloadedExceptions(Machine machine, CostModel cost, Stats stats, Memory memory) {
        this.cpu = machine.cpu;
        this.physical = machine.memory;
        this.cost = cost;
        this.stats = stats;
        this.memory = memory;
    }

    /** Whether an exception handler may be downloaded for this cause code. */
    public static boolean downloadable(int cause) {
        Cause c = Cause.ofCode(cause);
        return c != null && c.code >= Cause.TLB_MISS_LOAD.code && c.code <= Cause.BREAK.code && c != Cause.SYSCALL;
    }

    /** Installs (or, with null, removes) target's handler for a downloadable cause. */
    public void set(Environment target, int cause, DownloadedHandler h) {
        if (!downloadable(cause) || (h != null && h.kind != DownloadedHandler.Kind.EXCEPTION)) {
            throw new IllegalStateException("cannot install " + h + " for cause " + cause);
        }
        cost.charge(CostModel.TABLE_TOUCH);
        DownloadedHandler[] hs = handlers.get(target);
        if (hs == null) {
            if (h == null) return;
            hs = new DownloadedHandler[Cause.CODES];
            handlers.put(target, hs);
        }
        hs[cause] = h;
    }

    /** target's handler for cause, or null (for the monitor and tests). */
    public DownloadedHandler get(Environment target, int cause) {
        DownloadedHandler[] hs = handlers.get(target);
        return hs == null || cause < 0 || cause >= hs.length ? null : hs[cause];
    }

    /**
     * How many times in a row a downloaded handler may meet the same exception (environment,
     * cause, EPC) with no instruction retired in between before the kernel forwards it instead.
     * A handler that resumes without curing the fault (resumes at EPC, binds nothing) would
     * otherwise make the machine trap forever without retiring an instruction, where neither
     * the environment's time slice nor a run's instruction limit could end it: the host would
     * hang. Forwarding is what a decline does, so the environment's own handler, or its
     * destruction as an unhandled exception, takes over.
     */
    public static final int NO_PROGRESS_LIMIT = 64;

    /** The exception last met, and how many times in a row with no instruction retired. */
    private Environment lastEnv;
    private int lastCause, lastEpc, repeats;
    private long lastInstret;

    /** Whether this exception is the NO_PROGRESS_LIMIT-th in a row with no instruction retired (then it is forwarded). */
    private boolean noProgress(Environment e, Cause cause, int epc) {
        if (e == lastEnv && cause.code == lastCause && epc == lastEpc && cpu.instret == lastInstret) {
            if (++repeats < NO_PROGRESS_LIMIT) return false;
            lastEnv = null;
            stats.downloadedWithoutProgress++;
            return true;
        }
        lastEnv = e;
        lastCause = cause.code;
        lastEpc = epc;
        lastInstret = cpu.instret;
        repeats = 1;
        return false;
    }

    /** Drops every handler of an environment that is being destroyed. */
    public void release(Environment e) {
        handlers.remove(e);
    }

    /**
     * Runs e's handler for the exception, if it has one: true if the handler resumed e (its
     * registers, memory, PC and the bindings it asked for are then what the handler made them),
     * false if it has none, declined, was abandoned or asked for a binding the kernel refuses
     * (nothing changed: forward the exception).
     */
    public boolean resolve(Environment e, Cause cause, int epc, int badVaddr) {
        DownloadedHandler[] hs = handlers.get(e);
        if (hs == null || hs[cause.code] == null) return false;
        if (noProgress(e, cause, epc)) return false;
        cost.charge(CostModel.TABLE_TOUCH);
        DownloadedHandler h = hs[cause.code];
        int bad = cause.setsBadVaddr ? badVaddr : 0;
        if (h.runException(e, cpu.regs, cause.code, epc, bad, memory, physical, cost) != DownloadedHandler.Outcome.RESUME) return false;
        int[] w = h.result;
        if ((w[DownloadedHandler.INSTALL] != 0 || w[DownloadedHandler.OTHER_PAGE] != 0) && !bind(e, cause, bad, w)) return false;
        h.commit(cpu.regs);
        cpu.pc = w[DownloadedHandler.RESUME_PC];
        if (cause.code <= Cause.TLB_MISS_FETCH.code) stats.missesFilledDownloaded++;
        else stats.exceptionsResolvedDownloaded++;
        return true;
    }

    /**
     * The bindings a resuming handler asked for, each guarded as the single call is: the other
     * page's operation as tlb_batch's flush or protect of one page (only e's own bindings, so no
     * capability; a page in the user half), the faulting page's entry as tlb_write (flags and
     * capability). Everything is checked before anything takes effect; false if anything is
     * refused, with nothing changed. The other page goes first, so the faulting page's entry is
     * the one asked for even if both name it.
     */
    private boolean bind(Environment e, Cause cause, int bad, int[] w) {
        int other = w[DownloadedHandler.OTHER_PAGE];
        int otherKind = other & TlbBatch.KIND_MASK;
        boolean install = w[DownloadedHandler.INSTALL] != 0;
        int ppn = w[DownloadedHandler.INSTALL_PPN];
        int flags = 0;
        try {
            if (other != 0) {
                if ((otherKind != TlbBatch.OP_FLUSH && otherKind != TlbBatch.OP_PROTECT) || Pages.offset(other) != otherKind) {
                    throw new GuestError(KernelError.INVAL);
                }
                Memory.checkUserAddress(other);
            }
            if (install) {
                if (!cause.setsBadVaddr) throw new GuestError(KernelError.INVAL);
                long token = (w[DownloadedHandler.INSTALL_CAP_LO] & 0xFFFFFFFFL) | ((long) w[DownloadedHandler.INSTALL_CAP_HI] << 32);
                flags = memory.checkTlbWrite(bad, ppn, token, w[DownloadedHandler.INSTALL_FLAGS]);
            }
        } catch (GuestError refused) {
            return false;
        }
        if (other != 0) {
            int page = Pages.start(Pages.number(other));
            if (otherKind == TlbBatch.OP_FLUSH) memory.flush(e, page);
            else memory.protect(e, page);
        }
        if (install) memory.install(e, bad, ppn, flags);
        return true;
    }
}

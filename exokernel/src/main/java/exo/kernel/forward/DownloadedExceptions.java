package exo.kernel.forward;

import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Machine;
import exo.emulator.machine.PhysicalMemory;
import exo.kernel.env.Environment;
import exo.kernel.mem.DownloadedHandler;
import exo.kernel.mem.Memory;
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
 * <p>Which causes: those an application may want resolved without an upcall (protection faults,
 * address errors, bus errors, illegal instructions, overflow, divide by zero, breakpoints). Not
 * TLB misses (env_set_miss_handler has their own protocol), not syscall or the timer (the
 * kernel's), not the kernel's events.
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
        return c != null && c.code >= Cause.PROT_STORE.code && c.code <= Cause.BREAK.code && c != Cause.SYSCALL;
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

    /** Drops every handler of an environment that is being destroyed. */
    public void release(Environment e) {
        handlers.remove(e);
    }

    /**
     * Runs e's handler for the exception, if it has one: true if the handler resumed e (its
     * registers, memory and PC are then what the handler made them), false if it has none,
     * declined or was abandoned (nothing changed: forward the exception).
     */
    public boolean resolve(Environment e, Cause cause, int epc, int badVaddr) {
        DownloadedHandler[] hs = handlers.get(e);
        if (hs == null || hs[cause.code] == null) return false;
        cost.charge(CostModel.TABLE_TOUCH);
        DownloadedHandler h = hs[cause.code];
        int bad = cause.setsBadVaddr ? badVaddr : 0;
        if (h.runException(e, cpu.regs, cause.code, epc, bad, memory, physical, cost) != DownloadedHandler.Outcome.RESUME) return false;
        cpu.pc = h.result[0];
        stats.exceptionsResolvedDownloaded++;
        return true;
    }
}

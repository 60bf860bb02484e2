package exo.kernel.revoke;

import exo.emulator.machine.Cpu;
import exo.kernel.env.Environment;
import exo.kernel.env.Environments;
import exo.kernel.env.KernelEvent;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import exo.kernel.forward.Forwarder;
import exo.kernel.mem.Memory;
import exo.kernel.mem.PageOwners;
import exo.os.CostModel;
import exo.os.KernelOptions;
import exo.os.Stats;
import java.util.function.Consumer;

/**
 * Visible revocation and the abort protocol (Aegis §3.4). The kernel asks an environment for a
 * page back by delivering a {@code revoke} event (BADVADDR = page number) to its handler; the
 * environment frees that page (or any page: the kernel only needs one back). If the page is
 * still held when the deadline passes, the kernel breaks every binding to it by force, frees
 * it, records it in the environment's repossession vector and delivers a {@code repossess}
 * event. Pages under guaranteed mappings, and the guaranteed minimum
 * ({@code options.minimumPages()}), are never taken.
 *
 * <p>Deadlines are enforced at the next kernel entry at or after them (a timer interrupt
 * bounds the delay to one time slice). Events are delivered when the environment is on the
 * CPU at a point where an upcall is safe (see {@link Forwarder#safeToUpcall}) and not at an
 * entry point whose k0/k1 the kernel has just loaded.
 */
public final class Revoker {
    private final Cpu cpu;
    private final KernelOptions options;
    private final CostModel cost;
    private final Stats stats;
    private final Environments envs;
    private final PageOwners pages;
    private final Memory memory;
    private final Forwarder forwarder;
    private final Consumer<String> log;
    private int pending;

    /** Revocation over these subsystems; what it asks for and takes is reported to log. */
    public Revoker(Cpu cpu, KernelOptions options, CostModel cost, Stats stats, Environments envs, PageOwners pages, Memory memory, Forwarder forwarder,
                   Consumer<String> log) {
        this.cpu = cpu;
        this.options = options;
        this.cost = cost;
        this.stats = stats;
        this.envs = envs;
        this.pages = pages;
        this.memory = memory;
        this.forwarder = forwarder;
        this.log = log;
    }

    /**
     * Asks e to give page ppn back by the deadline. Returns false (nothing asked) if e does not
     * own the page, the page is pinned, e is at its guaranteed minimum, or a request is already
     * outstanding.
     */
    public boolean request(Environment e, int ppn) {
        if (!e.alive() || !pages.inRange(ppn) || pages.owner(ppn) != e.id || pages.pinned(ppn)) return false;
        if (e.pages <= options.minimumPages() || e.revokePpn != Environment.NO_PAGE) return false;
        e.revokePpn = ppn;
        e.revokeDeadline = cpu.cycles + options.revokeDeadline();
        e.revokeDelivered = false;
        e.pagesAtRequest = e.pages;
        pending++;
        log.accept(e + ": asked to give back page " + ppn + " by cycle " + e.revokeDeadline);
        if (stats.tracer != null) stats.tracer.revocation(e.id, "request", ppn);
        return true;
    }

    /**
     * Memory ran out while serving requester: ask the environment holding the most pages above
     * its minimum (other than the requester) for its highest unpinned page.
     */
    public void reclaimFor(Environment requester) {
        Environment victim = null;
        for (Environment e : envs.all()) {
            if (e != requester && e.revokePpn == Environment.NO_PAGE && e.pages > options.minimumPages() && (victim == null || e.pages > victim.pages)) victim = e;
        }
        if (victim == null) return;
        for (int p = pages.pages() - 1; p >= 0; p--) {
            if (pages.owner(p) == victim.id && !pages.pinned(p)) {
                request(victim, p);
                return;
            }
        }
    }

    /** Retires requests that were honoured and repossesses pages whose deadline passed. */
    public void checkDeadlines() {
        if (pending == 0) return;
        for (Environment e : envs.all()) {
            if (e.revokePpn == Environment.NO_PAGE) continue;
            cost.charge(CostModel.TABLE_TOUCH);
            int ppn = e.revokePpn;
            if (pages.owner(ppn) != e.id || gaveBackOther(e)) {
                finish(e);
                if (stats.tracer != null) stats.tracer.revocation(e.id, "honoured", ppn);
            } else if (cpu.cycles >= e.revokeDeadline) {
                finish(e);
                if (pages.pinned(ppn)) continue;
                memory.release(e, ppn);
                if (e.repossessed.size() == Environment.REPOSSESSION_SLOTS) e.repossessed.removeFirst();
                e.repossessed.addLast(ppn);
                e.repossessionPending = true;
                e.repossessedPpn = ppn;
                log.accept(e + ": page " + ppn + " repossessed after the revocation deadline");
                if (stats.tracer != null) stats.tracer.revocation(e.id, "repossessed", ppn);
            }
        }
    }

    /** Whether e freed some page since the request (the kernel accepts any page back). */
    private boolean gaveBackOther(Environment e) {
        return e.pagesAtRequest > e.pages;
    }

    private void finish(Environment e) {
        e.revokePpn = Environment.NO_PAGE;
        pending--;
    }

    /** Delivers e's pending revoke or repossess event if an upcall is safe now. */
    public void deliverPending(Environment e) {
        if (e.revokePpn == Environment.NO_PAGE && !e.repossessionPending) return;
        int pc = cpu.pc;
        // Not at an entry whose k0/k1 the kernel just loaded (prologue, IPC entry, epilogue, handler).
        if (e.inEpilogue || (pc == e.prologue && pc != 0) || (pc == e.ipcEntry && pc != 0) || !forwarder.safeToUpcall(e, pc)) return;
        if (e.repossessionPending) {
            e.repossessionPending = false;
            if (e.handler[KernelEvent.REPOSSESS] != 0) forwarder.forwardEvent(e, KernelEvent.REPOSSESS, cpu.pc, e.repossessedPpn);
        } else if (!e.revokeDelivered && e.handler[KernelEvent.REVOKE] != 0) {
            e.revokeDelivered = true;
            forwarder.forwardEvent(e, KernelEvent.REVOKE, cpu.pc, e.revokePpn);
        }
    }

    /** Forgets e's outstanding request (e is being destroyed). */
    public void cancel(Environment e) {
        if (e.revokePpn != Environment.NO_PAGE) finish(e);
    }

    /** Pops the oldest repossessed page of e; E_NOTFOUND if none is left. */
    public int takeRepossessed(Environment e) {
        Integer p = e.repossessed.pollFirst();
        if (p == null) throw new GuestError(KernelError.NOTFOUND);
        return p;
    }
}

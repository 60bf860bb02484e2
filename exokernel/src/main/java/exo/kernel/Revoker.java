package exo.kernel;

import exo.kernel.env.Environment;
import exo.kernel.env.KernelEvent;
import exo.os.CostModel;

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
    private final Kernel k;
    private int pending;

    Revoker(Kernel k) {
        this.k = k;
    }

    /**
     * Asks e to give page ppn back by the deadline. Returns false (nothing asked) if e does not
     * own the page, the page is pinned, e is at its guaranteed minimum, or a request is already
     * outstanding.
     */
    public boolean request(Environment e, int ppn) {
        if (!e.alive() || !k.pages.inRange(ppn) || k.pages.owner(ppn) != e.id || k.pages.pinned(ppn)) return false;
        if (e.pages <= k.options.minimumPages() || e.revokePpn >= 0) return false;
        e.revokePpn = ppn;
        e.revokeDeadline = k.cpu.cycles + k.options.revokeDeadline();
        e.revokeDelivered = false;
        e.pagesAtRequest = e.pages;
        pending++;
        k.note(e + ": asked to give back page " + ppn + " by cycle " + e.revokeDeadline);
        return true;
    }

    /**
     * Memory ran out while serving requester: ask the environment holding the most pages above
     * its minimum (other than the requester) for its highest unpinned page.
     */
    void reclaimFor(Environment requester) {
        Environment victim = null;
        for (Environment e : k.environments()) {
            if (e != requester && e.revokePpn < 0 && e.pages > k.options.minimumPages() && (victim == null || e.pages > victim.pages)) victim = e;
        }
        if (victim == null) return;
        for (int p = k.pages.pages() - 1; p >= 0; p--) {
            if (k.pages.owner(p) == victim.id && !k.pages.pinned(p)) {
                request(victim, p);
                return;
            }
        }
    }

    /** Retires requests that were honoured and repossesses pages whose deadline passed. */
    void checkDeadlines() {
        if (pending == 0) return;
        for (Environment e : k.environments()) {
            if (e.revokePpn < 0) continue;
            k.cost.charge(CostModel.TABLE_TOUCH);
            int ppn = e.revokePpn;
            if (k.pages.owner(ppn) != e.id || gaveBackOther(e)) {
                finish(e);
            } else if (k.cpu.cycles >= e.revokeDeadline) {
                finish(e);
                if (k.pages.pinned(ppn)) continue;
                k.memory.release(e, ppn);
                if (e.repossessed.size() == Environment.REPOSSESSION_SLOTS) e.repossessed.removeFirst();
                e.repossessed.addLast(ppn);
                e.repossessionPending = true;
                e.repossessedPpn = ppn;
                k.note(e + ": page " + ppn + " repossessed after the revocation deadline");
            }
        }
    }

    /** Whether e freed some page since the request (the kernel accepts any page back). */
    private boolean gaveBackOther(Environment e) {
        return e.pagesAtRequest > e.pages;
    }

    private void finish(Environment e) {
        e.revokePpn = -1;
        pending--;
    }

    /** Delivers e's pending revoke or repossess event if an upcall is safe now. */
    void deliverPending(Environment e) {
        if (e.revokePpn < 0 && !e.repossessionPending) return;
        int pc = k.cpu.pc;
        // Not at an entry whose k0/k1 the kernel just loaded (prologue, IPC entry, epilogue, handler).
        if (e.inEpilogue || (pc == e.prologue && pc != 0) || (pc == e.ipcEntry && pc != 0) || !k.forwarder.safeToUpcall(e, pc)) return;
        if (e.repossessionPending) {
            e.repossessionPending = false;
            if (e.handler[KernelEvent.REPOSSESS] != 0) k.forwarder.forwardEvent(e, KernelEvent.REPOSSESS, k.cpu.pc, e.repossessedPpn);
        } else if (!e.revokeDelivered && e.handler[KernelEvent.REVOKE] != 0) {
            e.revokeDelivered = true;
            k.forwarder.forwardEvent(e, KernelEvent.REVOKE, k.cpu.pc, e.revokePpn);
        }
    }

    /** Forgets e's outstanding request (e is being destroyed). */
    void cancel(Environment e) {
        if (e.revokePpn >= 0) finish(e);
    }

    /** Pops the oldest repossessed page of e, or -1. */
    public int takeRepossessed(Environment e) {
        Integer p = e.repossessed.pollFirst();
        return p == null ? -1 : p;
    }
}

package exo.kernel.mem;

import exo.emulator.machine.Machine;
import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.emulator.machine.Tlb;
import exo.kernel.env.Environment;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import exo.os.CostModel;
import exo.os.GuestOs;
import exo.os.KernelOptions;
import exo.os.Stats;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Physical pages and secure bindings: allocation with capabilities, guarded TLB writes, probe
 * and flush, the STLB, guaranteed mappings, and the kernel's own access to guest buffers.
 *
 * <p>Invariant: every valid hardware TLB entry tagged with an environment's ASID was verified
 * against a capability (or a guaranteed mapping) when written, and is removed when the page it
 * maps is freed or repossessed. STLB entries need no removal: they die with the page's
 * generation or the environment's id.
 */
public final class Memory {
    /** Flags a guest may ask for in a TLB write; VALID is implied, GLOBAL is the kernel's alone. */
    public static final int GUEST_FLAGS = Tlb.VALID | Tlb.WRITABLE | Tlb.EXECUTABLE | Tlb.NOCACHE;
    /** What {@link #tryTranslate} and {@link #peek} answer for an address e has no binding for (with the rights asked). */
    public static final int UNMAPPED = GuestOs.UNMAPPED;
    /** The va of tlb_flush that flushes every binding. */
    public static final int FLUSH_ALL = -1;
    /**
     * Guests bind virtual addresses below this only: the top half of the address space is the
     * kernel's (docs/formats.md), so tlb_write and env_guarantee refuse it with E_INVAL.
     */
    public static final int USER_LIMIT = 0x8000_0000;

    private final Tlb tlb;
    private final PhysicalMemory physical;
    private final CostModel cost;
    private final Stats stats;
    private final KernelOptions options;
    private final PageOwners pages;
    private final Stlb stlb;
    private final Consumer<Environment> outOfPages;
    /** Each environment's downloaded TLB-miss handler; dropped with the environment. */
    private final Map<Environment, DownloadedHandler> downloaded = new IdentityHashMap<>();
    /** "downloaded handler" if that filled the last miss {@link #refill} filled, else null: for the monitor's trap log. */
    private String lastRefill;

    /**
     * Memory for the machine's TLB and physical memory, over the page owners and the STLB.
     * outOfPages is told who was refused a page because none was free (the revoker then asks
     * someone for one back).
     */
    public Memory(Machine machine, CostModel cost, Stats stats, KernelOptions options, PageOwners pages, Stlb stlb,
                  Consumer<Environment> outOfPages) {
        this.tlb = machine.tlb;
        this.physical = machine.memory;
        this.cost = cost;
        this.stats = stats;
        this.options = options;
        this.pages = pages;
        this.stlb = stlb;
        this.outOfPages = outOfPages;
    }

    /**
     * Fills the TLB for a miss (of cause code) at va from the STLB, a guaranteed mapping, or the
     * environment's downloaded handler; false if none has it (the miss is then forwarded).
     */
    public boolean refill(Environment e, int va, int cause) {
        int vpn = Pages.number(va);
        stats.stlbLookups++;
        cost.charge(CostModel.TABLE_TOUCH);
        int line = stlb.lookup(vpn, e.id, e.stlbEpoch, pages);
        if (line != Stlb.MISS) {
            stats.stlbHits++;
            stats.missesFilledStlb++;
            if (stats.tracer != null) stats.tracer.resolved(e.id, va, "stlb");
            tlb.writeReplacing(vpn, e.asid, stlb.ppn(line), stlb.flags(line));
            cost.charge(CostModel.TLB_WRITE);
            lastRefill = null;
            return true;
        }
        cost.charge(CostModel.TABLE_TOUCH);
        Environment.Guaranteed g = e.guaranteed.get(vpn);
        if (g != null) {
            stats.missesFilledGuaranteed++;
            if (stats.tracer != null) stats.tracer.resolved(e.id, va, "guaranteed");
            tlb.writeReplacing(vpn, e.asid, g.ppn(), g.flags());
            cost.charge(CostModel.TLB_WRITE);
            lastRefill = null;
            return true;
        }
        DownloadedHandler h = downloaded.get(e);
        return h != null && runDownloaded(e, h, va, cause);
    }

    /** Runs e's downloaded handler for a miss and makes the TLB write it asks for, guarded as tlb_write is. */
    private boolean runDownloaded(Environment e, DownloadedHandler h, int va, int cause) {
        cost.charge(CostModel.TABLE_TOUCH);
        if (h.run(e, va, cause, physical, cost) != DownloadedHandler.Outcome.INSTALL) return false;
        int[] w = h.result;
        try {
            tlbWrite(e, va, w[0], (w[1] & 0xFFFFFFFFL) | ((long) w[2] << 32), w[3]);
        } catch (GuestError refused) {
            return false;
        }
        stats.missesFilledDownloaded++;
        lastRefill = "downloaded handler";
        return true;
    }

    /** Installs (or, with null, removes) target's downloaded TLB-miss handler. */
    public void setMissHandler(Environment target, DownloadedHandler h) {
        cost.charge(CostModel.TABLE_TOUCH);
        if (h == null) downloaded.remove(target);
        else downloaded.put(target, h);
    }

    /** "downloaded handler" if the environment's downloaded handler filled the last miss refill filled, else null (STLB, guaranteed mapping). */
    public String lastRefill() {
        return lastRefill;
    }

    /** target's downloaded handler, or null (for the monitor and tests). */
    public DownloadedHandler missHandler(Environment target) {
        return downloaded.get(target);
    }

    /** Allocates page ppn ({@link PageOwners#ANY}: any) to owner, cleared; returns it. Enforces the owner's page limit. */
    public int allocate(Environment owner, int ppn) {
        if (ppn < 0 && ppn != PageOwners.ANY) throw new GuestError(KernelError.INVAL);
        if (owner.pages >= owner.pageLimit) throw new GuestError(KernelError.LIMIT);
        cost.charge(CostModel.TABLE_TOUCH);
        int p;
        try {
            p = pages.allocate(ppn, owner.id);
        } catch (GuestError err) {
            if (err.error == KernelError.NOMEM) outOfPages.accept(owner);
            throw err;
        }
        owner.pages++;
        physical.clearPage(p);
        cost.charge(CostModel.PAGE_CLEAR);
        return p;
    }

    /** Frees a page its owner holds the read-write capability for. */
    public void free(Environment caller, int ppn, long token) {
        checkCap(ppn, token, true);
        if (pages.owner(ppn) != caller.id) throw new GuestError(KernelError.PERM);
        if (pages.pinned(ppn)) throw new GuestError(KernelError.BUSY);
        release(caller, ppn);
    }

    /** Checks a capability, charging for it; returns whether it grants writing. */
    public boolean checkCap(int ppn, long token, boolean needWrite) {
        cost.charge(CostModel.TABLE_TOUCH + CostModel.CAP_CHECK);
        return pages.check(ppn, token, needWrite);
    }

    /** Takes ppn from its owner: breaks every TLB binding to it, drops guaranteed mappings, frees it. */
    public void release(Environment owner, int ppn) {
        for (Environment.Guaranteed g : owner.guaranteed.values()) {
            if (g.ppn() == ppn) unguarantee(owner, Pages.start(g.vpn()));
        }
        breakBindings(ppn);
        pages.release(ppn);
        owner.pages--;
    }

    /** Removes every hardware TLB entry, of any ASID, that maps ppn. */
    private void breakBindings(int ppn) {
        cost.charge(CostModel.TLB_SCAN);
        for (int s = 0; s < Tlb.SIZE; s++) {
            if (tlb.isValid(s) && tlb.pfn(s) == ppn) tlb.invalidate(s);
        }
    }

    /** Frees everything e owns (it is being destroyed). */
    public void releaseAll(Environment e) {
        downloaded.remove(e);
        for (Environment.Guaranteed g : e.guaranteed.values()) pages.unpin(g.ppn());
        e.guaranteed.clear();
        e.resolveSaveArea();
        for (int p = 0; p < pages.pages() && e.pages > 0; p++) {
            if (pages.owner(p) == e.id) {
                cost.charge(CostModel.TABLE_TOUCH);
                release(e, p);
            }
        }
    }

    /** Installs va → ppn with flags for e after checking the capability and its rights; caches it in the STLB. */
    public void tlbWrite(Environment e, int va, int ppn, long token, int flags) {
        install(e, va, ppn, checkTlbWrite(va, ppn, token, flags));
    }

    /**
     * Every check {@link #tlbWrite} makes (a user address, the guest's flags, the capability with
     * the rights the flags need), charged as it charges them, with no effect: refused with the
     * error tlb_write would return. Returns the flags to {@link #install}.
     */
    public int checkTlbWrite(int va, int ppn, long token, int flags) {
        checkUserAddress(va);
        int f = checkFlags(flags);
        checkCap(ppn, token, (f & Tlb.WRITABLE) != 0);
        return f;
    }

    /** The effect of a {@link #tlbWrite} that {@link #checkTlbWrite} allowed: the TLB entry and the STLB line. */
    public void install(Environment e, int va, int ppn, int f) {
        int vpn = Pages.number(va);
        tlb.writeReplacing(vpn, e.asid, ppn, f);
        stlb.insert(vpn, e.id, e.stlbEpoch, ppn, f, pages.generation(ppn));
        cost.charge(CostModel.TLB_WRITE + CostModel.TABLE_TOUCH);
    }

    /** Refuses (E_INVAL) an address in the kernel's half. */
    public static void checkUserAddress(int va) {
        if (Integer.compareUnsigned(va, USER_LIMIT) >= 0) throw new GuestError(KernelError.INVAL);
    }

    private static int checkFlags(int flags) {
        if ((flags & ~GUEST_FLAGS) != 0) throw new GuestError(KernelError.INVAL);
        return flags | Tlb.VALID;
    }

    /**
     * Probes e's binding of va: returns {ppn, flags} from the hardware TLB (flags include
     * REFERENCED), else from the STLB or a guaranteed mapping (not referenced: not in the TLB).
     * If clearReferenced, the hardware entry's referenced bit is cleared after reading.
     */
    public int[] probe(Environment e, int va, boolean clearReferenced) {
        int vpn = Pages.number(va);
        cost.charge(CostModel.TLB_PROBE);
        int s = tlb.lookup(vpn, e.asid);
        if (s >= 0 && tlb.asid(s) == e.asid) {
            int[] r = {tlb.pfn(s), tlb.flags(s)};
            if (clearReferenced) tlb.clearReferenced(s);
            return r;
        }
        cost.charge(2 * CostModel.TABLE_TOUCH);
        int line = stlb.lookup(vpn, e.id, e.stlbEpoch, pages);
        if (line != Stlb.MISS) return new int[] {stlb.ppn(line), stlb.flags(line)};
        Environment.Guaranteed g = e.guaranteed.get(vpn);
        if (g != null) return new int[] {g.ppn(), g.flags()};
        throw new GuestError(KernelError.NOTFOUND);
    }

    /** Reads hardware TLB slot: {vpn, ppn, flags}; only slots tagged with e's ASID are visible. */
    public int[] readSlot(Environment e, int slot) {
        if (slot < 0 || slot >= Tlb.SIZE) throw new GuestError(KernelError.INVAL);
        cost.charge(CostModel.TABLE_TOUCH);
        if (!tlb.isValid(slot) || tlb.asid(slot) != e.asid) throw new GuestError(KernelError.NOTFOUND);
        return new int[] {tlb.vpn(slot), tlb.pfn(slot), tlb.flags(slot)};
    }

    /** Removes e's binding of va (TLB and STLB), or with va == {@link #FLUSH_ALL} all of e's bindings. Guaranteed mappings stay. */
    public void flush(Environment e, int va) {
        if (va == FLUSH_ALL) {
            cost.charge(CostModel.TLB_SCAN);
            tlb.flushAsid(e.asid);
            e.stlbEpoch++;
            return;
        }
        cost.charge(CostModel.TLB_PROBE + CostModel.TABLE_TOUCH);
        int vpn = Pages.number(va);
        int s = tlb.lookup(vpn, e.asid);
        if (s >= 0 && tlb.asid(s) == e.asid) {
            tlb.invalidate(s);
            cost.charge(CostModel.TLB_WRITE);
        }
        stlb.remove(vpn, e.id);
    }

    /**
     * Takes write permission away from e's binding of va (TLB and STLB) and leaves it valid for
     * reads. Needs no capability: rights only shrink, and only e's own bindings are touched.
     * A page under a guaranteed mapping keeps its entry as it is: the kernel refills those on a
     * miss and never forwards their faults, so a read-only entry there would be a fault its
     * owner could not resolve.
     */
    public void protect(Environment e, int va) {
        cost.charge(CostModel.TLB_PROBE + CostModel.TABLE_TOUCH);
        int vpn = Pages.number(va);
        if (e.guaranteed.get(vpn) != null) return;        // refilled as guaranteed, never protected
        int s = tlb.lookup(vpn, e.asid);
        if (s >= 0 && tlb.asid(s) == e.asid && (tlb.flags(s) & Tlb.WRITABLE) != 0) {
            tlb.clearWritable(s);
            cost.charge(CostModel.TLB_WRITE);
        }
        stlb.downgrade(vpn, e.id);
    }

    /**
     * Adds a guaranteed mapping va → ppn for target, which must own the page and present its
     * capability (read-write for a writable mapping). The page is pinned: never repossessed,
     * not freeable until unguaranteed.
     */
    public void guarantee(Environment target, int va, int ppn, long token, int flags) {
        checkUserAddress(va);
        int f = checkFlags(flags);
        checkCap(ppn, token, (f & Tlb.WRITABLE) != 0);
        if (pages.owner(ppn) != target.id) throw new GuestError(KernelError.PERM);
        int vpn = Pages.number(va);
        Environment.Guaranteed old = target.guaranteed.get(vpn);
        if (old == null && target.guaranteed.size() >= options.maxGuaranteed()) throw new GuestError(KernelError.LIMIT);
        if (old != null) unguarantee(target, va);
        target.guaranteed.put(new Environment.Guaranteed(vpn, ppn, f));
        target.resolveSaveArea();
        pages.pin(ppn);
        cost.charge(CostModel.TABLE_TOUCH);
    }

    /** Removes target's guaranteed mapping of va and its TLB entry. */
    public void unguarantee(Environment target, int va) {
        int vpn = Pages.number(va);
        Environment.Guaranteed g = target.guaranteed.remove(vpn);
        target.resolveSaveArea();
        if (g == null) throw new GuestError(KernelError.NOTFOUND);
        pages.unpin(g.ppn());
        int s = tlb.lookup(vpn, target.asid);
        if (s >= 0 && tlb.asid(s) == target.asid) tlb.invalidate(s);
        cost.charge(CostModel.TABLE_TOUCH + CostModel.TLB_PROBE);
    }

    /**
     * Physical address of e's va through its own bindings (TLB, STLB, guaranteed), with the
     * rights asked for; E_FAULT if e has no such binding. Never takes a trap.
     */
    public int translate(Environment e, int va, boolean write) {
        cost.charge(CostModel.TABLE_TOUCH);
        int pa = lookup(e, va, write);
        if (pa == UNMAPPED) throw new GuestError(KernelError.FAULT);
        return pa;
    }

    /** Same as {@link #translate} but answers {@link #UNMAPPED} instead of refusing. */
    public int tryTranslate(Environment e, int va, boolean write) {
        cost.charge(CostModel.TABLE_TOUCH);
        return lookup(e, va, write);
    }

    /**
     * The physical address of va through e's bindings, or {@link #UNMAPPED}: no charge and no state change
     * (for debuggers and the monitor).
     */
    public int peek(Environment e, int va) {
        return lookup(e, va, false);
    }

    /** The same with the rights asked for: a store needs a writable binding. */
    public int peek(Environment e, int va, boolean write) {
        return lookup(e, va, write);
    }

    private int lookup(Environment e, int va, boolean write) {
        int vpn = Pages.number(va);
        int ppn, f;
        int s = tlb.lookup(vpn, e.asid);
        if (s >= 0 && tlb.asid(s) == e.asid) {
            ppn = tlb.pfn(s);
            f = tlb.flags(s);
        } else {
            int line = stlb.lookup(vpn, e.id, e.stlbEpoch, pages);
            if (line != Stlb.MISS) {
                ppn = stlb.ppn(line);
                f = stlb.flags(line);
            } else {
                Environment.Guaranteed g = e.guaranteed.get(vpn);
                if (g == null) return UNMAPPED;
                ppn = g.ppn();
                f = g.flags();
            }
        }
        if (!pages.inRange(ppn) || (write && (f & Tlb.WRITABLE) == 0)) return UNMAPPED;
        return Pages.address(ppn, Pages.offset(va));
    }

    /** Checks a guest buffer's length: 0..{@link #MAX_BUFFER} bytes. */
    public static void checkLength(int len) {
        if (len < 0 || len > MAX_BUFFER) throw new GuestError(KernelError.INVAL);
    }

    /** Longest buffer one kernel call copies. */
    public static final int MAX_BUFFER = 1 << 16;

    /** Copies len bytes of e's memory at va into a new array; E_FAULT if any page is not readable. */
    public byte[] copyIn(Environment e, int va, int len) {
        checkLength(len);
        byte[] b = new byte[len];
        int done = 0;
        while (done < len) {
            int a = va + done;
            int n = Math.min(len - done, PhysicalMemory.PAGE_SIZE - Pages.offset(a));
            int pa = translate(e, a, false);
            physical.read(pa, b, done, n);
            done += n;
        }
        cost.charge(((len + 3) / 4) * CostModel.WORD_COPIED);
        return b;
    }

    /** Checks the length and that every page of [va, va + len) is mapped for e with the rights asked for. */
    public void checkBuffer(Environment e, int va, int len, boolean write) {
        checkLength(len);
        for (int done = 0; done < len; ) {
            int a = va + done;
            translate(e, a, write);
            done += Math.min(len - done, PhysicalMemory.PAGE_SIZE - Pages.offset(a));
        }
    }

    /** Copies b into e's memory at va; every page is checked writable before any byte is written. */
    public void copyOut(Environment e, int va, byte[] b, int len) {
        checkBuffer(e, va, len, true);
        for (int done = 0; done < len; ) {
            int a = va + done;
            int n = Math.min(len - done, PhysicalMemory.PAGE_SIZE - Pages.offset(a));
            physical.write(translate(e, a, true), b, done, n);
            done += n;
        }
        cost.charge(((len + 3) / 4) * CostModel.WORD_COPIED);
    }
}

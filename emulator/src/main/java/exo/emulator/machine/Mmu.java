package exo.emulator.machine;

import java.util.Arrays;

/**
 * Address translation: the guest {@link Tlb} plus a host-side translation cache in front of it.
 *
 * <p>The host cache is three direct-mapped arrays (load, store, fetch) indexed by the low bits
 * of the virtual page number. Each line holds a page-aligned virtual address as its tag and the
 * physical page base it maps to. Invariant: every line mirrors a valid entry the guest TLB holds
 * now, for the current ASID, with the rights its kind needs (store lines only for writable
 * entries, fetch lines only for executable ones) and with the referenced bit
 * already set. Any TLB change, ASID change or referenced-bit clear drops the affected lines, so
 * a hit never serves a translation the guest TLB no longer holds. Every line maps a page that is
 * {@link PhysicalMemory#materialise materialised}, so the fast paths read and write it as
 * they find it. Store lines, in addition, never
 * map a page {@link PhysicalMemory#watchCode watched} for translated code: a store that hits
 * needs no code-watch check (the JIT's fast path writes without one), and every store into a
 * code page takes the slow path, which does.
 *
 * <p>Load and store lines never map a {@link #setWatchedPages watched} virtual page either
 * (a debugger's watchpoints): every load and store there takes the slow path, which, while the
 * machine runs with watch stops on, refuses it as if it faulted and flags {@link #watchStop}, so
 * the engine leaves the instruction unexecuted and the debugger steps it under its own checks.
 * Pages not watched keep the fast path; a watchpoint costs only the accesses to its page.
 *
 * <p>The fast path, inlined by the interpreter and the JIT, is:
 * {@code tag[(va >>> 12) & HOST_MASK] == (va & ~0xFFF) ? base[...] | (va & 0xFFF) : slow(va)}.
 */
public final class Mmu {
    public static final int LOAD = 0, STORE = 1, FETCH = 2;
    public static final int HOST_BITS = 8;
    public static final int HOST_LINES = 1 << HOST_BITS;
    public static final int HOST_MASK = HOST_LINES - 1;
    /**
     * The tag of an empty line. No address masked for a tag compare equals it: the JIT compares
     * {@code va & ~0xFFF | (size - 1)} (page plus the alignment bits) against tags, so an empty
     * tag must have a bit set inside the page offset above the alignment bits.
     */
    public static final int EMPTY = 0x800;

    /** What a translation returns when it faults; no physical address is negative. */
    public static final int FAULT = -1;

    public final int[] loadTag = new int[HOST_LINES], loadBase = new int[HOST_LINES];
    public final int[] storeTag = new int[HOST_LINES], storeBase = new int[HOST_LINES];
    /**
     * The array of {@link PhysicalMemory} holding a load or store line's physical page, set with
     * its tag, for translated code that indexes the page directly. A line is filled only for a
     * materialised page, and a materialised page keeps its array, so while the tag matches the
     * array is the page's.
     */
    public final byte[][] loadPage = new byte[HOST_LINES][], storePage = new byte[HOST_LINES][];
    public final int[] fetchTag = new int[HOST_LINES], fetchBase = new int[HOST_LINES];

    private final Tlb tlb;
    private final PhysicalMemory memory;
    private int asid;
    /**
     * Why the last {@link #translate} that returned {@link #FAULT} faulted. The engine that
     * called it raises this cause at once (no other translation comes between).
     */
    public Cause fault;
    /** Slow-path translations (host cache misses), for statistics. */
    public long hostMisses;
    /** Virtual page numbers whose loads and stores get no host-cache lines (sorted, distinct). */
    private int[] watchedPages = new int[0];
    /** Whether an access to a watched page is refused ({@link Machine#run} with watched pages). */
    boolean watchStops;
    /** Set when a translation was refused for a watched page; {@link Machine#raise} consumes it. */
    boolean watchStop;
    /** Where the slow path records the pages it translates, or null ({@link Machine#record}). */
    Footprint footprint;

    public Mmu(Tlb tlb, PhysicalMemory memory) {
        this.tlb = tlb;
        this.memory = memory;
        tlb.attach(this);
        memory.onWatchStarted(this::dropStoreLines);
        flushHostCache();
    }

    public int asid() {
        return asid;
    }

    /** Changes the current address space; the host cache holds only the current ASID's lines. */
    public void setAsid(int asid) {
        if ((asid & 0xFF) != this.asid) {
            this.asid = asid & 0xFF;
            flushHostCache();
        }
    }

    /**
     * Translates va for an access of kind through the TLB, setting the entry's referenced bit
     * and filling the host cache. Returns the physical address, or {@link #FAULT} with the
     * cause (TLB miss, protection, bus error) left in {@link #fault} for the engine to raise.
     * Alignment is the caller's check.
     */
    public int translate(int va, int kind) {
        int vpn = va >>> PhysicalMemory.PAGE_SHIFT;
        if (footprint != null && kind != FETCH) footprint.accessed(vpn, kind);
        int slot = tlb.lookup(vpn, asid);
        if (slot < 0) return fault(missCause(kind));
        int f = tlb.flags(slot);
        if (kind == STORE && (f & Tlb.WRITABLE) == 0) return fault(Cause.PROT_STORE);
        if (kind == FETCH && (f & Tlb.EXECUTABLE) == 0) return fault(Cause.PROT_FETCH);
        int pfn = tlb.pfn(slot);
        if (pfn >= memory.pages()) return fault(Cause.BUS_ERROR);
        boolean watched = kind != FETCH && debuggerWatches(vpn);
        if (watched && watchStops) {
            watchStop = true;
            return fault(missCause(kind));
        }
        tlb.markReferenced(slot);
        memory.materialise(pfn);
        // A store line lets stores skip PhysicalMemory's checked writers, so the page counts as written now.
        if (kind == STORE) memory.markWritten(pfn);
        else if (kind == FETCH && footprint != null) footprint.fetched(vpn, pfn);
        hostMisses++;
        int tag = va & ~PhysicalMemory.PAGE_MASK;
        int base = pfn << PhysicalMemory.PAGE_SHIFT;
        if (watched) return base | (va & PhysicalMemory.PAGE_MASK);
        int line = vpn & HOST_MASK;
        switch (kind) {
            case LOAD: loadTag[line] = tag; loadBase[line] = base; loadPage[line] = memory.page(pfn); break;
            case FETCH: fetchTag[line] = tag; fetchBase[line] = base; break;
            default:
                if (!memory.isWatched(pfn)) {
                    storeTag[line] = tag;
                    storeBase[line] = base;
                    storePage[line] = memory.page(pfn);
                }
                break;
        }
        return base | (va & PhysicalMemory.PAGE_MASK);
    }

    /**
     * Fills the host-cache line an aligned access of kind (LOAD or STORE) at va needs, exactly
     * as that access's own {@link #translate} would (referenced bit, footprint, statistics),
     * when the access would succeed and would fill a line; does nothing if the line is there,
     * the access would fault, or it would take the slow path anyway (a debugger-watched page, a
     * store to a page of translated code). The caller guarantees the access is the next thing
     * the machine does, so nothing can observe the line, or the referenced bit, early.
     */
    public void prime(int va, int kind) {
        int line = (va >>> PhysicalMemory.PAGE_SHIFT) & HOST_MASK;
        int[] tags = kind == LOAD ? loadTag : storeTag;
        if (tags[line] == (va & ~PhysicalMemory.PAGE_MASK)) return;
        int pa = peek(va, kind);
        if (pa == FAULT) return;
        if (debuggerWatches(va >>> PhysicalMemory.PAGE_SHIFT)) return;
        if (kind == STORE && memory.isWatched(pa >>> PhysicalMemory.PAGE_SHIFT)) return;
        translate(va, kind);
    }

    /** Whether the debugger watches virtual page vpn (its accesses then never get a host-cache line). */
    private boolean debuggerWatches(int vpn) {
        return watchedPages.length > 0 && Arrays.binarySearch(watchedPages, vpn) >= 0;
    }

    private int fault(Cause cause) {
        fault = cause;
        return FAULT;
    }

    /**
     * Translates without side effects (no referenced bit, no host cache fill, {@link #fault}
     * untouched): for debuggers and the kernel's own inspection. Returns the physical address,
     * or {@link #FAULT} where {@link #translate} would fault.
     */
    public int peek(int va, int kind) {
        int slot = tlb.lookup(va >>> PhysicalMemory.PAGE_SHIFT, asid);
        if (slot < 0) return FAULT;
        int f = tlb.flags(slot);
        if (kind == STORE && (f & Tlb.WRITABLE) == 0) return FAULT;
        if (kind == FETCH && (f & Tlb.EXECUTABLE) == 0) return FAULT;
        if (tlb.pfn(slot) >= memory.pages()) return FAULT;
        return tlb.pfn(slot) << PhysicalMemory.PAGE_SHIFT | (va & PhysicalMemory.PAGE_MASK);
    }

    /** Physical address for a load at va (alignment already checked), or {@link #FAULT}. */
    public int load(int va) {
        int line = (va >>> PhysicalMemory.PAGE_SHIFT) & HOST_MASK;
        if (loadTag[line] == (va & ~PhysicalMemory.PAGE_MASK)) return loadBase[line] | (va & PhysicalMemory.PAGE_MASK);
        return translate(va, LOAD);
    }

    /** Physical address for a store at va (alignment already checked), or {@link #FAULT}. */
    public int store(int va) {
        int line = (va >>> PhysicalMemory.PAGE_SHIFT) & HOST_MASK;
        if (storeTag[line] == (va & ~PhysicalMemory.PAGE_MASK)) return storeBase[line] | (va & PhysicalMemory.PAGE_MASK);
        return translate(va, STORE);
    }

    /** Physical address to fetch the instruction at va (aligned), or {@link #FAULT}. */
    public int fetch(int va) {
        int line = (va >>> PhysicalMemory.PAGE_SHIFT) & HOST_MASK;
        if (fetchTag[line] == (va & ~PhysicalMemory.PAGE_MASK)) return fetchBase[line] | (va & PhysicalMemory.PAGE_MASK);
        return translate(va, FETCH);
    }

    public static Cause missCause(int kind) {
        return kind == LOAD ? Cause.TLB_MISS_LOAD : kind == STORE ? Cause.TLB_MISS_STORE : Cause.TLB_MISS_FETCH;
    }

    /** Drops every host line for virtual page vpn, in all three kinds. */
    void invalidateHost(int vpn) {
        int line = vpn & HOST_MASK;
        int tag = vpn << PhysicalMemory.PAGE_SHIFT;
        if (loadTag[line] == tag) loadTag[line] = EMPTY;
        if (storeTag[line] == tag) storeTag[line] = EMPTY;
        if (fetchTag[line] == tag) fetchTag[line] = EMPTY;
    }

    /** Drops every store line that maps physical page ppn (it has just become watched). */
    private void dropStoreLines(int ppn) {
        int base = ppn << PhysicalMemory.PAGE_SHIFT;
        for (int line = 0; line < HOST_LINES; line++) {
            if (storeTag[line] != EMPTY && storeBase[line] == base) storeTag[line] = EMPTY;
        }
    }

    /**
     * Sets the virtual pages whose loads and stores always take the slow path (see the class
     * comment); drops the host-cache lines that map them now.
     */
    public void setWatchedPages(int[] vpns) {
        // A debugger sets the same pages before every run: the common case costs a comparison.
        if (Arrays.equals(vpns, watchedPages)) return;
        int[] set = Arrays.stream(vpns).distinct().sorted().toArray();
        if (Arrays.equals(set, watchedPages)) return;
        watchedPages = set;
        flushHostCache();
    }

    public void flushHostCache() {
        Arrays.fill(loadTag, EMPTY);
        Arrays.fill(storeTag, EMPTY);
        Arrays.fill(fetchTag, EMPTY);
    }

    /** Whether the host cache holds a line of kind for the page of va (tests check coherence). */
    public boolean hostCached(int va, int kind) {
        int line = (va >>> PhysicalMemory.PAGE_SHIFT) & HOST_MASK;
        int tag = va & ~PhysicalMemory.PAGE_MASK;
        int[] tags = kind == LOAD ? loadTag : kind == STORE ? storeTag : fetchTag;
        return tags[line] == tag;
    }
}

package exo.kernel.mem;

import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * The physical-page owner and capability table: for each physical page, the environment that
 * owns it, its generation, its pin count and its two capabilities.
 *
 * <p>A capability is a 64-bit token drawn from a seeded generator when the page is allocated
 * (so runs are deterministic, yet a guest cannot compute one without the seed: guessing succeeds
 * with probability 2^-64 per try). Each page has a read-write and a read-only token; both are
 * replaced when the page is freed or repossessed, so every old capability becomes stale. The
 * generation counts those changes; STLB entries record it and are valid only while it matches.
 *
 * <p>Token 0 is never issued, so an all-zero capability is always refused.
 *
 * <p>"Any page" is always the lowest free one, so runs choose the same pages. It is found from a
 * free map and a low-water mark below which no page is free: allocating and freeing cost a few
 * word operations, not a scan of every page from 0.
 */
public final class PageOwners {
    /** Owner value of a free page. */
    public static final int FREE = 0;
    /** The page number that asks {@link #allocate} for any free page (page_alloc's -1). */
    public static final int ANY = -1;

    private final int[] owner;
    private final int[] generation;
    private final int[] pins;
    private final long[] rwToken;
    private final long[] roToken;
    private final SplittableRandom random;
    /** Bit n set: page n is free. */
    private final BitSet freeMap;
    /** No page below this one is free. */
    private int lowestFree;
    private int free;

    public PageOwners(int pages, long seed) {
        owner = new int[pages];
        generation = new int[pages];
        pins = new int[pages];
        rwToken = new long[pages];
        roToken = new long[pages];
        random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        freeMap = new BitSet(pages);
        freeMap.set(0, pages);
        free = pages;
    }

    public int pages() {
        return owner.length;
    }

    public int freePages() {
        return free;
    }

    public boolean inRange(int ppn) {
        return ppn >= 0 && ppn < owner.length;
    }

    public int owner(int ppn) {
        return owner[ppn];
    }

    public int generation(int ppn) {
        return generation[ppn];
    }

    public long rwToken(int ppn) {
        return rwToken[ppn];
    }

    public long roToken(int ppn) {
        return roToken[ppn];
    }

    /**
     * Gives page ppn (or, if ppn is {@link #ANY}, the lowest free page) to envId and issues its tokens.
     * Returns the page number.
     */
    public int allocate(int ppn, int envId) {
        if (ppn == ANY) {
            if (free == 0) throw new GuestError(KernelError.NOMEM);
            ppn = freeMap.nextSetBit(lowestFree);
        } else if (!inRange(ppn)) {
            throw new GuestError(KernelError.INVAL);
        } else if (owner[ppn] != FREE) {
            throw new GuestError(KernelError.BUSY);
        }
        owner[ppn] = envId;
        freeMap.clear(ppn);
        if (ppn == lowestFree) lowestFree = ppn + 1;
        rwToken[ppn] = token();
        roToken[ppn] = token();
        free--;
        return ppn;
    }

    /** Returns ppn to the free pool; every capability for it becomes stale. */
    public void release(int ppn) {
        if (owner[ppn] == FREE) throw new IllegalStateException("page " + ppn + " is already free");
        if (pins[ppn] != 0) throw new IllegalStateException("page " + ppn + " is pinned by a guaranteed mapping");
        owner[ppn] = FREE;
        freeMap.set(ppn);
        lowestFree = Math.min(lowestFree, ppn);
        rwToken[ppn] = 0;
        roToken[ppn] = 0;
        generation[ppn]++;
        free++;
    }

    /**
     * Checks a capability for ppn: the read-write token grants read and write, the read-only
     * token grants read. Throws E_INVAL for a page number outside memory and E_BADCAP for a
     * wrong, stale or insufficient token. Returns whether the token grants writing.
     */
    public boolean check(int ppn, long token, boolean needWrite) {
        if (!inRange(ppn)) throw new GuestError(KernelError.INVAL);
        if (owner[ppn] == FREE || token == 0) throw new GuestError(KernelError.BADCAP);
        if (token == rwToken[ppn]) return true;
        if (token == roToken[ppn] && !needWrite) return false;
        throw new GuestError(KernelError.BADCAP);
    }

    public void pin(int ppn) {
        pins[ppn]++;
    }

    public void unpin(int ppn) {
        if (pins[ppn] == 0) throw new IllegalStateException("page " + ppn + " is not pinned");
        pins[ppn]--;
    }

    public boolean pinned(int ppn) {
        return pins[ppn] != 0;
    }

    private long token() {
        long t;
        do t = random.nextLong(); while (t == 0);
        return t;
    }
}

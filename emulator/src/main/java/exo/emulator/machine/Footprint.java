package exo.emulator.machine;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one stretch of execution may have touched, recorded while it runs ({@link Machine#record}),
 * so that a debugger can tell without re-executing the stretch that it holds no event: no
 * instruction at a breakpoint's address, no load or store in a watched page, no exception of a
 * caught cause. Every answer is conservative: "may" is true whenever the stretch could have done
 * it, and false only when it provably did not.
 *
 * <p>How each part is complete:
 * <ul>
 *   <li>Virtual pages loaded, stored and fetched are recorded on the MMU's slow path
 *       ({@link Mmu#translate}), which every access takes at least once per page in the stretch
 *       because recording starts with the host cache flushed. Loads and stores are recorded
 *       before any fault check (an attempt counts); fetches with the physical page they reached.</li>
 *   <li>Instructions executed: the engines add the words they run, per physical page (the JIT a
 *       translated region's words the first time it is entered in the stretch, and each
 *       interpreted block's). An engine that does not say which words it ran marks the footprint
 *       {@link #coarse}, and then every word of every fetched page counts as run.</li>
 *   <li>Every trap is seen at the machine's one trap site ({@link Machine#deliver}): its cause,
 *       and its EPC, a PC the program stood at without necessarily executing the instruction
 *       there (an interrupt, a fault on the fetch itself).</li>
 * </ul>
 * A PC the program stood at in the stretch is therefore either a word run from a fetched page, or
 * a trap's EPC. What the kernel itself reads and writes is not an access by an instruction and is
 * not recorded here (a debugger's watchpoints see only instructions).
 */
public final class Footprint {
    private static final int PAGE_WORDS = PhysicalMemory.PAGE_SIZE / 4;

    /**
     * Virtual page numbers, while recording; {@link #freeze} turns them into runs of consecutive
     * pages (start, end exclusive, sorted), so a stretch that sweeps a large array keeps a few
     * numbers rather than one per page.
     */
    private BitSet loadBits = new BitSet(), storeBits = new BitSet();
    private int[] loads, stores;
    /** (virtual page << 32 | physical page) of every fetch translated. */
    private final Set<Long> fetches = new HashSet<>();
    /** Per physical page, a bit per word run. */
    private final Map<Integer, long[]> words = new HashMap<>();
    private final Set<Integer> epcs = new HashSet<>();
    private long causes;
    private boolean coarse;
    /**
     * The last trap's EPC and the last page words were added to: a program trapping over and
     * over at one instruction (TLB refills in a loop over a big array), and re-entering its code
     * there, costs a compare per trap instead of a set insertion.
     */
    private int lastEpc = -1, lastPpn = -1;
    private long[] lastWords;

    void accessed(int vpn, int kind) {
        if (kind == Mmu.LOAD) loadBits.set(vpn);
        else storeBits.set(vpn);
    }

    void fetched(int vpn, int ppn) {
        fetches.add((long) vpn << 32 | ppn);
    }

    void trapped(Cause cause, int epc) {
        causes |= 1L << cause.code;
        if (epc != lastEpc || epcs.isEmpty()) {
            lastEpc = epc;
            epcs.add(epc);
        }
    }

    /** The engine ran count consecutive words from physical address pa (all in one page). */
    public void ran(int pa, int count) {
        long[] bits = wordsOf(pa >>> PhysicalMemory.PAGE_SHIFT);
        int from = (pa & PhysicalMemory.PAGE_MASK) >>> 2;
        for (int i = from; i < from + count && i < PAGE_WORDS; i++) bits[i >>> 6] |= 1L << i;
    }

    /** The engine ran (some of) the words set in wordBits, one bit per word, of physical page ppn. */
    public void ran(int ppn, long[] wordBits) {
        long[] bits = wordsOf(ppn);
        for (int i = 0; i < bits.length; i++) bits[i] |= wordBits[i];
    }

    private long[] wordsOf(int ppn) {
        if (ppn != lastPpn) {
            lastWords = words.computeIfAbsent(ppn, k -> new long[PAGE_WORDS / 64]);
            lastPpn = ppn;
        }
        return lastWords;
    }

    /** The engine ran code without saying which words: every word of a fetched page counts as run. */
    public void coarse() {
        coarse = true;
    }

    /** Ends recording: the page sets become compact; only the questions may be asked after. */
    public Footprint freeze() {
        if (loads == null) {
            loads = runs(loadBits);
            stores = runs(storeBits);
            loadBits = storeBits = null;
        }
        return this;
    }

    private static int[] runs(BitSet pages) {
        int[] r = new int[8];
        int n = 0;
        for (int start = pages.nextSetBit(0); start >= 0; start = pages.nextSetBit(start)) {
            int end = pages.nextClearBit(start);
            if (n == r.length) r = Arrays.copyOf(r, 2 * n);
            r[n++] = start;
            r[n++] = end;
            start = end;
        }
        return Arrays.copyOf(r, n);
    }

    /** Whether vpn lies in one of runs (pairs of start, end exclusive, sorted). */
    private static boolean inRuns(int[] runs, int vpn) {
        int lo = 0, hi = runs.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (runs[2 * mid] > vpn) hi = mid - 1;
            else if (runs[2 * mid + 1] <= vpn) lo = mid + 1;
            else return true;
        }
        return false;
    }

    /** Whether the program may have stood at virtual pc (executed it, or trapped there). */
    public boolean mayReach(int pc) {
        if (epcs.contains(pc)) return true;
        int vpn = pc >>> PhysicalMemory.PAGE_SHIFT, word = (pc & PhysicalMemory.PAGE_MASK) >>> 2;
        for (long f : fetches) {
            if ((int) (f >>> 32) != vpn) continue;
            if (coarse) return true;
            long[] bits = words.get((int) f);
            if (bits != null && (bits[word >>> 6] & 1L << word) != 0) return true;
        }
        return false;
    }

    /** Whether an instruction may have loaded from virtual page vpn. */
    public boolean mayLoad(int vpn) {
        return loads == null ? loadBits.get(vpn) : inRuns(loads, vpn);
    }

    /** Whether an instruction may have stored to virtual page vpn. */
    public boolean mayStore(int vpn) {
        return stores == null ? storeBits.get(vpn) : inRuns(stores, vpn);
    }

    /** Whether an exception of cause may have been delivered. */
    public boolean mayTrap(Cause cause) {
        return (causes & 1L << cause.code) != 0;
    }
}

package exo.os;

import java.util.function.IntFunction;

/** Counters the kernel keeps for {@code --stats}; plain fields, bumped on the paths they name. */
public final class Stats {
    /** Exceptions and kernel events forwarded to a handler (on the baseline: delivered as signals), by event code. */
    public final long[] forwarded;
    /** TLB misses the kernel filled itself (STLB hit or guaranteed mapping). */
    public long missesFilledStlb, missesFilledGuaranteed;
    /** TLB misses the exokernel filled by running the environment's downloaded handler. */
    public long missesFilledDownloaded;
    /** Exceptions the exokernel resolved by running the environment's downloaded exception handler (not forwarded). */
    public long exceptionsResolvedDownloaded;
    /** Exceptions forwarded because a downloaded handler met them again and again with no instruction retired (DownloadedExceptions.NO_PROGRESS_LIMIT). */
    public long downloadedWithoutProgress;
    /** TLB misses a kernel filled by walking page tables (the monolithic baseline). */
    public long missesFilledWalk;
    /** TLB misses forwarded to the environment (or fatal to it). */
    public long missesForwarded;
    public long stlbLookups, stlbHits;
    public long protectedTransfers;
    public long contextSwitches;
    public long syscalls;
    /** The trace of this run, or null (no trace): hooks beside these counters test it (docs/tracing.md). */
    public Tracer tracer;
    private final IntFunction<String> eventName;

    /**
     * Counters for a kernel whose event codes run from 0 to events - 1 (the hardware causes,
     * and on the exokernel its own events too), named in the report by eventName.
     */
    public Stats(int events, IntFunction<String> eventName) {
        this.forwarded = new long[events];
        this.eventName = eventName;
    }

    /** Renders the --stats report. */
    public String report(long instructions, long cycles, long kernelCycles) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("instructions          %,d%n", instructions));
        b.append(String.format("cycles                %,d (user %,d, kernel %,d)%n", cycles, cycles - kernelCycles, kernelCycles));
        b.append(String.format("kernel calls          %,d%n", syscalls));
        b.append("exceptions forwarded ");
        boolean any = false;
        for (int c = 0; c < forwarded.length; c++) {
            if (forwarded[c] != 0) {
                b.append(String.format(" %s=%,d", eventName.apply(c), forwarded[c]));
                any = true;
            }
        }
        b.append(any ? "" : " none");
        if (exceptionsResolvedDownloaded != 0) b.append(String.format(" (%,d more resolved by downloaded handlers)", exceptionsResolvedDownloaded));
        if (downloadedWithoutProgress != 0) {
            b.append(String.format(" (%,d forwarded because a downloaded handler made no progress)", downloadedWithoutProgress));
        }
        b.append(System.lineSeparator());
        b.append(String.format("TLB misses            %,d filled by kernel (%,d STLB, %,d guaranteed, %,d page-table walk%s), %,d forwarded%n",
                missesFilledStlb + missesFilledGuaranteed + missesFilledWalk + missesFilledDownloaded, missesFilledStlb, missesFilledGuaranteed,
                missesFilledWalk, missesFilledDownloaded == 0 ? "" : String.format(", %,d downloaded handler", missesFilledDownloaded),
                missesForwarded));
        b.append(String.format("STLB hit rate         %s (%,d of %,d lookups)%n",
                stlbLookups == 0 ? "n/a" : String.format("%.1f%%", 100.0 * stlbHits / stlbLookups), stlbHits, stlbLookups));
        b.append(String.format("protected transfers   %,d%n", protectedTransfers));
        b.append(String.format("context switches      %,d%n", contextSwitches));
        return b.toString();
    }
}

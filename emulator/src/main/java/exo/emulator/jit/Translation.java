package exo.emulator.jit;

import exo.emulator.machine.Machine;

/**
 * One translated region: the superclass of every generated hidden class. The generated
 * {@link #execute} runs guest code from the region's entry until it leaves the region, traps,
 * or would overrun its instruction allowance, and leaves the architectural state exactly as the
 * interpreter would at that point (registers, PC, memory, instret and cycles committed).
 *
 * <p>The bookkeeping fields belong to the {@link Jit}: a translation is keyed by the physical
 * address of its entry, and each exit that leaves for a fixed or recently seen successor has a
 * link slot the dispatcher fills, so the next dispatch skips the code-cache lookup.
 */
public abstract class Translation {
    /** Returned by {@link #execute} after a trap was raised: the chunk must end. */
    public static final int TRAPPED = -1;
    /** Returned after a store wrote a page holding translated code: re-dispatch, no link. */
    public static final int CODE_WRITTEN = -2;

    /** Physical address of the entry instruction. */
    int pa;
    /**
     * Instructions in the region: a bound on how many can retire between two back-edge checks,
     * so the dispatcher enters only with at least this many instructions of allowance left.
     */
    int size;
    /** Successor cache per exit id; a slot is trusted only after checking pa and validity. */
    Translation[] links;
    /** Cleared when the page is written; a stale translation is never entered again. */
    boolean valid = true;
    /** The words of its page the region covers (a bit per word), for a {@link exo.emulator.machine.Footprint}. */
    long[] words;
    /**
     * The memory access its entry instruction makes, for {@link Jit}'s dispatcher to fill the
     * host-cache line before entering: {@code Mmu.LOAD} or {@code STORE} (-1 if the entry makes
     * none), the base register, the offset and the access size in bytes.
     */
    int entryKind = -1, entryBase, entryOffset, entrySize;
    /** The footprint its words were last added to, so a dispatch adds them once per footprint. */
    Object recordedIn;

    protected Translation() {}

    /**
     * Runs the region.
     *
     * @param jit the engine (its code-written flag is checked after every store)
     * @param m the machine
     * @param allowance instructions that may retire before returning; at least {@link #size}
     * @param vbase the virtual address of the page the region was entered through
     * @return an exit id in {@code [0, links.length)}, {@link #TRAPPED} or {@link #CODE_WRITTEN}
     */
    public abstract int execute(Jit jit, Machine m, int allowance, int vbase);
}

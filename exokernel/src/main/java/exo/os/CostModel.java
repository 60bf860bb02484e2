package exo.os;

import exo.emulator.machine.Machine;

/**
 * The one cost model: every kernel path charges guest cycles through {@link #charge} for the
 * work it does, so guest-cycle comparisons between kernels (and between runs) are fair. One
 * guest instruction costs one cycle; the constants below price kernel work in the same unit,
 * modelled on the instruction counts Aegis reports (an exception dispatch in 18 instructions,
 * an STLB hit in 18, a protected control transfer in 30). The monolithic baseline kernel uses
 * this class too.
 *
 * <p>A path's cost is a sum of these constants, never an ad-hoc number: e.g. forwarding an
 * exception is {@code TRAP_ENTRY + TABLE_TOUCH (handler PC) + 3 * WORD_SAVED + 2 * REG_WRITE
 * + UPCALL} (CAUSE, BADVADDR and the busy word; EPC goes to the handler in k0 only; the save
 * area's physical address is resolved when it is registered).
 */
public final class CostModel {
    /** Entering the kernel: save the few registers the trap path needs, read CAUSE, demultiplex. */
    public static final int TRAP_ENTRY = 8;
    /** Indexing the kernel-call table and reading the call number from the syscall instruction. */
    public static final int SYSCALL_DISPATCH = 4;
    /** Examining one kernel table entry: a page record, an environment, an STLB line, a guaranteed range, a slot. */
    public static final int TABLE_TOUCH = 2;
    /** Comparing a 64-bit capability token (two words). */
    public static final int CAP_CHECK = 3;
    /** Storing one word into guest memory or into a kernel-side context. */
    public static final int WORD_SAVED = 1;
    /** Loading one word back from a context. */
    public static final int WORD_RESTORED = 1;
    /** Writing one general or control register of the CPU. */
    public static final int REG_WRITE = 1;
    /** Writing one hardware TLB entry. */
    public static final int TLB_WRITE = 3;
    /**
     * Looking one page up in the fully associative hardware TLB (a probe instruction; the
     * hardware compares every entry at once), before reading or invalidating that entry.
     */
    public static final int TLB_PROBE = 2;
    /** Scanning the 64-entry hardware TLB (flush by ASID, breaking bindings to a page). */
    public static final int TLB_SCAN = 16;
    /** Changing the current ASID and jumping to user mode at a new PC (upcall or return). */
    public static final int UPCALL = 3;
    /** Copying four bytes between guest memory and a device or kernel buffer. */
    public static final int WORD_COPIED = 1;
    /** Clearing a physical page before it is handed out (1024 words, four per cycle). */
    public static final int PAGE_CLEAR = 256;

    /** The baseline's buffer cache: hashing a block number and comparing the chain entry it finds. */
    public static final int BUF_LOOKUP = 4;
    /** Comparing one fixed-size directory entry (its inode word and name) during a lookup. */
    public static final int DIRENT_SCAN = 4;
    /** Writing an inode's changed fields (size, block count, a block pointer) back into its inode-table block. */
    public static final int INODE_UPDATE = 4;
    /** Testing or changing one 32-bit word of the free-block bitmap. */
    public static final int BITMAP_WORD = 1;
    /** Building a disk DMA descriptor (operation, block, page) and queueing it on the device. */
    public static final int DISK_REQUEST = 6;
    /** Taking one completion off the device and updating the buffer or request it finishes. */
    public static final int DISK_COMPLETION = 4;

    /** One instruction of a downloaded handler the kernel runs (exo.kernel.mem.DownloadedHandler), priced as a user instruction. */
    public static final int HANDLER_INSTRUCTION = 1;

    /** Registers in a full context: r1..r31 and the PC (r0 is not stored). */
    public static final int CONTEXT_WORDS = 32;

    private final Machine machine;
    private long kernelCycles;

    public CostModel(Machine machine) {
        this.machine = machine;
    }

    /** Charges kernel work: advances the guest cycle counter and the kernel-cycle total. */
    public void charge(int cycles) {
        machine.chargeCycles(cycles);
        kernelCycles += cycles;
    }

    /** Cycles charged by the kernel so far (the rest of {@code Cpu.cycles} is user instructions). */
    public long kernelCycles() {
        return kernelCycles;
    }
}

package exo.kernel.abi;

import static exo.kernel.error.KernelError.ALIGN;
import static exo.kernel.error.KernelError.BADCAP;
import static exo.kernel.error.KernelError.BADENV;
import static exo.kernel.error.KernelError.BUSY;
import static exo.kernel.error.KernelError.FAULT;
import static exo.kernel.error.KernelError.INVAL;
import static exo.kernel.error.KernelError.LIMIT;
import static exo.kernel.error.KernelError.NOENTRY;
import static exo.kernel.error.KernelError.NODEV;
import static exo.kernel.error.KernelError.NOENV;
import static exo.kernel.error.KernelError.NOMEM;
import static exo.kernel.error.KernelError.NOSLOT;
import static exo.kernel.error.KernelError.NOSPC;
import static exo.kernel.error.KernelError.NOTFOUND;
import static exo.kernel.error.KernelError.NOTGUARANTEED;
import static exo.kernel.error.KernelError.PERM;
import static exo.kernel.error.KernelError.VERIFY;

import exo.kernel.error.KernelError;
import java.util.List;

/**
 * The kernel calls, defined once: number, name, arguments, results, errors and handler. The
 * dispatcher indexes this table by the code field of the {@code syscall} instruction
 * ({@code syscall SYS_X}); the guest include file (guest-runtime/src/exo/kernel.inc) and
 * docs/kernel-abi.md are generated from it by {@link AbiDocs}, and a test checks they match.
 *
 * <p>Arguments are in a0..a7, results in a0..a2 (a0 is negative, a {@link KernelError} code,
 * on failure); every other register is preserved except k0 and k1. "env" arguments are an
 * environment id and its 64-bit capability in two words (low, high); id 0 means the caller,
 * which needs no capability. The protected control transfers take the callee in k1 and report
 * failure in k1, because all general registers are the message.
 */
public enum KernelCall {
    NULL(0, "null", "Does nothing: the cheapest kernel round trip.", List.of(), "a0 = 0", List.of(), KernelCallHandlers::nullCall),
    ENV_SELF(1, "env_self", "The caller's environment id.", List.of(), "a0 = id", List.of(), KernelCallHandlers::envSelf),
    ENV_CREATE(2, "env_create", "Creates an empty child environment: no pages, slots or handlers; it runs once given a start PC and a slice (or a transfer).",
            List.of(), "a0 = child id, a1/a2 = its capability (low, high)", List.of(NOENV), KernelCallHandlers::envCreate),
    ENV_DESTROY(3, "env_destroy", "Destroys another environment (its exit status becomes 128), releasing all it holds. An environment ends itself with env_exit.",
            List.of("a0 = id (not 0, not the caller's own: E_INVAL)", "a1/a2 = its capability"), "a0 = 0", List.of(INVAL, BADENV, BADCAP), KernelCallHandlers::envDestroy),
    ENV_EXIT(4, "env_exit", "Ends the caller with an exit status. Does not return.", List.of("a0 = status"), "does not return", List.of(), KernelCallHandlers::envExit),
    ENV_SET_HANDLER(5, "env_set_handler", "Sets the handler PC for one cause or kernel event (0 removes it: the event becomes fatal).",
            List.of("a0 = env id", "a1/a2 = env capability", "a3 = cause (CAUSE_*)", "a4 = handler PC"), "a0 = 0",
            List.of(INVAL, ALIGN, BADENV, BADCAP), KernelCallHandlers::envSetHandler),
    ENV_SET_SAVE_AREA(6, "env_set_save_area", "Sets the 16-byte exception save area; it must lie in a writable guaranteed mapping.",
            List.of("a0 = env id", "a1/a2 = env capability", "a3 = vaddr (word-aligned, not crossing a page)"), "a0 = 0",
            List.of(ALIGN, NOTGUARANTEED, BADENV, BADCAP), KernelCallHandlers::envSetSaveArea),
    ENV_SET_PC(7, "env_set_pc", "Sets one of the environment's entry PCs: PC_PROLOGUE, PC_EPILOGUE, PC_IPC (0 refuses transfers), PC_IPC_ONCE (an IPC entry for one transfer: accepting it sets the entry to 0) or PC_START (where a child that has not run starts; E_BUSY once it has run, or for the caller itself).",
            List.of("a0 = env id", "a1/a2 = env capability", "a3 = which (PC_*)", "a4 = pc"), "a0 = 0",
            List.of(INVAL, ALIGN, BUSY, BADENV, BADCAP), KernelCallHandlers::envSetPc),
    ENV_GUARANTEE(8, "env_guarantee", "Adds a guaranteed mapping: the kernel refills it on every miss, never forwards it, and pins the page (never repossessed). The environment must own the page.",
            List.of("a0 = env id", "a1/a2 = env capability", "a3 = vaddr (page-aligned, below 0x80000000)", "a4 = ppn", "a5/a6 = page capability", "a7 = TLB flags"),
            "a0 = 0", List.of(ALIGN, INVAL, BADCAP, PERM, LIMIT, BADENV), KernelCallHandlers::envGuarantee),
    ENV_UNGUARANTEE(9, "env_unguarantee", "Removes a guaranteed mapping and unpins its page.",
            List.of("a0 = env id", "a1/a2 = env capability", "a3 = vaddr"), "a0 = 0", List.of(NOTFOUND, BADENV, BADCAP), KernelCallHandlers::envUnguarantee),
    PAGE_ALLOC(10, "page_alloc", "Allocates a physical page, zeroed: a given page number (page colouring) or any (-1). The page is charged to the environment named.",
            List.of("a0 = env id", "a1/a2 = env capability", "a3 = ppn or -1"), "a0 = ppn, a1/a2 = read-write capability",
            List.of(NOMEM, BUSY, INVAL, LIMIT, BADENV, BADCAP), KernelCallHandlers::pageAlloc),
    PAGE_FREE(11, "page_free", "Frees a page the caller owns; every binding to it, in any environment, is broken and every capability for it goes stale.",
            List.of("a0 = ppn", "a1/a2 = read-write capability"), "a0 = 0", List.of(INVAL, BADCAP, PERM, BUSY), KernelCallHandlers::pageFree),
    PAGE_CAP_RO(12, "page_cap_ro", "Derives the read-only capability of a page from its read-write one, to share it read-only.",
            List.of("a0 = ppn", "a1/a2 = read-write capability"), "a0 = ppn, a1/a2 = read-only capability", List.of(INVAL, BADCAP), KernelCallHandlers::pageCapRo),
    TLB_WRITE(13, "tlb_write", "Guarded TLB write: installs vaddr -> ppn with flags in the caller's address space after checking the capability (TLB_W needs the read-write one), and caches the binding in the STLB. Not durable: the TLB and the STLB may both drop it later, and the next access is then a forwarded TLB miss.",
            List.of("a0 = vaddr (below 0x80000000)", "a1 = ppn", "a2/a3 = page capability", "a4 = TLB flags (TLB_W, TLB_X, TLB_N)"), "a0 = 0",
            List.of(INVAL, BADCAP), KernelCallHandlers::tlbWrite),
    TLB_PROBE(14, "tlb_probe", "Looks up the caller's binding of vaddr (TLB, then STLB, then guaranteed mappings); flags include TLB_REF if the hardware entry was used. With a1 != 0 the referenced bit is cleared after reading.",
            List.of("a0 = vaddr", "a1 = clear referenced bit (0/1)"), "a0 = ppn, a1 = flags", List.of(NOTFOUND), KernelCallHandlers::tlbProbe),
    TLB_READ(15, "tlb_read", "Reads a hardware TLB slot holding one of the caller's entries.",
            List.of("a0 = slot 0..63"), "a0 = vpn, a1 = ppn, a2 = flags", List.of(INVAL, NOTFOUND), KernelCallHandlers::tlbRead),
    TLB_FLUSH(16, "tlb_flush", "Removes the caller's binding of vaddr from the TLB and STLB, or all of them with -1. Guaranteed mappings stay.",
            List.of("a0 = vaddr or -1"), "a0 = 0", List.of(), KernelCallHandlers::tlbFlush),
    SLICE_ALLOC(17, "slice_alloc", "Gives a slot of the 64-slot time-slice vector (or any, -1) to the environment named.",
            List.of("a0 = env id", "a1/a2 = env capability", "a3 = slot or -1"), "a0 = slot", List.of(NOSLOT, BUSY, INVAL, BADENV, BADCAP), KernelCallHandlers::sliceAlloc),
    SLICE_FREE(18, "slice_free", "Frees a slot the environment named owns.",
            List.of("a0 = env id", "a1/a2 = env capability", "a3 = slot"), "a0 = 0", List.of(INVAL, PERM, BADENV, BADCAP), KernelCallHandlers::sliceFree),
    YIELD(19, "yield", "Gives the rest of the slice to the next slot's owner (a0 = 0) or to environment a0 (directed yield). From an epilogue it ends the upcall and the next slot starts. Returns when the caller runs again.",
            List.of("a0 = target id or 0"), "a0 = 0", List.of(BADENV), KernelCallHandlers::yield),
    PCT_SYNC(20, "pct_sync", "Synchronous protected control transfer to the environment in k1: jumps to its IPC entry with k0 = 1, k1 = caller id, all other registers untouched, and lends it the current slot (if the caller owns it; the callee's pct_sync back, its answer, returns that slot). On failure returns with k1 = error.",
            List.of("k1 = callee id", "all other registers: the message"), "does not return on success", List.of(BADENV, NOENTRY, BUSY), KernelCallHandlers::pctSync),
    PCT_ASYNC(21, "pct_async", "Asynchronous protected control transfer: as pct_sync with k0 = 2, donating only the rest of the current slice.",
            List.of("k1 = callee id", "all other registers: the message"), "does not return on success", List.of(BADENV, NOENTRY, BUSY), KernelCallHandlers::pctAsync),
    CONS_WRITE(22, "cons_write", "Writes bytes to the console (the caller's own stream).",
            List.of("a0 = buffer", "a1 = length 0..65536"), "a0 = length", List.of(INVAL, FAULT), KernelCallHandlers::consWrite),
    CONS_READ(23, "cons_read", "Reads up to a1 bytes of console input; 0 at end of input.",
            List.of("a0 = buffer", "a1 = length 0..65536"), "a0 = bytes read", List.of(INVAL, FAULT), KernelCallHandlers::consRead),
    PAGE_REPOSSESSED(24, "page_repossessed", "Pops the oldest entry of the caller's repossession vector (pages taken by force).",
            List.of(), "a0 = ppn", List.of(NOTFOUND), KernelCallHandlers::pageRepossessed),
    TLB_BATCH(25, "tlb_batch", "Applies a vector of TLB operations in one crossing (TLBOP_WRITE: as tlb_write; TLBOP_FLUSH: as tlb_flush of each page of a range; TLBOP_PROTECT: the caller's bindings of a range lose TLB_W, staying readable), each checked exactly as the single call. In order; the first refused operation and all after it have no effect, all before it have (a1 says which).",
            List.of("a0 = vector (16-byte aligned, TLBOP_SIZE bytes per operation)", "a1 = operations 0..TLB_BATCH_MAX"),
            "a0 = 0, a1 = operations applied (= a1); on failure a0 = error, a1 = index of the refused operation (= operations applied)",
            List.of(INVAL, ALIGN, FAULT, BADCAP), KernelCallHandlers::tlbBatch),
    ENV_SET_MISS_HANDLER(26, "env_set_miss_handler", "Downloads a TLB-miss handler: code in the restricted subset (docs/kernel-abi.md, \"Downloaded handlers\"), verified and copied into the kernel, which runs it on every miss of the environment named that the STLB and the guaranteed mappings cannot fill, before forwarding it. 0 removes it.",
            List.of("a0 = env id", "a1/a2 = env capability", "a3 = code vaddr (word-aligned) or 0", "a4 = instructions, 1..MISS_HANDLER_MAX"),
            "a0 = 0; on E_VERIFY a1 = the index of the refused instruction, a2 = the rule (VERIFY_*)",
            List.of(VERIFY, ALIGN, FAULT, BADENV, BADCAP), KernelCallHandlers::envSetMissHandler),
    BLK_ROOT(27, "blk_root", "The disk's root block and its read-write capability: where a program keeps the names and capabilities of its blocks from run to run. Only for environments the host booted.",
            List.of(), "a0 = root block, a1/a2 = read-write capability", List.of(NODEV, PERM), KernelCallHandlers::blkRoot),
    BLK_ALLOC(28, "blk_alloc", "Allocates a disk block: a given number or any (-1, the lowest free). Its contents are whatever the image holds; its ownership is durable after the next blk_flush. E_LIMIT when the caller's id holds its quota of blocks (--block-quota); on E_NOSPC the kernel asks the environment holding the most blocks to give one back (revocation), so a later call may succeed.",
            List.of("a0 = block or -1"), "a0 = block, a1/a2 = read-write capability", List.of(NODEV, INVAL, BUSY, NOSPC, LIMIT), KernelCallHandlers::blkAlloc),
    BLK_FREE(29, "blk_free", "Frees a block; both its capabilities go stale.",
            List.of("a0 = block", "a1/a2 = read-write capability"), "a0 = 0", List.of(NODEV, INVAL, BADCAP, PERM, BUSY), KernelCallHandlers::blkFree),
    BLK_CAP_RO(30, "blk_cap_ro", "Derives the read-only capability of a block from its read-write one.",
            List.of("a0 = block", "a1/a2 = read-write capability"), "a0 = block, a1/a2 = read-only capability", List.of(NODEV, INVAL, BADCAP), KernelCallHandlers::blkCapRo),
    BLK_READ(31, "blk_read", "Queues a DMA read of a whole block into a physical page (pinned until it completes). Completion: CAUSE_DISK, then blk_done.",
            List.of("a0 = block", "a1/a2 = block capability", "a3 = ppn", "a4/a5 = page read-write capability"), "a0 = request tag",
            List.of(NODEV, INVAL, BADCAP, PERM, BUSY), KernelCallHandlers::blkRead),
    BLK_WRITE(32, "blk_write", "Queues a DMA write of a physical page to a whole block (page pinned until it completes). The block reaches the image at the next completed blk_flush.",
            List.of("a0 = block", "a1/a2 = block read-write capability", "a3 = ppn", "a4/a5 = page capability"), "a0 = request tag",
            List.of(NODEV, INVAL, BADCAP, PERM, BUSY), KernelCallHandlers::blkWrite),
    BLK_FLUSH(33, "blk_flush", "Queues a flush: when it completes, every write completed before it and the block table are durable in the image.",
            List.of(), "a0 = request tag", List.of(NODEV, BUSY), KernelCallHandlers::blkFlush),
    BLK_DONE(34, "blk_done", "Pops the caller's oldest disk completion. a1 is 0 or E_IO.",
            List.of(), "a0 = request tag, a1 = status", List.of(NODEV, NOTFOUND), KernelCallHandlers::blkDone),
    ENV_SET_EXC_HANDLER(35, "env_set_exc_handler", "Downloads an exception handler for one cause (CAUSE_TLB_LOAD..CAUSE_BREAK, not CAUSE_SYSCALL; a TLB miss only after the STLB, the guaranteed mappings and the miss handler): code in the restricted subset (docs/kernel-abi.md, \"Downloaded handlers\"), verified and copied into the kernel, which runs it on that cause before forwarding it; it may resolve the exception (an unaligned access it emulates, a protected page it unprotects) and resume the environment, asking for the faulting page's TLB entry and a flush or protect of one other page, each guarded as tlb_write and tlb_batch guard it. 0 removes it.",
            List.of("a0 = env id", "a1/a2 = env capability", "a3 = cause (CAUSE_*)", "a4 = code vaddr (word-aligned) or 0", "a5 = instructions, 1..MISS_HANDLER_MAX"),
            "a0 = 0; on E_VERIFY a1 = the index of the refused instruction, a2 = the rule (VERIFY_*)",
            List.of(VERIFY, INVAL, ALIGN, FAULT, BADENV, BADCAP), KernelCallHandlers::envSetExcHandler),
    BLK_REPOSSESSED(37, "blk_repossessed", "Pops the oldest entry of the caller's block repossession vector (blocks taken by force after a blk-revoke event's deadline; 16 entries).",
            List.of(), "a0 = block", List.of(NODEV, NOTFOUND), KernelCallHandlers::blkRepossessed),
    BLK_USAGE(38, "blk_usage", "The caller's use of the disk: blocks its id holds in the block table, its quota (--block-quota), and the blocks free on the disk.",
            List.of(), "a0 = blocks held, a1 = quota, a2 = free blocks", List.of(NODEV), KernelCallHandlers::blkUsage),
    BLK_REVOKE(39, "blk_revoke", "Asks another environment, whose capability the caller holds (a parent holds its children's), for one of its data blocks back: the kernel delivers it the blk-revoke event and, if it still holds the block revokeDeadline cycles later, frees the block by force (blk-repossess, blk_repossessed), as when the disk is full. The freed block is anyone's to allocate: the caller takes it with blk_alloc(block).",
            List.of("a0 = env id (not 0, not the caller's own: E_INVAL)", "a1/a2 = env capability", "a3 = block"), "a0 = 0",
            List.of(NODEV, INVAL, BADENV, BADCAP, PERM, BUSY), KernelCallHandlers::blkRevoke);

    /** Runs one call for the caller; returns true if it moved the CPU elsewhere (no return to EPC + 4). */
    @FunctionalInterface
    public interface Handler {
        boolean call(KernelCallHandlers s, exo.kernel.env.Environment caller, int[] regs, int epc);
    }

    public final int number;
    public final String callName;
    public final String description;
    public final List<String> args;
    public final String results;
    public final List<KernelError> errors;
    final Handler handler;

    private static final KernelCall[] BY_NUMBER;
    static {
        int highest = 0;
        for (KernelCall c : values()) highest = Math.max(highest, c.number);
        BY_NUMBER = new KernelCall[highest + 1];             // numbers may have gaps (reserved ones)
        for (KernelCall c : values()) {
            if (BY_NUMBER[c.number] != null) throw new IllegalStateException("two calls numbered " + c.number);
            BY_NUMBER[c.number] = c;
        }
    }

    KernelCall(int number, String callName, String description, List<String> args, String results, List<KernelError> errors, Handler handler) {
        this.number = number;
        this.callName = callName;
        this.description = description;
        this.args = args;
        this.results = results;
        this.errors = errors;
        this.handler = handler;
    }

    /** The call with this number, or null. */
    public static KernelCall byNumber(int n) {
        return n >= 0 && n < BY_NUMBER.length ? BY_NUMBER[n] : null;
    }

    /** Whether failures are reported in k1 instead of a0 (the protected control transfers). */
    public boolean errorsInK1() {
        return this == PCT_SYNC || this == PCT_ASYNC;
    }

    /** The .equ name, e.g. SYS_PAGE_ALLOC. */
    public String symbol() {
        return "SYS_" + name();
    }
}

package exo.kernel.mem;

import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.kernel.env.Environment;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import exo.os.CostModel;
import java.util.function.IntConsumer;

/**
 * tlb_batch: a vector of TLB operations applied in one kernel crossing, so a library OS changes
 * the bindings of a range with one call instead of one per page. Nothing is new about each
 * operation: a write is exactly {@code tlb_write} (flags and capability checked before the
 * entry reaches the TLB), a flush exactly {@code tlb_flush} of each page, and a protect takes
 * write permission away from the caller's own bindings, which needs no capability. Only the
 * crossing is shared.
 *
 * <p>An operation is {@value #OP_SIZE} bytes, four words, in the caller's memory:
 * <pre>
 *   word 0: vaddr (page-aligned, bits 31..12) | TLB flags << {@value #FLAGS_SHIFT} (write only) | kind (bits 3..0)
 *   word 1: write: ppn;  flush, protect: pages, 1..{@value #MAX_PAGES}
 *   word 2, 3: write: the page's capability (low, high);  flush, protect: unused
 * </pre>
 * The vector must be {@value #OP_SIZE}-byte aligned (so no operation crosses a page) and
 * readable through the caller's bindings.
 *
 * <p>Partial completion: operations are applied in order, each checked completely before it
 * takes effect. The first refused operation stops the batch: it and every later one have no
 * effect, every earlier one has taken effect, and its index is reported (the caller learns
 * how far the batch got from that index alone).
 *
 * <p>Cost: the crossing is the kernel call's; per operation, one word restored per word read
 * (two for flush and protect, four for a write), one table touch per page of the vector
 * translated, and then exactly what the single operation charges.
 */
public final class TlbBatch {
    /** Operation kinds, in bits 3..0 of word 0. */
    public static final int OP_WRITE = 0, OP_FLUSH = 1, OP_PROTECT = 2;
    /** Bytes per operation; the vector's alignment. */
    public static final int OP_SIZE = 16;
    /** Where a write's TLB flags sit in word 0. */
    public static final int FLAGS_SHIFT = 4;
    /** Most operations in one call. */
    public static final int MAX_OPS = 256;
    /** Most pages one flush or protect operation covers. */
    public static final int MAX_PAGES = 1024;

    /** Where the kind sits in word 0. */
    public static final int KIND_MASK = 0xF;
    private static final int FIELD_MASK = PhysicalMemory.PAGE_SIZE - 1;

    private final PhysicalMemory physical;
    private final CostModel cost;
    private final Memory memory;

    public TlbBatch(PhysicalMemory physical, CostModel cost, Memory memory) {
        this.physical = physical;
        this.cost = cost;
        this.memory = memory;
    }

    /**
     * Applies count operations from vector for e. Before each operation, at tells the index of
     * the operation about to be applied, so when a {@link GuestError} leaves this method the
     * last index told is the refused operation's (0 if the vector itself is refused).
     */
    public void run(Environment e, int vector, int count, IntConsumer at) {
        at.accept(0);
        if (count < 0 || count > MAX_OPS) throw new GuestError(KernelError.INVAL);
        if ((vector & (OP_SIZE - 1)) != 0) throw new GuestError(KernelError.ALIGN);
        int page = 0, base = 0;
        for (int i = 0; i < count; i++) {
            at.accept(i);
            int va = vector + i * OP_SIZE;
            if (i == 0 || Pages.number(va) != page) {
                page = Pages.number(va);
                base = memory.translate(e, Pages.start(page), false);
            }
            int pa = base + Pages.offset(va);
            int w0 = physical.readWord(pa);
            int w1 = physical.readWord(pa + 4);
            cost.charge(2 * CostModel.WORD_RESTORED);
            int target = w0 & ~FIELD_MASK;
            int kind = w0 & KIND_MASK;
            int flags = (w0 & FIELD_MASK) >>> FLAGS_SHIFT;
            switch (kind) {
                case OP_WRITE: {
                    long token = (physical.readWord(pa + 8) & 0xFFFFFFFFL) | ((long) physical.readWord(pa + 12) << 32);
                    cost.charge(2 * CostModel.WORD_RESTORED);
                    memory.tlbWrite(e, target, w1, token, flags);
                    break;
                }
                case OP_FLUSH:
                case OP_PROTECT: {
                    if (flags != 0 || w1 < 1 || w1 > MAX_PAGES || Pages.number(target) + (long) w1 > 1L << 20) {
                        throw new GuestError(KernelError.INVAL);
                    }
                    for (int p = 0; p < w1; p++) {
                        int v = target + Pages.start(p);
                        if (kind == OP_FLUSH) memory.flush(e, v);
                        else memory.protect(e, v);
                    }
                    break;
                }
                default:
                    throw new GuestError(KernelError.INVAL);
            }
        }
        at.accept(count);
    }
}

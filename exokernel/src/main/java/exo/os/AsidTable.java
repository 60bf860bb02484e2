package exo.os;

import exo.emulator.machine.Tlb;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Programs by ASID, as both kernels keep them (environments on the exokernel, processes on the
 * baseline). ASID 0 belongs to no program; a new program gets the lowest free ASID from 1 to
 * the limit, and finding it costs one {@link CostModel#TABLE_TOUCH} per entry examined — the
 * same search, at the same price, on both kernels.
 */
public final class AsidTable<T> {
    private final Object[] byAsid = new Object[KernelOptions.MAX_ENVIRONMENTS + 1];
    private final int limit;
    private final CostModel cost;
    private final Tlb tlb;

    /** A table of ASIDs 1 to limit (at most {@link KernelOptions#MAX_ENVIRONMENTS}). */
    public AsidTable(int limit, CostModel cost, Tlb tlb) {
        if (limit < 1 || limit > KernelOptions.MAX_ENVIRONMENTS) throw new IllegalStateException("ASID limit " + limit);
        this.limit = limit;
        this.cost = cost;
        this.tlb = tlb;
    }

    /**
     * Enters make(asid) under the lowest free ASID and flushes that ASID's TLB entries (the
     * program that had it before may have left some); empty if every ASID up to the limit is taken.
     */
    public Optional<T> add(IntFunction<T> make) {
        for (int asid = 1; asid <= limit; asid++) {
            cost.charge(CostModel.TABLE_TOUCH);
            if (byAsid[asid] == null) {
                T t = make.apply(asid);
                byAsid[asid] = t;
                tlb.flushAsid(asid);
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The program under asid (0 to 255), or null if there is none. */
    @SuppressWarnings("unchecked")
    public T get(int asid) {
        return (T) byAsid[asid];
    }

    /** Frees asid for the next program. */
    public void remove(int asid) {
        byAsid[asid] = null;
    }

    /** Every program in the table, by ASID. */
    public List<T> all() {
        List<T> l = new ArrayList<>();
        for (int asid = 1; asid <= limit; asid++) if (byAsid[asid] != null) l.add(get(asid));
        return l;
    }

    /** Whether the table holds no program. */
    public boolean isEmpty() {
        for (int asid = 1; asid <= limit; asid++) if (byAsid[asid] != null) return false;
        return true;
    }
}

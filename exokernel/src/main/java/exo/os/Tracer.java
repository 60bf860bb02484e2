package exo.os;

/**
 * What a kernel tells a trace of a run (docs/tracing.md), hooked next to the {@link Stats}
 * counters of the same paths. Tracing is a layer: {@link Stats#tracer} is null unless a trace
 * was asked for, and every hook site is {@code if (stats.tracer != null) ...}, so a run without
 * a trace pays one null test on each of these paths and nothing else.
 *
 * <p>Ids are environment ids on the exokernel and pids on the baseline; 0 is nobody (the host,
 * or an idle CPU). The tracer reads the time itself (the guest cycle counter), so hooks pass
 * only what the kernel knows at the site. Every hook is called from the kernel's trap path or
 * the host's boot, in the order things happen; none may change the machine.
 */
public interface Tracer {
    /** Environment or process id came to exist, created by parent (0: booted by the host). */
    void created(int id, String name, int parent);

    /** id ended: exited with status, or was destroyed (diagnostic non-null says why). */
    void ended(int id, int status, String diagnostic);

    /** The scheduler started a new time slice (in slot, or -1 where a kernel has no slots). */
    void slice(int slot);

    /**
     * A kernel entry (a trap, or the run loop's first dispatch) is over and id is on the CPU
     * (0: nobody): where running slices begin and end.
     */
    void onCpu(int id);

    /**
     * Kernel call name by id, entered at cycle start, is done: a0 is its result unless the call
     * moved the CPU to another environment (moved), error the name of the error it was refused
     * with or null.
     */
    void kernelCall(int id, String name, long start, boolean moved, int a0, String error);

    /**
     * An exception or kernel event was forwarded to id's handler at handler (on the baseline:
     * delivered as a signal); handler 0 means id had none and is destroyed.
     */
    void forwarded(int id, String event, int epc, int badVaddr, int handler);

    /** The kernel resolved id's TLB miss at badVaddr itself, by how: stlb, guaranteed (mapping) or walk (of page tables). */
    void resolved(int id, int badVaddr, String how);

    /** Protected control transfer from caller to callee, synchronous or not. */
    void transfer(int caller, int callee, boolean sync);

    /** Revocation and the abort protocol: what happened (request, honoured, repossessed, revoke event, repossess event) to page ppn of id. */
    void revocation(int id, String what, int ppn);

    /**
     * The disk interrupt reported request tag finished: its operation (read, write, flush), block
     * (-1 for a flush), ok or failed (E_IO). id is the environment that asked, or 0 where the
     * kernel itself asked (the baseline's buffer cache) or the asker was destroyed.
     */
    void diskCompleted(int id, int tag, String op, int block, boolean ok);

    /** Revocation of disk blocks (exokernel): what happened (request, honoured, repossessed) to block b of id. */
    void blockRevocation(int id, String what, int b);

    /** The run stopped (finished, limit, stop): close what is open. May be followed by more events if the run continues. */
    void pause();
}

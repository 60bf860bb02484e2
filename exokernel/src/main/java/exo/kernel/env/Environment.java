package exo.kernel.env;

import exo.emulator.machine.Cause;
import exo.emulator.machine.Pages;
import exo.os.ProgramImage;
import exo.os.ProgramOutput;
import java.util.ArrayDeque;

/**
 * A processor environment: everything the kernel knows about one protection domain. As in
 * Aegis this is the whole per-process state: ASID, per-cause handler PCs, the save area,
 * guaranteed mappings, prologue/epilogue/IPC entry PCs, owned resources and their accounting.
 * The kernel keeps a register context only to resume an environment it preempted (the next
 * owner of the CPU must not see its registers).
 */
public final class Environment {
    /** Handler table size: hardware causes plus the kernel's own events. */
    public static final int EVENTS = KernelEvent.COUNT;

    /** One guaranteed mapping: virtual page → physical page, with TLB flags. */
    public record Guaranteed(int vpn, int ppn, int flags) {}

    /** Why an environment ended. */
    public enum End { RUNNING, EXITED, KILLED }

    public final int id;
    public final int asid;
    public final int parent;
    public final String name;
    /** How a debugger names this environment ("env 3"), built once: it is asked at every trap. */
    public final String label;
    public final long token;
    public final ProgramImage.Symbolizer symbolizer;

    public final int[] handler = new int[EVENTS];
    /** Virtual address of the 4-word save area, or 0 if none is set. */
    public int saveArea;
    /**
     * The save area's physical address, through the writable guaranteed mapping under it, or
     * {@link #NO_SAVE_AREA}: resolved by {@link #resolveSaveArea} whenever the save area or a
     * guaranteed mapping changes, so forwarding an exception never looks it up.
     */
    public int savePhys = NO_SAVE_AREA;
    /** What {@link #savePhys} holds for an environment without a usable save area. */
    public static final int NO_SAVE_AREA = -1;
    public int prologue, epilogue, ipcEntry;
    /** The IPC entry takes one transfer (PC_IPC_ONCE): accepting it sets ipcEntry to 0. */
    public boolean ipcOnce;
    public final GuaranteedMappings guaranteed = new GuaranteedMappings();

    /** Saved registers r0..r31 and the PC to resume at, valid when {@link #hasContext}. */
    public final int[] context = new int[32];
    public int resumePc;
    public boolean hasContext;

    public int pages;
    public int pageLimit;
    public int slots;
    /**
     * The environment this one's last synchronous transfer went to, until that one transfers
     * back synchronously (its answer), or null; and the slot that transfer lent it, or
     * {@link #NO_SLOT} (this environment did not own the running slot).
     */
    public Environment calling;
    public int lentSlot = NO_SLOT;
    /** lentSlot when no slot is lent. */
    public static final int NO_SLOT = -1;
    /** Incremented by a flush-all; STLB entries of older epochs are dead. */
    public int stlbEpoch;

    /** In the epilogue upcall, inside its grace period. */
    public boolean inEpilogue;
    public int excess;
    public int forfeits;

    /** One fault as the kernel saw it; formatted only when a diagnostic needs it. */
    public record Fault(int code, int epc, int badVaddr) {}

    /**
     * The last fault forwarded (code 0: none yet), kept as plain fields so the forwarding path
     * allocates nothing; a double-fault diagnostic lists it before the new one.
     */
    public int lastCode, lastEpc, lastBadVaddr;

    /** revokePpn when no page is asked back. */
    public static final int NO_PAGE = -1;
    /** Page asked back by a revocation, or {@link #NO_PAGE}; the cycle by which it must be freed. */
    public int revokePpn = NO_PAGE;
    public long revokeDeadline;
    public boolean revokeDelivered;
    public int pagesAtRequest;
    /** Pages taken by force, oldest first; bounded by {@link #REPOSSESSION_SLOTS}. */
    public final ArrayDeque<Integer> repossessed = new ArrayDeque<>();
    public static final int REPOSSESSION_SLOTS = 16;
    public boolean repossessionPending;
    /** The page named by the pending repossess event. */
    public int repossessedPpn;

    public End end = End.RUNNING;
    public int exitStatus;
    public String diagnostic;
    /** Its console output: kept for the run's result and passed on to the console. */
    public final ProgramOutput output;

    public Environment(int id, int parent, String name, long token, ProgramImage.Symbolizer symbolizer, int pageLimit) {
        this.id = id;
        this.label = "env " + id;
        this.asid = asidOf(id);
        this.parent = parent;
        this.name = name;
        this.token = token;
        this.symbolizer = symbolizer == null ? ProgramImage.Symbolizer.NONE : symbolizer;
        this.pageLimit = pageLimit;
        this.output = new ProgramOutput(asid, name);
    }

    /** The ASID in an environment id: its low eight bits (the rest counts how often the ASID was reused). */
    public static int asidOf(int id) {
        return id & 0xFF;
    }

    public boolean alive() {
        return end == End.RUNNING;
    }

    /** Resolves {@link #savePhys} again: call after changing the save area or a guaranteed mapping. */
    public void resolveSaveArea() {
        Guaranteed g = saveArea == 0 ? null : guaranteedFor(saveArea);
        savePhys = g == null || (g.flags() & exo.emulator.machine.Tlb.WRITABLE) == 0 ? NO_SAVE_AREA : Pages.address(g.ppn(), Pages.offset(saveArea));
    }

    /** The guaranteed mapping covering virtual address va, or null. */
    public Guaranteed guaranteedFor(int va) {
        return guaranteed.get(Pages.number(va));
    }

    /** An address as a diagnostic shows it: hex, then symbol and source line when known. */
    public String describe(int address) {
        String s = symbolizer.describe(address);
        return String.format("0x%08x", address) + (s == null ? "" : " " + s);
    }

    /** One line naming a fault: cause, EPC with symbol, BADVADDR when the cause sets it. */
    public String describeFault(int causeCode, int epc, int badVaddr) {
        Cause c = Cause.ofCode(causeCode);
        String name = KernelEvent.name(causeCode);
        String s = name + " at EPC " + describe(epc);
        if (c == null || c.setsBadVaddr) s += String.format(", BADVADDR 0x%08x", badVaddr);
        return s;
    }

    @Override
    public String toString() {
        return "env " + id + " (" + name + ")";
    }
}

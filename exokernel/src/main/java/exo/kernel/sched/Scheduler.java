package exo.kernel.sched;

import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Machine;
import exo.kernel.env.Environment;
import exo.kernel.env.Environments;
import exo.kernel.env.Lifecycle;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import exo.kernel.forward.Forwarder;
import exo.os.CostModel;
import exo.os.KernelOptions;
import exo.os.Stats;

/**
 * The CPU as a vector of 64 time slices, scheduled round robin by position, as in Aegis; plus
 * yield, directed yield and protected control transfer, which move the CPU between
 * environments inside a slice.
 *
 * <p>End of a slice: the timer interrupt arrives. If the running environment has an epilogue
 * PC (and is not inside an exception handler), the kernel saves its registers and upcalls the
 * epilogue with k0 = the interrupted PC and a grace period of {@code options.grace()} cycles;
 * the epilogue gives up the CPU with {@code yield}. An epilogue still running when the grace
 * period ends is an overrun: the excess-time counter grows, the environment forfeits its next
 * slice, and past {@code options.excessLimit()} overruns it is destroyed. The next slot's owner
 * gets its registers back and resumes, or starts at its prologue, entered like an exception
 * handler (busy word set, k0 = where it was, k1 = the save area; see {@link #enter}).
 *
 * <p>The kernel keeps the outgoing registers (32 words) because the next owner must not see
 * them; it charges that work like any other.
 */
public final class Scheduler {
    public static final int SLOTS = 64;
    /** The slot number that asks {@link #allocate} for any free slot (slice_alloc's -1). */
    public static final int ANY_SLOT = -1;
    /** The running slot before the first slice; the first switch moves to slot 0. */
    private static final int BEFORE_FIRST = -1;

    private final Machine machine;
    private final Cpu cpu;
    private final KernelOptions options;
    private final CostModel cost;
    private final Stats stats;
    private final Environments envs;
    private final Forwarder forwarder;
    private final Lifecycle lifecycle;
    private final Environment[] owner = new Environment[SLOTS];
    /** Slot whose slice is running, or {@link #BEFORE_FIRST}. */
    private int slot = BEFORE_FIRST;

    /** The scheduler of machine's CPU; forwarder tells when an upcall is safe, lifecycle ends an environment that overruns. */
    public Scheduler(Machine machine, KernelOptions options, CostModel cost, Stats stats, Environments envs, Forwarder forwarder, Lifecycle lifecycle) {
        this.machine = machine;
        this.cpu = machine.cpu;
        this.options = options;
        this.cost = cost;
        this.stats = stats;
        this.envs = envs;
        this.forwarder = forwarder;
        this.lifecycle = lifecycle;
    }

    /** Gives slot s (or, with {@link #ANY_SLOT}, the first free one) to e; returns it. */
    public int allocate(Environment e, int s) {
        cost.charge(CostModel.TABLE_TOUCH);
        if (s == ANY_SLOT) {
            s = firstFree();
        } else if (s < 0 || s >= SLOTS) {
            throw new GuestError(KernelError.INVAL);
        } else if (owner[s] != null) {
            throw new GuestError(KernelError.BUSY);
        }
        owner[s] = e;
        e.slots++;
        return s;
    }

    private int firstFree() {
        for (int i = 0; i < SLOTS; i++) if (owner[i] == null) return i;
        throw new GuestError(KernelError.NOSLOT);
    }

    /** Frees slot s, which e must own. */
    public void free(Environment e, int s) {
        if (s < 0 || s >= SLOTS) throw new GuestError(KernelError.INVAL);
        if (owner[s] != e) throw new GuestError(KernelError.PERM);
        owner[s] = null;
        e.slots--;
        cost.charge(CostModel.TABLE_TOUCH);
    }

    /** Frees every slot of a destroyed environment. */
    public void releaseSlots(Environment e) {
        for (int i = 0; i < SLOTS; i++) {
            if (owner[i] == e) owner[i] = null;
        }
        e.slots = 0;
        cost.charge(CostModel.TABLE_TOUCH);
    }

    /** The owner of slot s, or null (for the monitor and tests). */
    public Environment owner(int s) {
        return owner[s];
    }

    public int currentSlot() {
        return slot;
    }

    /** Starts the first slice; false if no environment holds a slot. */
    public boolean startFirst() {
        return switchNext();
    }

    /**
     * Starts the next slice whose owner is alive and owes no forfeit, and enters the owner.
     * Returns false (CPU idle) if no environment holds a slot.
     */
    public boolean switchNext() {
        for (int tries = 0; tries < 3 * SLOTS; tries++) {
            slot = (slot + 1) % SLOTS;
            cost.charge(CostModel.TABLE_TOUCH);
            Environment e = owner[slot];
            if (e == null || !e.alive()) continue;
            if (e.forfeits > 0) {
                e.forfeits--;
                continue;
            }
            cpu.timerCompare = cpu.cycles + options.quantum();
            if (stats.tracer != null) stats.tracer.slice(slot);
            enter(e);
            return true;
        }
        return false;
    }

    /**
     * The timer interrupt, taken when e would next execute pc: end of a slice, or end of an
     * epilogue's grace period.
     */
    public void timer(Environment e, int pc) {
        if (e.inEpilogue) {
            e.inEpilogue = false;
            e.excess++;
            e.forfeits++;
            if (e.excess > options.excessLimit()) {
                lifecycle.kill(e, 128 + Cause.TIMER.code, "epilogue overran its grace period of " + options.grace()
                        + " cycles " + e.excess + " times (limit " + options.excessLimit() + ")");
                return;
            }
            if (!switchNext()) machine.halt();
            return;
        }
        saveContext(e, pc);
        if (e.epilogue != 0 && forwarder.safeToUpcall(e, pc)) {
            e.inEpilogue = true;
            cpu.regs[Register.K0] = pc;
            cpu.regs[Register.K1] = 0;
            cpu.pc = e.epilogue;
            cpu.timerCompare = cpu.cycles + options.grace();
            cost.charge(2 * CostModel.REG_WRITE + CostModel.UPCALL);
            return;
        }
        if (!switchNext()) machine.halt();
    }

    /**
     * Gives up the rest of the slice: to target (directed yield) if non-null, else to the next
     * slot. e resumes after the yield (or, from its epilogue, where the slice ended). From an
     * epilogue the slice is already over, so the next slot starts whatever the target.
     */
    public void yield(Environment e, Environment target, int resumePc) {
        if (e.inEpilogue) {
            e.inEpilogue = false;
            target = null;
        } else {
            cpu.regs[Register.A0] = 0;
            saveContext(e, resumePc);
        }
        if (target != null && target != e) {
            enter(target);
        } else if (!switchNext()) {
            machine.halt();
        }
    }

    /**
     * Protected control transfer from caller to callee: the PC moves to the callee's IPC entry,
     * the ASID to the callee's, k0 says how (1 synchronous, 2 asynchronous) and k1 who called;
     * every other register is untouched — they are the message. Only the caller's resume PC is
     * recorded. A synchronous transfer also lends the callee the current slot if the caller
     * owns it (and so its future slices); the callee's synchronous transfer back to the caller,
     * its answer, returns that slot, whichever slot is running then, and lends none. A callee
     * that gives the CPU away before it answers (a server waiting for its disk) answers on
     * another slot: handing back the running one instead would give the caller a slot that is
     * not the one it lent (the callee's own, or another caller's) and leave its own with the
     * callee, so that callers of such a server drift to no slot at all.
     *
     * <p>An entry set with PC_IPC_ONCE takes one transfer: accepting it sets the entry to 0,
     * so the callee is shut to others from its entry's first instruction (a server that
     * closed its entry itself could be preempted before it did, and the next transfer would
     * replace the request it had accepted).
     *
     * @throws GuestError E_BADENV (callee dead or unknown), E_NOENTRY (no IPC entry),
     *                    E_BUSY (callee inside its exception handler)
     */
    public void transfer(Environment caller, int calleeId, boolean sync, int resumePc) {
        cost.charge(CostModel.TABLE_TOUCH);
        Environment callee = envs.get(calleeId);
        if (callee == null) throw new GuestError(KernelError.BADENV);
        if (callee.ipcEntry == 0) throw new GuestError(KernelError.NOENTRY);
        if (callee != caller && forwarder.busy(callee)) throw new GuestError(KernelError.BUSY);
        int entry = callee.ipcEntry;
        if (callee.ipcOnce) {
            callee.ipcEntry = 0;
            callee.ipcOnce = false;
        }
        caller.resumePc = resumePc;
        caller.inEpilogue = false;
        if (sync && callee != caller) {
            if (callee.calling == caller) {
                int lent = callee.lentSlot;
                callee.calling = null;
                callee.lentSlot = Environment.NO_SLOT;
                if (lent != Environment.NO_SLOT && owner[lent] == caller) move(lent, caller, callee);
            } else {
                caller.calling = callee;
                caller.lentSlot = Environment.NO_SLOT;
                if (slot != BEFORE_FIRST && owner[slot] == caller) {
                    caller.lentSlot = slot;
                    move(slot, caller, callee);
                }
            }
        }
        stats.protectedTransfers++;
        if (stats.tracer != null) stats.tracer.transfer(caller.id, callee.id, sync);
        if (callee != caller) stats.contextSwitches++;
        envs.setCurrent(callee);
        cpu.regs[Register.K0] = sync ? 1 : 2;
        cpu.regs[Register.K1] = caller.id;
        cpu.pc = entry;
        cost.charge(2 * CostModel.REG_WRITE + CostModel.UPCALL);
    }

    private void move(int s, Environment from, Environment to) {
        owner[s] = to;
        from.slots--;
        to.slots++;
        cost.charge(CostModel.TABLE_TOUCH);
    }

    /** Saves the CPU's registers as e's context, to resume at pc. */
    public void saveContext(Environment e, int pc) {
        System.arraycopy(cpu.regs, 0, e.context, 0, 32);
        e.resumePc = pc;
        e.hasContext = true;
        cost.charge(CostModel.CONTEXT_WORDS * CostModel.WORD_SAVED);
    }

    /**
     * Puts e on the CPU: its ASID, its registers, its PC — or, if it has a prologue and a save
     * area and may take an upcall now, its prologue with k0 = where it would have resumed and
     * k1 = the save area, busy word set.
     */
    public void enter(Environment e) {
        if (envs.current() != e) stats.contextSwitches++;
        envs.setCurrent(e);
        if (e.hasContext) System.arraycopy(e.context, 0, cpu.regs, 0, 32);
        else java.util.Arrays.fill(cpu.regs, 0);
        cpu.pc = e.resumePc;
        cost.charge(CostModel.CONTEXT_WORDS * CostModel.WORD_RESTORED + CostModel.UPCALL);
        int save = forwarder.savePhys(e);
        if (e.prologue != 0 && save != Forwarder.NO_SAVE_AREA && forwarder.safeToUpcall(e, e.resumePc)) {
            // Like an exception: busy is set, so a preemption inside the prologue resumes it as it
            // was instead of re-entering it with a fresh k0. It returns as a handler does.
            machine.memory.writeWord(save + Forwarder.SAVE_BUSY, 1);
            cpu.regs[Register.K0] = e.resumePc;
            cpu.regs[Register.K1] = e.saveArea;
            cpu.pc = e.prologue;
            cost.charge(CostModel.WORD_SAVED + 2 * CostModel.REG_WRITE);
        }
    }
}

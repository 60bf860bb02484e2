package exo.kernel.forward;

import exo.emulator.isa.Opcode;
import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Machine;
import exo.emulator.machine.PhysicalMemory;
import exo.kernel.env.Environment;
import exo.kernel.env.KernelEvent;
import exo.kernel.env.Lifecycle;
import exo.kernel.mem.Memory;
import exo.os.CostModel;
import exo.os.Stats;
import java.util.ArrayList;
import java.util.List;

/**
 * Exception forwarding, the product's heart. On an exception the kernel:
 * <ol>
 *   <li>finds the handler PC for the cause (one table read); the physical address of the save
 *       area, through the guaranteed mapping that covers it, was resolved when the save area or
 *       the mapping was set ({@link Environment#savePhys}) — so the stores below can never
 *       fault, and cost no lookup;</li>
 *   <li>writes three words: CAUSE, BADVADDR (0 for a cause without an address), and the
 *       busy word (1);</li>
 *   <li>sets k0 = EPC and k1 = the save area's virtual address, and jumps to the handler in
 *       user mode.</li>
 * </ol>
 * Nothing else is saved: k0 and k1 belong to exception code by the ABI, every other register
 * is the interrupted code's and the handler preserves what it uses. EPC is handed over in k0
 * only: the save area's first word ({@link #SAVE_EPC}) is the handler's, where one that will
 * reuse k0 keeps it (the library OS's general entry does; its TLB-miss path returns with k0
 * untouched and never stores it), so the kernel does not store a word most handlers never
 * read. The handler returns by itself: {@code sw zero, 12(k1)} (clear busy) then
 * {@code jr k0} (EPC, or EPC + 4 to skip).
 *
 * <p>Faults inside a handler: while the busy word is set, a fault the kernel cannot fill
 * itself is a double fault and destroys the environment, with a diagnostic listing every
 * fault since the busy word was last clear. A handler that wants to take faults clears the
 * busy word first (after copying what it needs out of the save area). Asynchronous upcalls
 * (epilogue, prologue, revocation) are never delivered while the busy word is set or when the
 * next instruction is the {@code jr k0} that ends a handler, so they never clobber a live k0.
 */
public final class Forwarder {
    /** Save-area word offsets: the kernel writes CAUSE, BADVADDR and BUSY; EPC is the handler's slot for k0. */
    public static final int SAVE_EPC = 0, SAVE_CAUSE = 4, SAVE_BADVADDR = 8, SAVE_BUSY = 12;
    /** Bytes in the save area; it must not cross a page. */
    public static final int SAVE_SIZE = 16;
    /** The instruction that ends a handler: {@code jr k0}, i.e. {@code jalr zero, 0(k0)}. */
    public static final int JR_K0 = Opcode.JALR.encode(Register.ZERO, 0, Register.K0);
    /** What {@link #savePhys} answers for an environment without a usable save area. */
    public static final int NO_SAVE_AREA = Environment.NO_SAVE_AREA;

    private final Cpu cpu;
    private final PhysicalMemory physical;
    private final CostModel cost;
    private final Stats stats;
    private final Memory memory;
    private final Lifecycle lifecycle;
    /** The environments' downloaded exception handlers, which the kernel runs before forwarding their causes. */
    public final DownloadedExceptions downloaded;

    /** Forwarding on machine, translating through memory; lifecycle ends an environment that cannot take an exception. */
    public Forwarder(Machine machine, CostModel cost, Stats stats, Memory memory, Lifecycle lifecycle) {
        this.cpu = machine.cpu;
        this.physical = machine.memory;
        this.cost = cost;
        this.stats = stats;
        this.memory = memory;
        this.lifecycle = lifecycle;
        this.downloaded = new DownloadedExceptions(machine, cost, stats, memory);
    }

    /**
     * Forwards an exception at epc to e's handler for its cause, or destroys e if it has none,
     * has no usable save area, or is already inside its handler.
     */
    public void forward(Environment e, Cause cause, int epc, int badVaddr) {
        // The BADVADDR register keeps the last address cause's value (a miss the kernel filled
        // invisibly, perhaps another environment's); a non-address cause saves 0, not that.
        deliver(e, cause.code, epc, cause.setsBadVaddr ? badVaddr : 0);
    }

    /**
     * Delivers a kernel event ({@link exo.kernel.env.KernelEvent}: revocation, repossession; or
     * a disk completion, whose tag is its argument) exactly as an exception: pc is where e
     * resumes afterwards, arg goes where BADVADDR would.
     */
    public void forwardEvent(Environment e, int event, int pc, int arg) {
        deliver(e, event, pc, arg);
    }

    /** Both of the above: code indexes e's handler table and is what the save area's CAUSE holds. */
    private void deliver(Environment e, int code, int epc, int badVaddr) {
        cost.charge(CostModel.TABLE_TOUCH);                 // the handler PC; the save area is resolved already
        int handler = e.handler[code];
        int save = savePhys(e);
        boolean inHandler = save != NO_SAVE_AREA && physical.readWord(save + SAVE_BUSY) != 0;
        if (handler == 0 || save == NO_SAVE_AREA || inHandler) {
            List<Environment.Fault> chain = new ArrayList<>();
            if (inHandler && e.lastCode != 0) chain.add(new Environment.Fault(e.lastCode, e.lastEpc, e.lastBadVaddr));
            chain.add(new Environment.Fault(code, epc, badVaddr));
            String why = inHandler ? "fault inside its own exception handler (busy word set):"
                    : handler == 0 ? "unhandled " : "no writable guaranteed mapping under the save area for ";
            if (stats.tracer != null) stats.tracer.forwarded(e.id, KernelEvent.name(code), epc, badVaddr, 0);
            lifecycle.kill(e, 128 + code, why + describe(e, chain));
            return;
        }
        e.lastCode = code;
        e.lastEpc = epc;
        e.lastBadVaddr = badVaddr;
        physical.writeWord(save + SAVE_CAUSE, code);
        physical.writeWord(save + SAVE_BADVADDR, badVaddr);
        physical.writeWord(save + SAVE_BUSY, 1);
        cpu.regs[Register.K0] = epc;
        cpu.regs[Register.K1] = e.saveArea;
        cpu.pc = handler;
        stats.forwarded[code]++;
        if (stats.tracer != null) stats.tracer.forwarded(e.id, KernelEvent.name(code), epc, badVaddr, handler);
        cost.charge(3 * CostModel.WORD_SAVED + 2 * CostModel.REG_WRITE + CostModel.UPCALL);
    }

    /** Faults as a diagnostic: one fault inline, several numbered on their own lines. */
    private static String describe(Environment e, List<Environment.Fault> chain) {
        if (chain.size() == 1) return describe(e, chain.get(0));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < chain.size(); i++) {
            b.append(System.lineSeparator()).append("  ").append(i + 1).append(". ").append(describe(e, chain.get(i)));
            b.append(i == 0 ? " (being handled)" : "");
        }
        return b.toString();
    }

    private static String describe(Environment e, Environment.Fault f) {
        return e.describeFault(f.code(), f.epc(), f.badVaddr());
    }

    /**
     * Physical address of e's save area through its guaranteed mapping, or {@link #NO_SAVE_AREA}
     * if it has none usable: resolved when the save area or a guaranteed mapping changed
     * ({@link Environment#resolveSaveArea}), not here.
     */
    public int savePhys(Environment e) {
        return e.savePhys;
    }

    /** Whether e's busy word is set (it is inside its exception handler). */
    public boolean busy(Environment e) {
        int save = savePhys(e);
        return save != NO_SAVE_AREA && physical.readWord(save + SAVE_BUSY) != 0;
    }

    /**
     * Whether an asynchronous upcall may clobber e's k0/k1 when it would resume at pc: not
     * inside a handler, and not about to execute the {@code jr k0} that ends one.
     */
    public boolean safeToUpcall(Environment e, int pc) {
        if (busy(e)) return false;
        int pa = memory.tryTranslate(e, pc, false);
        return pa == Memory.UNMAPPED || (pc & 3) != 0 || physical.readWord(pa) != JR_K0;
    }
}

package exo.emulator.machine;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * The whole machine: CPU, physical memory, TLB and MMU, console, timer, an optional disk, and the event loop
 * that is the one place traps reach the kernel. It knows nothing of environments; the kernel
 * attached as {@link TrapHandler} does.
 *
 * <p>The path of a trap: an engine (or the MMU, through the engine) finds a fault and
 * {@link #raise}s it — a typed value (cause, EPC, BADVADDR) recorded here — and returns with
 * the faulting instruction's effects never made. {@link #run}'s loop then delivers it: it
 * records the control registers, lets a {@link TrapObserver} see it (a debugger may stop here),
 * and calls the {@link TrapHandler}. The timer interrupt and the disk's ({@link Disk}) take the
 * same path, raised by the loop itself at the exact cycle (the timer first when both are due).
 * Nothing else calls the kernel.
 */
public final class Machine {
    public static final long DEFAULT_MEMORY = 256L << 20;
    /** Longest stretch an engine runs between checks of halt and stop requests. */
    static final int CHUNK = 1 << 20;

    public final Cpu cpu = new Cpu();
    public final PhysicalMemory memory;
    public final Tlb tlb;
    public final Mmu mmu;
    private Console console;
    /** The block device, or null: a machine without a disk runs exactly as before one existed. */
    private Disk disk;
    /** A completion whose interrupt has not reached the kernel yet. */
    private boolean diskInterruptOwed;
    private TrapHandler handler = (m, c, epc, bad) -> m.halt();
    private TrapObserver observer;
    private Engine engine;

    /** Exceptions delivered, indexed by {@link Cause#code}. */
    public final long[] trapCounts = new long[Cause.CODES];

    /** The trap raised and not yet delivered, or null; with its EPC and BADVADDR. */
    private Cause pending;
    private int pendingEpc, pendingBadVaddr;

    /** Virtual PCs {@link #run} stops before (sorted, distinct); see {@link #setBreakpoints}. */
    private int[] breakpoints = new int[0];
    /** Virtual PCs {@link #run} stops before only if {@link #condition} holds there (sorted, distinct, none in breakpoints). */
    private int[] conditional = new int[0];
    /** Per conditional PC, comparisons that hold wherever its condition holds (null: none known). */
    private RegisterCompare[][] necessary = new RegisterCompare[0][];
    private BreakCondition condition;
    /** Set while a debugger counts every arrival at a conditional breakpoint: translated code then asks at each. */
    private boolean askEveryArrival;
    /**
     * The conditional breakpoint {@link #condition} was last asked about, the instret it was
     * asked at and its answer: asked again at that very arrival (the dispatcher, then the
     * translation it enters; the translation, then the dispatcher it leaves to; a retry after
     * a trap the kernel resolved), the answer stands. Forgotten when a run starts.
     */
    private int askedPc;
    private long askedInstret = -1;
    private boolean askedHolds;
    /** True only inside {@link #run} with breakpoints set: {@link #step} never stops at one. */
    private boolean breakpointsLive;
    /**
     * Where {@link #resumePastBreakpoint} was called: a breakpoint there is passed until an
     * instruction retires (a trap the kernel resolves and resumes at it retries it unchecked).
     */
    private int skipPc;
    private long skipInstret;
    private boolean skipArmed;
    private boolean breakpointStop;
    /** The engine stopped before an access to a watched page ({@link StopReason#WATCHED}). */
    private boolean watchStopped;

    private boolean halted;
    private volatile boolean stopRequested;
    /** Where execution is recorded for a debugger, or null (see {@link #record}). */
    private Footprint footprint;

    /** Sees every trap at its delivery, before and after the kernel handles it (a debugger). */
    public interface TrapObserver {
        /**
         * Called with the control registers already recorded and the PC at the EPC. Returns
         * true to stop before the kernel sees the trap: {@link #run} returns
         * {@link StopReason#STOPPED} with the PC left at the EPC, and running again re-executes
         * the faulting instruction (a timer interrupt stays due and is raised again).
         */
        boolean beforeTrap(Machine m, Cause cause, int epc, int badVaddr);

        /** Called when the kernel has handled the trap; the PC is where it resumes. */
        default void afterTrap(Machine m, Cause cause, int epc, int badVaddr) {}
    }

    public Machine(long memoryBytes, long seed, Console console) {
        this.memory = new PhysicalMemory(memoryBytes);
        this.tlb = new Tlb(seed);
        this.mmu = new Mmu(tlb, memory);
        this.console = console;
    }

    public void setTrapHandler(TrapHandler handler) {
        this.handler = handler;
    }

    public void setTrapObserver(TrapObserver observer) {
        this.observer = observer;
    }

    public void setEngine(Engine engine) {
        this.engine = engine;
    }

    public Engine engine() {
        return engine;
    }

    public Console console() {
        return console;
    }

    /** Attaches the block device (before the kernel is built; the kernel mounts what it finds). */
    public void attachDisk(Disk disk) {
        this.disk = disk;
    }

    /** The block device, or null if the machine has none. */
    public Disk disk() {
        return disk;
    }

    /**
     * The cycle the disk interrupt is due: now (0) if a completion's interrupt was stopped by the
     * observer and is still to be delivered, else the next completion's, or Long.MAX_VALUE.
     */
    private long diskDue() {
        if (disk == null) return Long.MAX_VALUE;
        return diskInterruptOwed ? 0 : disk.due();
    }

    /**
     * The disk's request due now: the device does its DMA, then its interrupt is delivered like
     * the timer's. An interrupt the observer stops stays owed, without a second DMA.
     */
    private void diskInterrupt(Cpu c) {
        if (!diskInterruptOwed) disk.completeDue(memory);
        diskInterruptOwed = true;
        deliver(Cause.DISK, c.pc, 0);
    }

    /**
     * Raises a trap where it is found: records (cause, EPC, BADVADDR) for delivery. Engines call
     * this for an instruction that did not retire and then return from
     * {@link Engine#runChunk} at once; the event loop delivers it before anything else happens.
     * BADVADDR matters only for causes whose {@link Cause#setsBadVaddr} is true.
     *
     * @throws IllegalStateException if a trap is already pending (an engine ran on after one)
     */
    public void raise(Cause cause, int epc, int badVaddr) {
        if (mmu.watchStop) {
            // Not a trap: the MMU refused an access to a watched page (see setWatchedPages). The
            // PC goes to the instruction, as delivery would put it at a trap's EPC.
            mmu.watchStop = false;
            watchStopped = true;
            cpu.pc = epc;
            return;
        }
        if (pending != null) raisedTwice(cause);
        pending = cause;
        pendingEpc = epc;
        pendingBadVaddr = badVaddr;
    }

    /**
     * Sets the virtual PCs {@link #run} stops before, returning {@link StopReason#BREAKPOINT}
     * with the PC there and nothing at it executed. Empty by default; {@link #step} ignores
     * them. The engine is told when the set changes (which may drop its translations).
     */
    public void setBreakpoints(int[] pcs) {
        setBreakpoints(pcs, new int[0], null, null);
    }

    /**
     * Decides at a conditional breakpoint whether {@link #run} stops there. Called before the
     * instruction at pc executes, with the architectural state exactly as the interpreter would
     * have it: registers, PC, instret and cycles (an engine commits what it holds back first);
     * it must change none of it.
     */
    @FunctionalInterface
    public interface BreakCondition {
        boolean holds(int pc);
    }

    /**
     * Sets the PCs {@link #run} stops before, as {@link #setBreakpoints(int[])}, and conditional
     * ones, where it stops only if condition holds (asked once per arrival: see
     * {@link BreakCondition}). A PC in both sets is unconditional. necessary, if not null,
     * gives for each conditional PC (same index) comparisons that hold wherever its condition
     * holds, or null: translated code asks the condition only where they all hold (unless
     * {@link #setAskEveryArrival}). The engine is told when the sets or the comparisons
     * change (which may drop its translations); a new condition alone changes nothing an
     * engine holds, since it asks the machine.
     */
    public void setBreakpoints(int[] pcs, int[] conditionalPcs, RegisterCompare[][] necessary, BreakCondition condition) {
        this.condition = condition;
        // A debugger sets the same sets before every run: the common case costs three comparisons.
        if (Arrays.equals(pcs, breakpoints) && Arrays.equals(conditionalPcs, conditional)
                && (necessary == null ? allNull(this.necessary) : Arrays.deepEquals(necessary, this.necessary))) return;
        int[] set = Arrays.stream(pcs).distinct().sorted().toArray();
        TreeMap<Integer, RegisterCompare[]> byPc = new TreeMap<>();
        for (int i = 0; i < conditionalPcs.length; i++) {
            int pc = conditionalPcs[i];
            if (Arrays.binarySearch(set, pc) >= 0) continue;
            RegisterCompare[] n = necessary == null ? null : necessary[i];
            // The same PC twice: its conditions are two, and no comparison is known for both.
            byPc.put(pc, byPc.containsKey(pc) && !Arrays.equals(byPc.get(pc), n) ? null : n);
        }
        if (!byPc.isEmpty() && condition == null) throw new IllegalStateException("conditional breakpoints without a condition");
        int[] cond = byPc.keySet().stream().mapToInt(Integer::intValue).toArray();
        RegisterCompare[][] known = byPc.values().toArray(new RegisterCompare[0][]);
        if (Arrays.equals(set, breakpoints) && Arrays.equals(cond, conditional) && Arrays.deepEquals(known, this.necessary)) return;
        breakpoints = set;
        conditional = cond;
        this.necessary = known;
        if (engine != null) engine.breakpointsChanged(this);
    }

    private static boolean allNull(Object[] a) {
        for (Object o : a) if (o != null) return false;
        return true;
    }

    /** The comparisons known for conditional breakpoint pc (see {@link #setBreakpoints}), or null. */
    public RegisterCompare[] necessaryAt(int pc) {
        int i = Arrays.binarySearch(conditional, pc);
        return i < 0 ? null : necessary[i];
    }

    /**
     * While set, translated code asks the condition at every arrival at a conditional
     * breakpoint, even where a comparison rules it out: for a debugger that counts the arrivals
     * where its condition fails. Changes no translation.
     */
    public void setAskEveryArrival(boolean ask) {
        askEveryArrival = ask;
    }

    /** Whether translated code must ask at every arrival (see {@link #setAskEveryArrival}); read by generated code. */
    public boolean asksEveryArrival() {
        return askEveryArrival;
    }

    /**
     * Sets the virtual pages whose loads and stores {@link #run} stops before, returning
     * {@link StopReason#WATCHED} with the PC at the instruction and nothing of it executed (the
     * engine leaves it as it leaves one that faults). Only accesses to these pages take the
     * MMU's slow path (see {@link Mmu}); {@link #step} executes them. A debugger steps the
     * instruction with its own checks of the exact range, then runs on.
     */
    public void setWatchedPages(int[] vpns) {
        mmu.setWatchedPages(vpns);
    }

    /** The PCs {@link #run} stops before, sorted (a copy). */
    public int[] breakpoints() {
        return breakpoints.clone();
    }

    /** The PCs {@link #run} stops before when their condition holds, sorted (a copy). */
    public int[] conditionalBreakpoints() {
        return conditional.clone();
    }

    /** Lets {@link #run} pass a breakpoint at the current PC until an instruction retires (resuming after a stop there). */
    public void resumePastBreakpoint() {
        skipPc = cpu.pc;
        skipInstret = cpu.instret;
        skipArmed = true;
    }

    /** Whether engines must ask {@link #stopBefore} at instruction boundaries now. */
    public boolean breakpointsLive() {
        return breakpointsLive;
    }

    /**
     * Asked by an engine before executing the instruction at pc while {@link #breakpointsLive}:
     * true if pc is a breakpoint (the engine then returns at once, and {@link #run} returns
     * {@link StopReason#BREAKPOINT}). After {@link #resumePastBreakpoint}, the PC it was
     * resumed at is passed until an instruction has retired. A conditional breakpoint stops
     * only if its condition holds, evaluated once per arrival.
     */
    public boolean stopBefore(int pc) {
        if (!breakpointsLive) return false;
        if (skipArmed) {
            if (cpu.instret == skipInstret && pc == skipPc) return false;
            skipArmed = false;
        }
        if (Arrays.binarySearch(breakpoints, pc) < 0) {
            if (conditional.length == 0 || Arrays.binarySearch(conditional, pc) < 0) return false;
            if (pc != askedPc || cpu.instret != askedInstret) {
                askedPc = pc;
                askedInstret = cpu.instret;
                askedHolds = condition.holds(pc);
            }
            if (!askedHolds) return false;
        }
        breakpointStop = true;
        return true;
    }

    /**
     * {@link #stopBefore} for translated code reaching a conditional breakpoint's word, with
     * its registers stored back and retired more instructions retired since it last committed
     * the counters: they and the PC are made current for the condition, then put back (the
     * translation commits them itself when it leaves).
     */
    public boolean stopBeforeInTranslation(int pc, int retired) {
        Cpu c = cpu;
        int pcWas = c.pc;
        c.instret += retired;
        c.cycles += retired;
        c.pc = pc;
        try {
            return stopBefore(pc);
        } finally {
            c.instret -= retired;
            c.cycles -= retired;
            c.pc = pcWas;
        }
    }

    private void raisedTwice(Cause cause) {
        throw new IllegalStateException("trap " + cause + " raised while " + pending + " is pending");
    }

    /**
     * The event loop: runs the engine until the machine halts, a stop is requested, or
     * {@code budget} more instructions have retired. It hands the engine stretches that end
     * exactly at the next event (timer deadline, end of budget) or after {@link #CHUNK}
     * instructions, raises the timer interrupt at its cycle, and delivers every trap. With
     * {@link #setBreakpoints} set it returns {@link StopReason#BREAKPOINT} before one.
     */
    public StopReason run(long budget) {
        if (engine == null) throw new IllegalStateException("no engine attached");
        Cpu c = cpu;
        long target = budget >= Long.MAX_VALUE - c.instret ? Long.MAX_VALUE : c.instret + budget;
        breakpointsLive = breakpoints.length > 0 || conditional.length > 0;
        askedInstret = -1;
        mmu.watchStops = true;
        try {
            return loop(c, target);
        } finally {
            breakpointsLive = false;
            skipArmed = false;
            mmu.watchStops = false;
        }
    }

    private StopReason loop(Cpu c, long target) {
        while (true) {
            if (pending != null) deliverPending();
            if (halted) return StopReason.HALTED;
            if (takeStopRequest()) return StopReason.STOPPED;
            if (c.cycles >= c.timerCompare) {
                deliver(Cause.TIMER, c.pc, 0);
                continue;
            }
            long diskDue = diskDue();
            if (c.cycles >= diskDue) {
                diskInterrupt(c);
                continue;
            }
            long left = target - c.instret;
            if (left <= 0) return StopReason.BUDGET;
            long n = Math.min(Math.min(left, Math.min(c.timerCompare, diskDue) - c.cycles), CHUNK);
            engine.runChunk(this, (int) n);
            if (breakpointStop) {
                breakpointStop = false;
                return StopReason.BREAKPOINT;
            }
            if (watchStopped) {
                watchStopped = false;
                return StopReason.WATCHED;
            }
        }
    }

    /**
     * One event: a trap raised from outside an engine (tests drive the kernel this way), else
     * the timer interrupt if it is due (as {@link #run} would raise it before the next
     * instruction), else one instruction, with its trap delivered if it faults. So stepping and
     * running see interrupts at the same cycle.
     */
    public StopReason step() {
        if (engine == null) throw new IllegalStateException("no engine attached");
        if (halted) return StopReason.HALTED;
        if (pending != null) {
            deliverPending();
        } else if (cpu.cycles >= cpu.timerCompare) {
            deliver(Cause.TIMER, cpu.pc, 0);
        } else if (cpu.cycles >= diskDue()) {
            diskInterrupt(cpu);
        } else {
            engine.runChunk(this, 1);
            if (pending != null) deliverPending();
        }
        if (halted) return StopReason.HALTED;
        return takeStopRequest() ? StopReason.STOPPED : StopReason.BUDGET;
    }

    private void deliverPending() {
        Cause cause = pending;
        pending = null;
        deliver(cause, pendingEpc, pendingBadVaddr);
    }

    /**
     * The one trap site. Records EPC, CAUSE and BADVADDR (address causes only), points the PC
     * at the EPC, lets the observer stop first, then enters the kernel with the BADVADDR
     * register as it now stands. A timer interrupt disarms the timer first, so a kernel that
     * does not re-arm it sees one interrupt, not a storm.
     */
    private void deliver(Cause cause, int epc, int badVaddr) {
        Cpu c = cpu;
        if (footprint != null) footprint.trapped(cause, epc);
        c.epc = epc;
        c.cause = cause.code;
        if (cause.setsBadVaddr) c.badVaddr = badVaddr;
        c.pc = epc;
        if (observer != null && observer.beforeTrap(this, cause, epc, c.badVaddr)) {
            stopRequested = true;
            return;
        }
        if (cause == Cause.TIMER) c.disarmTimer();
        if (cause == Cause.DISK) diskInterruptOwed = false;
        trapCounts[cause.code]++;
        handler.trap(this, cause, epc, c.badVaddr);
        if (observer != null) observer.afterTrap(this, cause, epc, c.badVaddr);
    }

    /**
     * The machine's whole architectural state at an instruction boundary: registers, control
     * registers and counters, the timer, trap counts, the TLB, the current ASID and physical
     * memory (an {@link PhysicalMemory.Image}), and with a disk the device ({@link Disk.Image}:
     * its queue, completion times, buffer and the blocks it has written to its file) and whether
     * its interrupt is owed. Not the engine, breakpoints or observer, which are the debugger's.
     */
    public record Snapshot(int[] regs, int pc, int epc, int cause, int badVaddr, long cycles, long instret, long timerCompare,
                           long[] trapCounts, boolean halted, Tlb.State tlb, int asid, PhysicalMemory.Image memory, Disk.Image disk,
                           boolean diskInterruptOwed) {}

    /**
     * The state now, sharing unchanged memory pages with previous (null for none); only the
     * pages written since are compared when previous is the snapshot last taken or restored.
     *
     * @throws IllegalStateException with a trap pending (mid-delivery)
     */
    public Snapshot snapshot(Snapshot previous) {
        if (pending != null) throw new IllegalStateException("snapshot with trap " + pending + " pending");
        Cpu c = cpu;
        Snapshot s = new Snapshot(c.regs.clone(), c.pc, c.epc, c.cause, c.badVaddr, c.cycles, c.instret, c.timerCompare,
                trapCounts.clone(), halted, tlb.state(), mmu.asid(), memory.image(previous == null ? null : previous.memory),
                disk == null ? null : disk.image(), diskInterruptOwed);
        // Memory tracks the pages written since this image; a store line mapped now would bypass that.
        mmu.flushHostCache();
        return s;
    }

    /**
     * Records from now on what execution touches into f (null stops recording): see
     * {@link Footprint}. The host cache is flushed, so that every page used from here on takes
     * the MMU's slow path at least once.
     */
    public void record(Footprint f) {
        footprint = f;
        mmu.footprint = f;
        mmu.flushHostCache();
    }

    /** Where execution is being recorded, or null: engines add the instructions they run. */
    public Footprint footprint() {
        return footprint;
    }

    /**
     * Makes the machine's state what it was at s; the engine's translations of pages whose
     * contents change are invalidated as for any write, and the MMU's host cache is flushed.
     */
    public void restore(Snapshot s) {
        Cpu c = cpu;
        System.arraycopy(s.regs, 0, c.regs, 0, c.regs.length);
        c.pc = s.pc;
        c.epc = s.epc;
        c.cause = s.cause;
        c.badVaddr = s.badVaddr;
        c.cycles = s.cycles;
        c.instret = s.instret;
        c.timerCompare = s.timerCompare;
        System.arraycopy(s.trapCounts, 0, trapCounts, 0, trapCounts.length);
        pending = null;
        halted = s.halted;
        memory.restore(s.memory);
        if ((s.disk == null) != (disk == null)) throw new IllegalStateException("snapshot of a machine " + (disk == null ? "with" : "without") + " a disk");
        if (disk != null) disk.restore(s.disk);
        diskInterruptOwed = s.diskInterruptOwed;
        tlb.restore(s.tlb);
        mmu.setAsid(s.asid);
        mmu.flushHostCache();
    }

    /** Adds kernel work to the cycle counter (the cost model's charges). */
    public void chargeCycles(long cycles) {
        cpu.cycles += cycles;
    }

    /** Stops the machine for good; {@link #run} returns {@link StopReason#HALTED}. */
    public void halt() {
        halted = true;
    }

    public boolean isHalted() {
        return halted;
    }

    /** Asks a running engine to stop at the next instruction boundary it checks (thread-safe). */
    public void requestStop() {
        stopRequested = true;
    }

    /** Consumes a pending stop request. */
    public boolean takeStopRequest() {
        if (!stopRequested) return false;
        stopRequested = false;
        return true;
    }

    /** Sets the current ASID (the kernel's context switch). */
    public void setAsid(int asid) {
        mmu.setAsid(asid);
    }
}

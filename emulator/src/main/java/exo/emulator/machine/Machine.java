package exo.emulator.machine;

/**
 * The whole machine: CPU, physical memory, TLB and MMU, console, timer, and the one trap entry.
 * It knows nothing of environments; the kernel attached as {@link TrapHandler} does.
 */
public final class Machine {
    public static final long DEFAULT_MEMORY = 256L << 20;

    public final Cpu cpu = new Cpu();
    public final PhysicalMemory memory;
    public final Tlb tlb;
    public final Mmu mmu;
    private Console console;
    private TrapHandler handler = (m, c) -> m.halt();
    private TrapObserver observer;
    private Engine engine;

    /** Exceptions raised, indexed by {@link Cause#code}. */
    public final long[] trapCounts = new long[Cause.CODES];

    private boolean halted;
    private volatile boolean stopRequested;

    /** Sees every exception before the kernel does; may ask the engine to stop before delivery. */
    @FunctionalInterface
    public interface TrapObserver {
        /** Returns true to stop before the trap is handled; the PC is left at the EPC. */
        boolean beforeTrap(Machine m, Cause cause);
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

    public TrapHandler trapHandler() {
        return handler;
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

    /**
     * Raises an exception: records EPC, CAUSE and BADVADDR (for address causes), points the PC
     * at the EPC, and enters the kernel. Engines call this with the faulting instruction's
     * effects undone (they never made them). A timer interrupt disarms the timer first, so a
     * kernel that does not re-arm it sees one interrupt, not a storm.
     *
     * @return false if an observer stopped the machine before the kernel saw the trap
     */
    public boolean raise(Cause cause, int epc, int badVaddr) {
        Cpu c = cpu;
        c.epc = epc;
        c.cause = cause.code;
        if (cause.setsBadVaddr) c.badVaddr = badVaddr;
        c.pc = epc;
        if (observer != null && observer.beforeTrap(this, cause)) {
            stopRequested = true;
            return false;
        }
        if (cause == Cause.TIMER) c.disarmTimer();
        trapCounts[cause.code]++;
        handler.trap(this, cause);
        return true;
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

    public boolean stopPending() {
        return stopRequested;
    }

    /** Runs the attached engine; see {@link Engine#run}. */
    public StopReason run(long budget) {
        if (engine == null) throw new IllegalStateException("no engine attached");
        return engine.run(this, budget);
    }

    /** Sets the current ASID (the kernel's context switch). */
    public void setAsid(int asid) {
        mmu.setAsid(asid);
    }
}

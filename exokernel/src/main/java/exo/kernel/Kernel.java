package exo.kernel;

import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Machine;
import exo.emulator.machine.StopReason;
import exo.emulator.machine.TrapHandler;
import exo.kernel.abi.GuestError;
import exo.kernel.abi.KernelCallHandlers;
import exo.kernel.abi.KernelError;
import exo.kernel.boot.ImageLoader;
import exo.kernel.env.Environment;
import exo.kernel.env.KernelEvent;
import exo.kernel.mem.PageOwners;
import exo.kernel.mem.Stlb;
import exo.kernel.sched.Scheduler;
import exo.os.BootException;
import exo.os.CostModel;
import exo.os.GuestOs;
import exo.os.KernelOptions;
import exo.os.OutputLines;
import exo.os.ProgramImage;
import exo.os.RunResult;
import exo.os.Stats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The exokernel: the machine's one {@link TrapHandler}. It securely multiplexes the machine —
 * environments, physical pages with capabilities, guarded TLB writes with an STLB, exception
 * forwarding, the time-slice vector, protected control transfer, visible revocation — and
 * defines no abstraction. Its state lives in Java, unmapped, as Aegis kept its own in
 * unmapped physical memory; the guest reaches it only through the kernel calls of
 * {@link exo.kernel.abi.KernelCall}.
 *
 * <p>Typical use:
 * <pre>
 *   Kernel k = new Kernel(machine, KernelOptions.defaults());
 *   k.boot(image, List.of("arg1"));
 *   RunResult r = k.run(maxInstructions);
 * </pre>
 *
 * <p>Subsystems: {@link Memory} (pages, guarded TLB, STLB, guaranteed mappings),
 * {@link Forwarder} (exceptions), {@link Scheduler} (slices, yield, PCT), {@link Revoker}
 * (revocation and the abort protocol), {@link KernelCallHandlers} (the call table's handlers).
 */
public final class Kernel implements TrapHandler, GuestOs {
    public final Machine machine;
    public final Cpu cpu;
    public final KernelOptions options;
    public final CostModel cost;
    public final Stats stats = new Stats(KernelEvent.COUNT, KernelEvent::name);
    public final PageOwners pages;
    public final Stlb stlb = new Stlb();
    public final Memory memory;
    public final Forwarder forwarder;
    public final Scheduler scheduler;
    public final Revoker revoker;
    /** Read-only text views of the kernel's state (monitor, tests). */
    public final KernelViews views = new KernelViews(this);
    private final KernelCallHandlers syscalls;
    private final ImageLoader loader;

    /** Environments by ASID (index 0 unused). */
    private final Environment[] envs = new Environment[256];
    /** Generation per ASID: an id is generation << 8 | asid, so ids are never reused. */
    private final int[] generation = new int[256];
    private final SplittableRandom envTokens;
    private final List<Environment> booted = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final OutputLines lines;

    /** The environment on the CPU, or null before the first run and after the last exit. */
    Environment current;

    public Kernel(Machine machine, KernelOptions options) {
        this.machine = machine;
        this.cpu = machine.cpu;
        this.options = options;
        this.lines = new OutputLines(machine.console(), options.prefixOutput());
        this.cost = new CostModel(machine);
        this.pages = new PageOwners(machine.memory.pages(), options.seed());
        this.envTokens = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + 1);
        this.memory = new Memory(this);
        this.forwarder = new Forwarder(this);
        this.scheduler = new Scheduler(this);
        this.revoker = new Revoker(this);
        this.syscalls = new KernelCallHandlers(this);
        this.loader = new ImageLoader(this);
        machine.setTrapHandler(this);
    }

    // ---- booting and running ---------------------------------------------------------------

    /**
     * Boots a program as a new environment with one time slice, its segments and a stack
     * mapped, and argc/argv laid out as docs/kernel-abi.md describes. Returns its id.
     *
     * @throws BootException if the image does not fit (overlapping segments, out of memory)
     */
    public int boot(ProgramImage image, List<String> args) {
        Environment e = loader.load(image, args);
        booted.add(e);
        return e.id;
    }

    /**
     * Runs until every environment has exited, the instruction limit is reached, or the machine
     * is stopped. May be called again to continue after a limit or stop.
     */
    public RunResult run(long maxInstructions) {
        if (current == null && !machine.isHalted()) {
            if (!scheduler.startFirst()) machine.halt();
        }
        StopReason why = machine.isHalted() ? StopReason.HALTED : machine.run(maxInstructions);
        lines.flushAll();
        RunResult.Reason reason;
        if (why == StopReason.BUDGET) reason = RunResult.Reason.INSTRUCTION_LIMIT;
        else if (why == StopReason.STOPPED) reason = RunResult.Reason.STOPPED;
        else reason = anyAlive() ? RunResult.Reason.NO_RUNNABLE : RunResult.Reason.ALL_DONE;
        List<RunResult.Program> ps = new ArrayList<>();
        for (Environment e : booted) {
            ps.add(new RunResult.Program(e.name, e.id, !e.alive(), e.end == Environment.End.KILLED, e.exitStatus, e.diagnostic,
                    e.output.toString(StandardCharsets.UTF_8)));
        }
        return new RunResult(reason, ps, cpu.instret, cpu.cycles, cost.kernelCycles(), stats);
    }

    /**
     * The physical address va has for the environment on the CPU (TLB, STLB or guaranteed
     * mapping), or -1; charges nothing and changes nothing (for the monitor).
     */
    @Override
    public int peek(int va) {
        return current == null ? -1 : memory.peek(current, va);
    }

    /** Kernel diagnostics in order (environments destroyed, revocations), one line or block each. */
    public List<String> log() {
        return log;
    }

    /** Every environment booted by the host, live or ended, in boot order. */
    public List<Environment> booted() {
        return booted;
    }

    // ---- the trap entry ---------------------------------------------------------------------

    /**
     * The kernel's entry, called by the machine's event loop for every trap: a kernel call, the
     * timer, a TLB miss the STLB or a guaranteed mapping can fill, or an exception forwarded to
     * the environment's own handler.
     */
    @Override
    public void trap(Machine m, Cause cause, int epc, int badVaddr) {
        cost.charge(CostModel.TRAP_ENTRY);
        Environment e = current;
        if (e == null) throw new IllegalStateException("trap " + cause + " with no environment on the CPU");
        switch (cause) {
            case SYSCALL: syscalls.dispatch(e, epc); break;
            case TIMER: scheduler.timer(e, epc); break;
            case TLB_MISS_LOAD: case TLB_MISS_STORE: case TLB_MISS_FETCH:
                if (memory.refill(e, badVaddr)) break;
                stats.missesForwarded++;
                forwarder.forward(e, cause, epc, badVaddr);
                break;
            default: forwarder.forward(e, cause, epc, badVaddr); break;
        }
        revoker.checkDeadlines();
        if (current != null && current.alive()) revoker.deliverPending(current);
    }

    // ---- environments -------------------------------------------------------------------------

    /** Creates an environment (parent 0 for one the host boots). Throws E_NOENV when the table is full. */
    public Environment createEnv(int parent, String name, ProgramImage.Symbolizer symbolizer) {
        for (int asid = 1; asid <= options.maxEnvironments(); asid++) {
            cost.charge(CostModel.TABLE_TOUCH);
            if (envs[asid] == null) {
                generation[asid]++;
                int id = generation[asid] << 8 | asid;
                long token;
                do token = envTokens.nextLong(); while (token == 0);
                Environment e = new Environment(id, parent, name, token, symbolizer, options.pagesPerEnv());
                envs[asid] = e;
                machine.tlb.flushAsid(asid);
                return e;
            }
        }
        throw new GuestError(KernelError.NOENV);
    }

    /** The live environment with this id, or null. */
    public Environment env(int id) {
        int asid = id & 0xFF;
        Environment e = envs[asid];
        return e != null && e.id == id && e.alive() ? e : null;
    }

    /**
     * Resolves the (id, capability) pair kernel calls name an environment with: id 0 is the
     * caller itself (no capability needed); any other id needs that environment's token.
     */
    public Environment target(Environment self, int id, int capLow, int capHigh) {
        if (id == 0 || id == self.id) return self;
        cost.charge(CostModel.TABLE_TOUCH + CostModel.CAP_CHECK);
        Environment e = env(id);
        if (e == null) throw new GuestError(KernelError.BADENV);
        if (e.token != PageOwners.join(capLow, capHigh)) throw new GuestError(KernelError.BADCAP);
        return e;
    }

    @Override
    public String context() {
        return current == null ? "-" : "env " + current.id;
    }

    @Override
    public java.util.Map<String, java.util.function.Supplier<String>> views() {
        return views.all();
    }

    @Override
    public List<String> summary() {
        List<String> l = new ArrayList<>(log);
        for (Environment e : booted) {
            if (e.end == Environment.End.KILLED) continue;
            l.add(e + (e.end == Environment.End.RUNNING ? " still running" : " exited with status " + e.exitStatus));
        }
        return l;
    }

    public Environment current() {
        return current;
    }

    /** Puts e on the CPU without touching registers or PC (protected control transfer). */
    public void setCurrent(Environment e) {
        current = e;
        machine.setAsid(e.asid);
    }

    /** Every live environment, by ASID. */
    public List<Environment> environments() {
        List<Environment> l = new ArrayList<>();
        for (Environment e : envs) if (e != null) l.add(e);
        return l;
    }

    boolean anyAlive() {
        for (Environment e : envs) if (e != null) return true;
        return false;
    }

    /** Ends an environment that called exit. */
    public void exit(Environment e, int status) {
        destroy(e, Environment.End.EXITED, status, null);
    }

    /** Destroys an environment the kernel stopped, recording why; the others keep running. */
    public void kill(Environment e, int status, String why) {
        String diagnostic = e + " destroyed: " + why;
        log.add(diagnostic);
        destroy(e, Environment.End.KILLED, status, diagnostic);
    }

    /**
     * Releases everything an environment holds — pages (breaking every binding to them,
     * including other environments' shared ones), guaranteed mappings, slots, its ASID's TLB
     * entries — then schedules someone else if it was on the CPU.
     */
    private void destroy(Environment e, Environment.End end, int status, String diagnostic) {
        if (!e.alive()) throw new IllegalStateException(e + " destroyed twice");
        e.end = end;
        e.exitStatus = status;
        e.diagnostic = diagnostic;
        lines.flush(e.asid, e.name);
        revoker.cancel(e);
        memory.releaseAll(e);
        scheduler.releaseSlots(e);
        machine.tlb.flushAsid(e.asid);
        cost.charge(CostModel.TLB_SCAN);
        envs[e.asid] = null;
        if (current == e) {
            current = null;
            if (!scheduler.switchNext()) machine.halt();
        }
    }

    // ---- context ------------------------------------------------------------------------------

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
        if (current != e) stats.contextSwitches++;
        current = e;
        machine.setAsid(e.asid);
        if (e.hasContext) System.arraycopy(e.context, 0, cpu.regs, 0, 32);
        else java.util.Arrays.fill(cpu.regs, 0);
        cpu.pc = e.resumePc;
        cost.charge(CostModel.CONTEXT_WORDS * CostModel.WORD_RESTORED + CostModel.UPCALL);
        int save = forwarder.savePhys(e);
        if (e.prologue != 0 && save >= 0 && forwarder.safeToUpcall(e, e.resumePc)) {
            // Like an exception: busy is set, so a preemption inside the prologue resumes it as it
            // was instead of re-entering it with a fresh k0. It returns as a handler does.
            machine.memory.writeWord(save + Forwarder.SAVE_BUSY, 1);
            cpu.regs[Register.K0] = e.resumePc;
            cpu.regs[Register.K1] = e.saveArea;
            cpu.pc = e.prologue;
            cost.charge(CostModel.WORD_SAVED + 2 * CostModel.REG_WRITE);
        }
    }

    // ---- console ------------------------------------------------------------------------------

    /** Console output of e: kept in its own buffer and written to the console, prefixed per line if several programs run. */
    public void output(Environment e, byte[] b, int off, int len) {
        if (e.output.size() < OUTPUT_CAPTURE_LIMIT) e.output.write(b, off, Math.min(len, OUTPUT_CAPTURE_LIMIT - e.output.size()));
        lines.write(e.asid, e.name, b, off, len);
    }

    /** Each environment's captured output stops growing here (the console still gets it all). */
    static final int OUTPUT_CAPTURE_LIMIT = 1 << 20;

    /** Reports a kernel diagnostic (environment destroyed, page repossessed). */
    void note(String line) {
        log.add(line);
    }
}

package exo.kernel;

import exo.emulator.machine.Cause;
import exo.emulator.machine.Machine;
import exo.emulator.machine.TrapHandler;
import exo.kernel.abi.KernelCallHandlers;
import exo.kernel.boot.ImageLoader;
import exo.kernel.disk.Blocks;
import exo.kernel.env.Environment;
import exo.kernel.env.Environments;
import exo.kernel.env.KernelEvent;
import exo.kernel.env.Lifecycle;
import exo.kernel.forward.Forwarder;
import exo.kernel.mem.Memory;
import exo.kernel.mem.PageOwners;
import exo.kernel.mem.Stlb;
import exo.kernel.revoke.Revoker;
import exo.kernel.sched.Scheduler;
import exo.os.BootException;
import exo.os.CostModel;
import exo.os.GuestOs;
import exo.os.KernelOptions;
import exo.os.OutputLines;
import exo.os.ProgramImage;
import exo.os.RunLoop;
import exo.os.RunResult;
import exo.os.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The exokernel: the machine's one {@link TrapHandler}. It securely multiplexes the machine —
 * environments, physical pages and disk blocks with capabilities, guarded TLB writes with an
 * STLB, exception forwarding, the time-slice vector, protected control transfer, visible revocation — and
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
 * <p>This class is the composition root: it builds each subsystem with what that subsystem
 * uses, and no subsystem holds the kernel. {@link Environments} (the environment table),
 * {@link Memory} (pages, guarded TLB, STLB, guaranteed mappings), {@link Forwarder}
 * (exceptions), {@link Scheduler} (slices, yield, PCT), {@link Revoker} (revocation and the
 * abort protocol), {@link ImageLoader} (booting) and {@link KernelCallHandlers} (the call
 * table's handlers). The kernel itself takes every trap and ends environments
 * ({@link Lifecycle}), which releases what each subsystem holds for them.
 */
public final class Kernel implements TrapHandler, GuestOs, Lifecycle {
    private final Machine machine;
    private final CostModel cost;
    private final Stats stats = new Stats(KernelEvent.COUNT, KernelEvent::name);
    private final OutputLines lines;
    private final List<String> log = new ArrayList<>();
    private final List<Environment> booted = new ArrayList<>();
    private final PageOwners pages;
    private final Stlb stlb = new Stlb();
    private final Environments envs;
    private final Memory memory;
    private final Forwarder forwarder;
    private final Scheduler scheduler;
    private final Revoker revoker;
    private final Blocks blocks;
    private final KernelCallHandlers calls;
    private final ImageLoader loader;
    private final KernelViews views;
    private final RunLoop runLoop;
    /** What {@link #lastRefill} says of the trap in progress or last taken: null, or how the kernel resolved it itself. */
    private String resolvedBy;
    /** How the monitor's trap log names a trap that downloaded code resolved. */
    private static final String DOWNLOADED = "downloaded handler";

    public Kernel(Machine machine, KernelOptions options) {
        this.machine = machine;
        this.lines = new OutputLines(machine.console(), options.prefixOutput());
        this.cost = new CostModel(machine);
        this.pages = new PageOwners(machine.memory.pages(), options.seed());
        this.envs = new Environments(machine, cost, options);
        this.memory = new Memory(machine, cost, stats, options, pages, stlb, this::outOfPages);
        this.forwarder = new Forwarder(machine, cost, stats, memory, this);
        this.scheduler = new Scheduler(machine, options, cost, stats, envs, forwarder, this);
        this.revoker = new Revoker(machine.cpu, options, cost, stats, envs, pages, memory, forwarder, log::add);
        this.blocks = new Blocks(machine, cost, stats, options, pages, memory, forwarder, envs, log::add);
        this.calls = new KernelCallHandlers(machine, cost, stats, envs, this, pages, memory, forwarder, revoker, scheduler, lines, blocks);
        this.loader = new ImageLoader(machine, options, envs, pages, memory, scheduler);
        this.views = new KernelViews(envs, pages, stlb, scheduler, blocks);
        this.runLoop = new RunLoop(machine, cost, stats, lines, this::dispatchFirst, envs::any, this::outcomes);
        machine.setTrapHandler(this);
    }

    /** Puts the first environment with a slot on the CPU unless one is on it; false if none can run. */
    private boolean dispatchFirst() {
        if (envs.current() != null) return true;
        boolean started = scheduler.startFirst();
        if (stats.tracer != null) stats.tracer.onCpu(started ? envs.current().id : 0);
        return started;
    }

    /** Memory ran out serving requester: the revoker asks someone for a page back. */
    private void outOfPages(Environment requester) {
        revoker.reclaimFor(requester);
    }

    /**
     * Boots a program as a new environment with one time slice, its segments and a stack
     * mapped, and argc/argv laid out as docs/kernel-abi.md describes. Returns its id.
     *
     * @throws BootException if the image does not fit (overlapping segments, out of memory)
     */
    @Override
    public int boot(ProgramImage image, List<String> args) {
        Environment e = loader.load(image, args);
        booted.add(e);
        if (stats.tracer != null) stats.tracer.created(e.id, e.name, 0);
        return e.id;
    }

    /**
     * Runs until every environment has exited, the instruction limit is reached, or the machine
     * is stopped. May be called again to continue after a limit or stop.
     */
    @Override
    public RunResult run(long maxInstructions) {
        return runLoop.run(maxInstructions);
    }

    private List<RunResult.Program> outcomes() {
        List<RunResult.Program> ps = new ArrayList<>();
        for (Environment e : booted) {
            ps.add(new RunResult.Program(e.name, e.id, !e.alive(), e.end == Environment.End.KILLED, e.exitStatus, e.diagnostic,
                    e.output.text()));
        }
        return ps;
    }

    /**
     * The kernel's entry, called by the machine's event loop for every trap: a kernel call, the
     * timer, a TLB miss the STLB or a guaranteed mapping can fill, or an exception forwarded to
     * the environment's own handler.
     */
    @Override
    public void trap(Machine m, Cause cause, int epc, int badVaddr) {
        cost.charge(CostModel.TRAP_ENTRY);
        Environment e = envs.current();
        if (e == null) throw new IllegalStateException("trap " + cause + " with no environment on the CPU");
        resolvedBy = null;
        switch (cause) {
            case SYSCALL: calls.dispatch(e, epc); break;
            case TIMER: scheduler.timer(e, epc); break;
            case DISK: blocks.interrupt(e, epc); break;
            case TLB_MISS_LOAD: case TLB_MISS_STORE: case TLB_MISS_FETCH:
                if (memory.refill(e, badVaddr, cause.code)) {
                    resolvedBy = memory.lastRefill();
                    break;
                }
                if (forwarder.downloaded.resolve(e, cause, epc, badVaddr)) {
                    resolvedBy = DOWNLOADED;
                    break;
                }
                stats.missesForwarded++;
                forwarder.forward(e, cause, epc, badVaddr);
                break;
            default:
                if (forwarder.downloaded.resolve(e, cause, epc, badVaddr)) resolvedBy = DOWNLOADED;
                else forwarder.forward(e, cause, epc, badVaddr);
                break;
        }
        revoker.checkDeadlines();
        blocks.checkDeadlines();
        Environment now = envs.current();
        if (now != null && now.alive()) {
            revoker.deliverPending(now);
            blocks.deliverPending(now);
        }
        if (stats.tracer != null) stats.tracer.onCpu(now == null ? 0 : now.id);
    }

    @Override
    public void exit(Environment e, int status) {
        destroy(e, Environment.End.EXITED, status, null);
    }

    @Override
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
        if (stats.tracer != null) stats.tracer.ended(e.id, status, diagnostic);
        lines.flush(e.output);
        revoker.cancel(e);
        blocks.releaseAll(e);
        memory.releaseAll(e);
        forwarder.downloaded.release(e);
        scheduler.releaseSlots(e);
        machine.tlb.flushAsid(e.asid);
        cost.charge(CostModel.TLB_SCAN);
        envs.remove(e);
        if (envs.current() == e) {
            envs.clearCurrent();
            if (!scheduler.switchNext()) machine.halt();
        }
    }

    /**
     * The physical address va has for the environment on the CPU (TLB, STLB or guaranteed
     * mapping), or {@link #UNMAPPED}; charges nothing and changes nothing (for the monitor).
     */
    @Override
    public int peek(int va) {
        Environment e = envs.current();
        return e == null ? UNMAPPED : memory.peek(e, va);
    }

    @Override
    public String revokeBlock(int id, int b) {
        Environment e = envs.get(id);
        if (e == null) throw new IllegalArgumentException("no environment " + id + " (see 'kernel envs')");
        return blocks.revokeByHost(e, b);
    }

    @Override
    public String lastRefill() {
        return resolvedBy;
    }

    @Override
    public String context() {
        Environment e = envs.current();
        return e == null ? "-" : e.label;
    }

    @Override
    public Map<String, Supplier<String>> views() {
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

    /** Kernel diagnostics in order (environments destroyed, revocations), one line or block each. */
    public List<String> log() {
        return log;
    }

    /** Every environment booted by the host, live or ended, in boot order. */
    public List<Environment> booted() {
        return booted;
    }

    /** The environment on the CPU, or null. */
    public Environment current() {
        return envs.current();
    }

    /** The live environment with this id, or null. */
    public Environment env(int id) {
        return envs.get(id);
    }

    /** Every live environment, by ASID. */
    public List<Environment> environments() {
        return envs.all();
    }

    /** The physical-page owner and capability table (for tests and tools: read it, do not change it). */
    public PageOwners pages() {
        return pages;
    }

    /** Disk blocks and their owners (for tests and tools). */
    public Blocks blocks() {
        return blocks;
    }

    /** Pages, bindings and guest-memory access (for tests that act as a guest would). */
    public Memory memory() {
        return memory;
    }

    /** The environments' downloaded exception handlers (for tests and tools). */
    public exo.kernel.forward.DownloadedExceptions downloadedExceptions() {
        return forwarder.downloaded;
    }

    /** The time-slice vector (for tests and tools). */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Revocation (for tests that ask for a page back as the kernel would under pressure). */
    public Revoker revoker() {
        return revoker;
    }

    /** Cycles charged so far and the cost model's prices. */
    public CostModel cost() {
        return cost;
    }

    @Override
    public int running() {
        Environment e = envs.current();
        return e == null ? 0 : e.id;
    }

    @Override
    public int freePages() {
        return pages.freePages();
    }

    /** The counters behind --stats. */
    @Override
    public Stats stats() {
        return stats;
    }
}

package exo.monitor;

import exo.emulator.isa.Decoder;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Register;
import exo.emulator.jit.Jit;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Disk;
import exo.emulator.machine.Footprint;
import exo.emulator.machine.Machine;
import exo.emulator.machine.RegisterCompare;
import exo.emulator.machine.StopReason;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link DebugTarget} under control: stepping, breakpoints, watchpoints, catching
 * exceptions before the kernel forwards them, a trap log, and reverse execution.
 *
 * <p>Reverse execution rests on determinism: the position in an execution is the number of
 * instructions retired, and running from any earlier state with the same recorded console input
 * to position p reproduces exactly the state it had at p. The program is booted once; as it runs,
 * {@link Snapshots} of the whole target (machine, kernel, console streams, and this debugger's
 * record of handlers entered) are taken every interval of instructions, and going back restores
 * the latest snapshot before the target position and re-executes from there at engine speed.
 */
public final class Debugger {
    public enum Kind { STEPPED, BREAKPOINT, WATCHPOINT, CAUGHT, HALTED, INTERRUPTED, RETURNED, REVERSED }

    /** Why execution stopped, and a one-line message for the user. */
    public record Stop(Kind kind, String message, String point) {
        public Stop(Kind kind, String message) {
            this(kind, message, null);
        }
    }

    /**
     * An exception handler or upcall the kernel entered in this environment and that has not
     * returned yet: the trap that entered it and the state it interrupted. {@code resumePc} is
     * where the interrupted code stands (the EPC, or for an upcall entered by a kernel call the
     * k0 the kernel loaded); {@code regs} are its registers at that moment.
     */
    public record Activation(Cause cause, int epc, int badVaddr, int handlerPc, int resumePc, int[] regs, boolean byKernelCall) {}

    /** One exception as the trap log keeps it. */
    public record TrapRecord(long position, Cause cause, int epc, int badVaddr, String context, String delivered) {}

    /** Decides, before each instruction, whether to stop after it retires. */
    @FunctionalInterface
    interface StepHook {
        /** Returns a stop message to stop after this instruction retires, or null to go on. */
        String after(int pc, int word);
    }

    private final DebugTarget.Factory factory;
    private final ReplayStreams streams;
    private DebugTarget target;
    /** Snapshots of this boot, or null if the user asked for none. */
    private Snapshots snapshots;
    /**
     * What execution since position {@link #footprintFrom} (a snapshot's, where one was
     * restored, or the end of the last piece) has touched; it becomes that piece's footprint when
     * the piece ends ({@link #tick} instructions on, or at the next snapshot). Null with no
     * snapshots.
     */
    private Footprint footprint;
    private long footprintFrom;
    /** Stretches the last reverse-continue re-executed, and those it skipped because their footprints hold no event. */
    private int stretchesSearched, stretchesSkipped;
    /** Instructions the last reverse-continue re-executed counting events, and then re-executed to the one it stopped at. */
    private long instructionsCounted, instructionsApproached;
    /** Breakpoint hits whose condition did not hold while the last reverse-continue counted (see {@link #conditionsFalse()}). */
    private long conditionsFalse;
    /** Counts boots and restores: each starts a new execution, and a trace of the old one ends. */
    private long executions;
    /**
     * While reverse-continue re-executes a stretch looking for events: events (breakpoint,
     * watchpoint and catchpoint stops) before {@link #searchLimit} cycles are counted in
     * {@link #searchEvents}, and the one numbered {@link #searchStopAt} (if positive) is stopped at.
     */
    private boolean searching;
    private long searchLimit, searchEvents, searchStopAt;
    /**
     * The latest state a counting {@link #search} captured before an event it counted (null for
     * none), the events counted before it, and whether the breakpoints at it had been checked;
     * lastCapture is the latest capture, with no event counted after it yet.
     */
    private Snapshots.Entry searchRestart, lastCapture;
    private long searchRestartEvents, lastCaptureEvents;
    private boolean searchRestartChecked, lastCaptureChecked;
    /** Breakpoints and watchpoints; they survive restarts and re-executions. */
    public final Breakpoints points = new Breakpoints();
    private final Set<Cause> catches = EnumSet.noneOf(Cause.class);
    private final Deque<TrapRecord> trapLog = new ArrayDeque<>();
    /** Exceptions the trap log keeps; older ones are dropped. */
    private static final int TRAP_LOG_LIMIT = 256;
    private volatile boolean interrupt;
    private boolean replaying;
    private Cause caught;
    private Cause skipCause;
    /** Exception handlers and upcalls the kernel has entered in this program (see {@link Frames}). */
    private long handlerEntries;
    private int skipEpc;
    /**
     * Live activations per context (environment), innermost first. Pushed at the trap site when
     * the kernel enters a handler or upcall; popped when {@code jr k0} retires, or when a kernel
     * call ends the activation that made it (a yield from the epilogue, the baseline's
     * sigreturn). Returns are seen only instruction by instruction, so the execution loop steps
     * while the running environment has a live activation and runs at engine speed otherwise;
     * under the JIT the machine instead stops before every {@code jr k0} ({@link #returnStops}).
     */
    private final Map<String, Deque<Activation>> activations = new HashMap<>();
    /** The running environment's entry in {@link #activations}; the environment changes only at traps. */
    private Deque<Activation> running;
    /** Activations kept per environment; a handler that never returns must not grow the stack forever. */
    private static final int ACTIVATION_LIMIT = 64;
    /** Registers at the latest trap, before the kernel saw it: the interrupted state. */
    private final int[] trapRegs = new int[Register.COUNT];
    /** True while the machine runs at engine speed: entering a handler then asks it to stop. */
    private boolean engineSpeed;
    /** The machine stopped because a handler was entered during an engine-speed run. */
    private boolean handlerStop;
    /**
     * Whether the machine's breakpoints include every {@code jr k0} in the program's code
     * ({@link DebugInfo#handlerReturns}): under the JIT, once a handler has been entered, the
     * machine stops before each, so a handler runs at engine speed and its return is still
     * seen. Set once and kept, since changing the machine's breakpoints drops translations.
     */
    private boolean returnStops;

    public Debugger(DebugTarget.Factory factory, InputStream consoleIn, OutputStream consoleOut) {
        this(factory, consoleIn, consoleOut, Snapshots.INTERVAL, Snapshots.BUDGET, SNAPSHOT_PACE);
    }

    /** Default instructions between snapshots (see {@link Snapshots}). */
    public static final long SNAPSHOT_INTERVAL = Snapshots.INTERVAL;

    /** With snapshots at least interval instructions apart, paced and within the default budget; interval 0 takes none. */
    public Debugger(DebugTarget.Factory factory, InputStream consoleIn, OutputStream consoleOut, long interval) {
        this(factory, consoleIn, consoleOut, interval, Snapshots.BUDGET, SNAPSHOT_PACE);
    }

    /**
     * With snapshots at least interval instructions apart, thinned to stay within budget bytes,
     * and paced (see {@link #SNAPSHOT_PACE}; 0: every interval, whatever they cost). Tests use
     * small ones, so that reverse execution crosses many snapshots; interval 0 takes none
     * ({@code --no-snapshots}), and reverse execution re-executes from the boot.
     */
    public Debugger(DebugTarget.Factory factory, InputStream consoleIn, OutputStream consoleOut, long interval, long budget, int pace) {
        this.factory = factory;
        this.pace = pace;
        this.tick = Math.max(1, interval / 8);
        this.streams = new ReplayStreams(consoleIn, consoleOut);
        boot();
        if (interval > 0) {
            snapshots = new Snapshots(interval, budget);
            snapshot();
        }
    }

    public DebugTarget target() {
        return target;
    }

    public Machine machine() {
        return target.machine();
    }

    /** Instructions retired since boot: the position reverse execution counts in. */
    public long position() {
        return machine().cpu.instret;
    }

    /** Boots (or restores) executions so far: a trace started in an earlier one has ended. */
    public long executions() {
        return executions;
    }

    /** The snapshots held now and the host memory they hold, for 'info snapshots'. */
    public String snapshotSummary() {
        if (snapshots == null) return "no snapshots: reverse execution re-executes from the boot";
        String s = String.format("%d snapshot%s, every %,d instructions, holding %.1f MiB (limit %d MiB)", snapshots.size(),
                snapshots.size() == 1 ? "" : "s", snapshots.interval(), snapshots.bytes() / 1048576.0, snapshots.budget() >> 20);
        if (stretchesSearched + stretchesSkipped == 0) return s;
        return s + String.format("%nthe last reverse-continue re-executed %d stretch%s and skipped %d that could hold no event"
                + "%n(%,d instructions re-executed counting events, then %,d to the one it stopped at)", stretchesSearched,
                stretchesSearched == 1 ? "" : "es", stretchesSkipped, instructionsCounted, instructionsApproached)
                + (conditionsFalse == 0 ? "" : String.format("%n%,d breakpoint hit%s counted had a condition that did not hold"
                + " (footprints cannot evaluate a condition: every stretch that runs the address is re-executed)",
                conditionsFalse, conditionsFalse == 1 ? "" : "s"));
    }

    private void boot() {
        deliveredNames.clear();
        stopsFor = null;
        executions++;
        nextChange = 0;
        changeStop = false;
        target = factory.boot(streams.input(), streams.output());
        trapLog.clear();
        activations.clear();
        returnStops = false;
        running = activations.computeIfAbsent(target.context(), k -> new ArrayDeque<>());
        Machine m = target.machine();
        m.setTrapObserver(new Machine.TrapObserver() {
            private String context;
            private int asid;
            private String completed;

            @Override
            public boolean beforeTrap(Machine mm, Cause cause, int epc, int badVaddr) {
                Change c = pendingChange();
                if (c != null && c.atCatch() && c.position() == mm.cpu.instret && c.cycles() == mm.cpu.cycles) {
                    changeStop = true;
                    return true;
                }
                if (searching && catches.contains(cause) && mm.cpu.cycles < searchLimit && ++searchEvents == searchStopAt) {
                    caught = cause;
                    return true;
                }
                if (!replaying && catches.contains(cause)) {
                    if (cause == skipCause && epc == skipEpc) {
                        skipCause = null;
                    } else {
                        caught = cause;
                        return true;
                    }
                }
                context = target.context();
                asid = mm.mmu.asid();
                completed = cause == Cause.DISK ? completions(mm) : "";
                System.arraycopy(mm.cpu.regs, 0, trapRegs, 0, Register.COUNT);
                return false;
            }

            @Override
            public void afterTrap(Machine mm, Cause cause, int epc, int badVaddr) {
                // The kernel switched environments only if the PC or the ASID moved; asking costs a string.
                String now = mm.cpu.pc != epc || mm.mmu.asid() != asid ? target.context() : context;
                boolean sameContext = context.equals(now);
                if (!sameContext) running = activations.computeIfAbsent(now, k -> new ArrayDeque<>());
                boolean returned = cause == Cause.SYSCALL && mm.cpu.pc == epc + 4;
                // Downloaded code may resolve an exception and resume past it: that is no handler entry.
                String by = returned ? null : target.resolvedBy();
                boolean resumed = by != null || mm.cpu.pc == epc && cause != Cause.SYSCALL && cause != Cause.TIMER;
                String delivered = mm.isHalted() ? "machine halted" : returned ? "kernel call returned"
                        : resumed ? resolved(by) : deliveredTo(now, mm.cpu.pc);
                if (!completed.isEmpty()) delivered += completed;
                if (!mm.isHalted() && !returned && !resumed && mm.cpu.pc != epc && sameContext) {
                    handlerEntries++;
                    entered(cause, epc, badVaddr);
                }
                if (engineSpeed && !returnStops && !mm.isHalted() && !activations().isEmpty()) {
                    handlerStop = true;
                    mm.requestStop();
                }
                trapLog.addLast(new TrapRecord(mm.cpu.instret, cause, epc, cause.setsBadVaddr ? badVaddr : 0, context, delivered));
                while (trapLog.size() > TRAP_LOG_LIMIT) trapLog.removeFirst();
            }
        });
    }

    /**
     * {@link DebugTarget#deliveredTo}, built once per context and PC: a library OS's every TLB
     * miss is forwarded to the same handler, and formatting it each time cost a fifth of a
     * run's time in the monitor.
     */
    private String deliveredTo(String context, int pc) {
        if (deliveredNames.size() > DELIVERED_NAMES_LIMIT) deliveredNames.clear();
        return deliveredNames.computeIfAbsent(new Delivery(context, pc), d -> target.deliveredTo(pc));
    }

    private record Delivery(String context, int pc) {}

    private final Map<Delivery, String> deliveredNames = new java.util.HashMap<>();
    private static final int DELIVERED_NAMES_LIMIT = 4096;

    /** Records the handler or upcall the kernel just entered (see {@link #activations}). */
    private void entered(Cause cause, int epc, int badVaddr) {
        Deque<Activation> stack = activations();
        int[] regs = machine().cpu.regs;
        if (cause == Cause.SYSCALL) {
            // A kernel call that moved control ends the activation that made it; the kernel
            // loads k0/k1 only when it enters an upcall (the prologue after a yield).
            stack.pollFirst();
            if (regs[Register.K0] == trapRegs[Register.K0] && regs[Register.K1] == trapRegs[Register.K1]) return;
            stack.push(new Activation(cause, epc, 0, machine().cpu.pc, regs[Register.K0], regs.clone(), true));
        } else {
            stack.push(new Activation(cause, epc, cause.setsBadVaddr ? badVaddr : 0, machine().cpu.pc, epc, trapRegs.clone(), false));
        }
        while (stack.size() > ACTIVATION_LIMIT) stack.removeLast();
    }

    /** The running environment's live activations, innermost first. */
    private Deque<Activation> activations() {
        return running;
    }

    /** The handlers and upcalls the running environment is inside, innermost first. */
    public List<Activation> liveActivations() {
        return new ArrayList<>(activations());
    }

    /** The requests a disk interrupt is about to report, as the trap log names them: {@code ; completed tag 3 (read block 17)}. */
    private static String completions(Machine m) {
        StringBuilder b = new StringBuilder();
        for (Disk.Completion c : m.disk().completed()) {
            Disk.Request r = c.request();
            b.append(b.length() == 0 ? "; completed " : ", ").append("tag ").append(r.tag()).append(" (").append(Disk.opName(r.op()));
            if (r.op() != Disk.FLUSH) b.append(" block ").append(r.block());
            b.append(c.status() == Disk.OK ? ")" : ", E_IO)");
        }
        return b.toString();
    }

    /** What the trap log says of a trap the kernel resolved itself: by which means, when the kernel says (by non-null). */
    private static String resolved(String by) {
        return by == null ? "kernel (resolved, resumed)" : RESOLVED.computeIfAbsent(by, b -> "kernel (" + b + ", resumed)");
    }

    /** What {@link #resolved} said for each way a kernel fills a miss (a handful), kept: it is asked at every refill. */
    private static final Map<String, String> RESOLVED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Restarts the program from its entry; breakpoints and recorded input are kept, the user's changes are not. */
    public void restart() {
        if (!changes.isEmpty()) {
            if (snapshots != null) snapshots.dropFrom(changes.get(0).position());
            changes.clear();
        }
        replaying = true;
        try {
            restoreNearest(0);
        } finally {
            replaying = false;
        }
    }

    /**
     * Takes a snapshot of the whole target here if one is due (see {@link Snapshots}): between
     * instructions, with no trap half-delivered, the only points the execution loops call it at.
     */
    private void maybeSnapshot() {
        if (snapshots == null) return;
        long p = position();
        if (footprint != null && p >= footprintFrom + tick) {
            snapshots.recorded(footprintFrom, p, machine().cpu.cycles, footprint);
            startFootprint(p);
        }
        if (p < snapshotCheckAt) return;
        long since = System.nanoTime() - lastSnapshotEnd;
        if (snapshots.due(p) && (since >= pace * lastSnapshotCost || since >= MAX_GAP_NANOS)) snapshot();
        snapshotCheckAt = snapshots.nextDue(p);
    }

    /**
     * Instructions a footprint covers at most (the last of a stretch ends at the next snapshot,
     * sooner): reverse-continue re-executes a stretch only as far as the end of its last piece
     * that may hold an event, and a piece costs the forward run a host-cache flush. An eighth of
     * the first snapshot interval (2^21 by default), kept when snapshots are thinned.
     */
    private final long tick;

    /**
     * A snapshot is taken only after running at least this many times as long as the last one
     * took, so that taking them costs a forward run at most about 1/SNAPSHOT_PACE of its time
     * however much memory the program changes between them (but never more than
     * {@link #MAX_GAP_NANOS} of running apart). Where they fall depends on the host's
     * speed; what reverse execution reaches never does, since any snapshot restores exactly.
     */
    private static final int SNAPSHOT_PACE = 10;
    /** Pacing never leaves more than half a second of running between snapshots, which bounds what a reverse command re-executes. */
    private static final long MAX_GAP_NANOS = 500_000_000L;
    private final int pace;
    private long lastSnapshotEnd, lastSnapshotCost;

    /** No snapshot is due before this position (a cache of {@link Snapshots#due}); reset when the position goes back. */
    private long snapshotCheckAt;

    private void snapshot() {
        long start = System.nanoTime();
        long p = position();
        snapshots.add(capture(snapshots.atOrBefore(p)));
        if (footprint != null && footprintFrom < p) snapshots.recorded(footprintFrom, p, machine().cpu.cycles, footprint);
        startFootprint(p);
        lastSnapshotEnd = System.nanoTime();
        lastSnapshotCost = lastSnapshotEnd - start;
    }

    /** The whole target now, as a snapshot sharing what is unchanged with previous (null for none). */
    private Snapshots.Entry capture(Snapshots.Entry previous) {
        Machine m = machine();
        return new Snapshots.Entry(position(), m.cpu.cycles, m.snapshot(previous == null ? null : previous.machine()),
                imageOfState(previous == null ? null : previous.state()), runningKey(), handlerEntries);
    }

    /** Starts recording the footprint of the stretch from position from, here. */
    private void startFootprint(long from) {
        footprint = new Footprint();
        footprintFrom = from;
        machine().record(footprint);
    }

    /** Everything but the machine that changes as the program runs: the target's kernel, the console streams, this debugger's record of handlers. */
    private ObjectImage imageOfState(ObjectImage previous) {
        return ObjectImage.capture(List.of(target, machine().console(), activations, trapLog), Debugger::opaque, previous);
    }

    /** Objects a state image references but does not look into: they have snapshots of their own, or are the debugger's. */
    private static boolean opaque(Object o) {
        boolean hardware = o.getClass().getName().startsWith("exo.emulator.") && !(o instanceof exo.emulator.machine.Console);
        return hardware || o instanceof Machine.TrapObserver || o instanceof DebugInfo || o instanceof Debugger
                || o instanceof ReplayStreams || o instanceof exo.os.Tracer;
    }

    /** Makes the target's state what it was at snapshot e. */
    private void restore(Snapshots.Entry e) {
        executions++;
        // A snapshot at a change's position was taken after it (change drops those before).
        nextChange = 0;
        while (nextChange < changes.size() && changes.get(nextChange).position() <= e.position()) nextChange++;
        changeStop = false;
        snapshotCheckAt = 0;
        machine().restore(e.machine());
        e.state().restore();
        startFootprint(e.position());
        running = activations.computeIfAbsent(e.running() == null ? target.context() : e.running(), k -> new ArrayDeque<>());
        handlerEntries = e.handlerEntries();
        caught = null;
        skipCause = null;
    }

    /** Restores the latest snapshot at or before position (boots afresh if there are none). */
    private void restoreNearest(long position) {
        Snapshots.Entry e = snapshots == null ? null : snapshots.atOrBefore(position);
        if (e == null) boot();
        else restore(e);
    }

    /**
     * A change the user made to the state (a register, memory, a block revoked) at the state
     * with position and cycle count: re-executing across that state makes it again, so that
     * going back and forth keeps reaching the states the user saw. atCatch: made at a caught
     * exception, before the kernel saw it (the state then has the same position and cycles as
     * the boundary before the trap, and is reached by stopping the trap at the trap site).
     */
    private record Change(long position, long cycles, boolean atCatch, java.util.function.Consumer<DebugTarget> apply) {}

    /** The user's changes, in the order made (so by position: a change drops the later ones). */
    private final List<Change> changes = new ArrayList<>();
    /** The first of {@link #changes} the current execution has not made yet. */
    private int nextChange;
    /** The machine stopped at the trap site to make the next change (an atCatch one). */
    private boolean changeStop;

    /**
     * Makes a change to the state here (apply is given the target) and keeps it, so that
     * re-execution makes it again at the same state: snapshots from this position on, footprints
     * ending after it and changes after it described an execution that will not happen now.
     */
    public void change(java.util.function.Consumer<DebugTarget> apply) {
        apply.accept(target);
        long p = position();
        while (changes.size() > nextChange) changes.remove(changes.size() - 1);
        changes.add(new Change(p, machine().cpu.cycles, caught != null, apply));
        nextChange = changes.size();
        if (snapshots != null) snapshots.dropFrom(p);
        snapshotCheckAt = 0;
    }

    /** The next change the current execution must make, or null. */
    private Change pendingChange() {
        return nextChange < changes.size() ? changes.get(nextChange) : null;
    }

    /**
     * How many of budget instructions may run at engine speed before the next change: up to the
     * instruction before its position, which is then stepped (a run would deliver an interrupt
     * due at the change's position before returning, past a change made before it).
     */
    private long roomBeforeChange(long budget) {
        Change c = pendingChange();
        if (c == null || c.position() <= position()) return budget;
        return Math.min(budget, c.position() - 1 - position());
    }

    /**
     * Makes the changes due at this state: those at this position and cycle count. At their
     * position but before their cycle count, the traps the original execution delivered first
     * are delivered (a change at a caught exception stops that trap at the trap site). Called
     * between instructions by every execution loop.
     */
    private void makeDueChanges() {
        Machine m = machine();
        for (Change c = pendingChange(); c != null && c.position() == m.cpu.instret && !m.isHalted(); c = pendingChange()) {
            if (m.cpu.cycles > c.cycles()) {
                throw new IllegalStateException("re-execution passed the change made at position " + c.position() + ", cycle " + c.cycles());
            }
            if (m.cpu.cycles < c.cycles() || c.atCatch() && !changeStop) {
                long before = m.cpu.instret;
                boolean wasReplaying = replaying;
                replaying = true;
                try {
                    m.step();
                } finally {
                    replaying = wasReplaying;
                }
                if (m.cpu.instret != before) {
                    throw new IllegalStateException("re-execution did not reach the change made at position " + c.position() + ", cycle " + c.cycles());
                }
                continue;
            }
            changeStop = false;
            c.apply().accept(target);
            nextChange++;
        }
    }

    /** Asks a running command to stop at the next instruction boundary (Ctrl-C). Thread-safe. */
    public void interrupt() {
        interrupt = true;
        Machine m = target.machine();
        m.requestStop();
    }

    public Set<Cause> catches() {
        return catches;
    }

    public List<TrapRecord> trapLog() {
        return new ArrayList<>(trapLog);
    }

    /** The trap logged last, or null: a mark for {@link #trapsAfter}. */
    public TrapRecord lastTrap() {
        return trapLog.peekLast();
    }

    /**
     * The traps logged after mark (all of the log if mark is null or no longer in it, as after
     * a restart), oldest first: what the kernel did during a command that started at mark.
     */
    public List<TrapRecord> trapsAfter(TrapRecord mark) {
        List<TrapRecord> all = new ArrayList<>(trapLog);
        int i = all.size() - 1;
        while (i >= 0 && all.get(i) != mark) i--; // by identity: two records may be equal
        return all.subList(i + 1, all.size());
    }

    /** Executes n instructions (entering handlers when they trap), stopping early on events. */
    public Stop step(long n) {
        long[] left = {n};
        return resume(false, (pc, w) -> --left[0] <= 0 ? "" : null);
    }

    /** Like step, but a call (jal/jalr that links ra) runs to its return as one step. */
    public Stop next(long n) {
        Stop s = null;
        for (long i = 0; i < n; i++) {
            int pc = machine().cpu.pc;
            int w = wordAt(pc);
            if (isCall(w)) {
                int sp = machine().cpu.regs[Register.SP];
                int ret = pc + 4;
                s = resume(false, null, () -> machine().cpu.pc == ret && Integer.compareUnsigned(machine().cpu.regs[Register.SP], sp) >= 0);
            } else {
                s = overHandlers(pc);
            }
            if (s.kind != Kind.STEPPED && s.kind != Kind.RETURNED) return s;
        }
        return new Stop(Kind.STEPPED, "");
    }

    /**
     * Steps the instruction at pc, running over any exception handler or upcall the kernel
     * enters on the way, as gdb's {@code next} runs over a signal handler: the handler runs to
     * its return to the interrupted code, and if it returns to pc (a fault resolved, the
     * instruction retried) the instruction is stepped again. A breakpoint, watchpoint or catch
     * inside the handler stops there, as a call's would.
     */
    private Stop overHandlers(int pc) {
        while (true) {
            long entries = handlerEntries;
            Stop s = step(1);
            if (s.kind != Kind.STEPPED || handlerEntries == entries) return s;
            Frames frames = new Frames();
            boolean[] returned = new boolean[1];
            s = resume(false, (at, w) -> (returned[0] = frames.leaves(w)) ? "" : null);
            if (!returned[0] || machine().cpu.pc != pc) return s;
        }
    }

    /**
     * Runs until the current function returns to its caller; in an exception handler or upcall,
     * until it returns to the interrupted code ({@code jr k0}).
     */
    public Stop finish() {
        Frames frames = new Frames();
        return resume(false, (pc, w) -> {
            if (!frames.leaves(w)) return null;
            return isReturn(w) ? "returned from " + describe(functionStart(pc))
                    : "returned from " + describe(functionStart(pc)) + " to the interrupted code";
        });
    }

    /** Runs until pc reaches address, or the current function (or handler) returns. */
    public Stop until(int address) {
        Frames frames = new Frames();
        return resume(false, (pc, w) -> frames.leaves(w) ? "returned before reaching " + describe(address) : null,
                () -> machine().cpu.pc == address);
    }

    /**
     * The frames entered since a command started: calls, and exception handlers and upcalls the
     * kernel delivered (counted at the trap site, {@link #handlerEntries}). A return ends a call;
     * {@code jr k0} ends a handler.
     */
    private final class Frames {
        private int depth;
        private long entries = handlerEntries;

        /** Whether executing w leaves the frame the command started in. */
        boolean leaves(int w) {
            depth += (int) (handlerEntries - entries);
            entries = handlerEntries;
            if (isCall(w)) depth++;
            else if (isReturn(w) || isHandlerReturn(w)) return depth-- == 0;
            return false;
        }
    }

    /** Steps until the source line changes: into calls (into=true) or over them. */
    public Stop stepLine(boolean into) {
        DebugInfo info = target.debugInfo();
        DebugInfo.Location start = info.lineOf(machine().cpu.pc);
        if (start == null) return step(1);
        for (int guard = 0; guard < 10_000_000; guard++) {
            Stop s = into ? step(1) : next(1);
            if (s.kind != Kind.STEPPED && s.kind != Kind.RETURNED) return s;
            DebugInfo.Location now = info.lineOf(machine().cpu.pc);
            if (now != null && !now.equals(start)) return new Stop(Kind.STEPPED, "");
        }
        return new Stop(Kind.STEPPED, "no new source line within 10,000,000 instructions");
    }

    /** Continues until a breakpoint, watchpoint, caught exception, halt or interrupt. */
    public Stop cont() {
        return resume(false, null);
    }

    /** Boots the program afresh and continues. */
    public Stop run() {
        restart();
        streams.showAgain();
        return resume(true, null);
    }

    private Stop resume(boolean checkFirst, StepHook hook) {
        return resume(checkFirst, hook, null);
    }

    /**
     * The one execution loop. Before each instruction: breakpoints (not at the resume point
     * itself), the extra stop condition, and the pre-decoded access for watchpoints; after it:
     * halts, caught exceptions, watch hits and the hook.
     *
     * <p>For {@code continue} under the JIT, the machine stops by itself at breakpoint addresses
     * ({@link Machine#setBreakpoints}, translations end before them) and before any load or
     * store in a page a watchpoint touches ({@link Machine#setWatchedPages}: only those accesses
     * leave the engines' inlined fast path), and the loop runs at engine speed between. A
     * breakpoint stop is checked here as before (its condition, hit count, temporary deletion)
     * and resumed past if it does not hold; the instruction at a watched-page stop is stepped
     * with the exact range check. The interpreter engine keeps the instruction-at-a-time loop.
     */
    private Stop resume(boolean checkFirst, StepHook hook, java.util.function.BooleanSupplier stopBefore) {
        Machine m = machine();
        if (m.isHalted()) return new Stop(Kind.HALTED, "the program is not running: " + target.exitSummary() + " ('run' restarts it)");
        interrupt = false;
        m.takeStopRequest();
        if (caught != null) {
            skipCause = caught;
            skipEpc = m.cpu.epc;
            caught = null;
        }
        boolean first = !checkFirst;
        // The points cannot change while this runs. Watched pages are set for every engine, stepping
        // or not, so the host cache (and its miss count in 'stats') behaves alike in both.
        int[] breakAt = points.unconditionalAddresses(), tested = points.conditionalAddresses(), watched = points.watchedPages();
        RegisterCompare[][] needs = points.necessary(tested);
        m.setWatchedPages(watched);
        boolean fast = hook == null && stopBefore == null && (!points.anyActive() || m.engine() instanceof Jit);
        boolean stepNext = false;
        while (true) {
            if (interrupt) {
                interrupt = false;
                m.takeStopRequest();
                return new Stop(Kind.INTERRUPTED, "interrupted");
            }
            // Changes first: a snapshot at a change's position holds it (see restore).
            makeDueChanges();
            maybeSnapshot();
            int pc = m.cpu.pc;
            // After a stop before a watched access, the breakpoint at the PC was checked (or passed) already.
            if (!first && !stepNext) {
                if (stopBefore != null && stopBefore.getAsBoolean()) return new Stop(Kind.RETURNED, "");
                Breakpoints.Breakpoint b = points.hit(pc, target);
                if (b != null) return new Stop(Kind.BREAKPOINT, "breakpoint " + b.id + " at " + describe(pc), "breakpoint " + b.id);
            }
            first = false;
            long room = roomBeforeChange(1 << 16);
            if (fast && !stepNext && room > 0 && engineSpeedNow(m)) {
                // The PC was checked above (or is the resume point): the machine passes it once.
                setMachineStops(m, breakAt, tested, needs, watched);
                m.resumePastBreakpoint();
                StopReason r = runAtEngineSpeed(m, room);
                skipCause = null;
                // Before an access to a watched page: that one instruction is stepped and checked below.
                stepNext = r == StopReason.WATCHED;
                Stop s = afterRun(r);
                if (s != null) return s;
                continue;
            }
            stepNext = false;
            int w = wordAt(pc);
            String watch = points.watchBefore(pc, w, target, this::describe);
            String hookSays = hook == null ? null : hook.after(pc, w);
            long before = m.cpu.instret;
            StopReason r = stepTracked(m);
            skipCause = null;
            Stop s = afterRun(r);
            if (s != null) return s;
            boolean retired = m.cpu.instret != before;
            if (watch != null && retired) return new Stop(Kind.WATCHPOINT, watch + points.watchAfter(w, target), points.watchHit().point());
            if (hookSays != null) return new Stop(Kind.STEPPED, hookSays);
        }
    }

    /**
     * Whether the next stretch may run at engine speed: outside handlers always; inside one only
     * under the JIT, whose machine stops before each {@code jr k0}, and not at a {@code jr k0}
     * itself, which is stepped so the handler's end is seen.
     */
    private boolean engineSpeedNow(Machine m) {
        if (activations().isEmpty()) return true;
        return m.engine() instanceof Jit && !isHandlerReturn(wordAt(m.cpu.pc));
    }

    /**
     * What the machine stops at by itself while running at engine speed: the addresses of
     * breakpoints without a condition, those where every breakpoint has one (the machine asks
     * {@link #conditionHolds} there, and the JIT asks from inside translated code where the
     * comparisons the condition needs, needs, hold), and the watched pages (each change drops
     * translations or host-cache lines).
     */
    private void setMachineStops(Machine m, int[] breakpoints, int[] conditional, RegisterCompare[][] needs,
            int[] watchedPages) {
        m.setBreakpoints(machineBreakpoints(m, breakpoints), conditional, needs, conditionHolds);
        m.setWatchedPages(watchedPages);
    }

    private final Machine.BreakCondition conditionHolds = this::conditionHolds;

    /**
     * Whether a breakpoint at pc, where every enabled breakpoint has a condition, holds now
     * (the machine stops, and the execution loop counts the hit as at any stop); a hit whose
     * condition fails while reverse-continue counts is counted in {@link #conditionsFalse}, as
     * the loop counts those it evaluates itself.
     */
    private boolean conditionHolds(int pc) {
        if (points.firstHolding(pc, target) != null) return true;
        if (searching && searchStopAt == 0 && machine().cpu.cycles < searchLimit) conditionsFalse++;
        return false;
    }

    /** The machine's breakpoints: the user's, and every {@code jr k0} once a handler has been entered under the JIT. */
    private int[] machineBreakpoints(Machine m, int[] user) {
        returnStops = m.engine() instanceof Jit && handlerEntries > 0;
        if (!returnStops) return user;
        // Asked before every run at engine speed (each handler entry and return under a
        // library OS): the set is built, sorted as the machine keeps it, only when user changes.
        if (!java.util.Arrays.equals(user, stopsFor)) {
            int[] returns = target.debugInfo().handlerReturns();
            int[] all = java.util.Arrays.copyOf(user, user.length + returns.length);
            System.arraycopy(returns, 0, all, user.length, returns.length);
            stopsFor = user.clone();
            stopsWithReturns = java.util.Arrays.stream(all).distinct().sorted().toArray();
        }
        return stopsWithReturns;
    }

    /** The user's breakpoints {@link #stopsWithReturns} was built for (the handler returns are the program's, fixed). */
    private int[] stopsFor, stopsWithReturns;

    /** {@link Machine#run}, stopping early when a handler is entered (see {@link #activations}). */
    private StopReason runAtEngineSpeed(Machine m, long budget) {
        engineSpeed = true;
        try {
            return m.run(budget);
        } finally {
            engineSpeed = false;
        }
    }

    /** One {@link #stepOnce}, ending the innermost activation when it retires {@code jr k0}. */
    private StopReason stepTracked(Machine m) {
        Deque<Activation> stack = running;
        boolean handlerReturn = !stack.isEmpty() && isHandlerReturn(wordAt(m.cpu.pc));
        long before = m.cpu.instret;
        StopReason r = stepOnce(m);
        if (handlerReturn && m.cpu.instret != before) stack.pollFirst();
        return r;
    }

    /**
     * One step as a user sees it: one instruction, or one trap that moved control — into an
     * exception handler or upcall (the step stops at its first instruction), or past a kernel
     * call (at the instruction after it). A trap the kernel resolved by itself and resumed at
     * the same instruction (a TLB refill, a timer tick with no switch) is not a step of its own:
     * the instruction is then retried within the same step. Each event goes through
     * {@link Machine#step}, so a trap is seen where it is delivered, never run past.
     */
    private static StopReason stepOnce(Machine m) {
        while (true) {
            int pc = m.cpu.pc;
            long before = m.cpu.instret;
            StopReason r = m.step();
            if (r != StopReason.BUDGET || m.cpu.instret != before || m.cpu.pc != pc) return r;
        }
    }

    private Stop afterRun(StopReason r) {
        Machine m = machine();
        if (r == StopReason.HALTED) return new Stop(Kind.HALTED, target.exitSummary());
        if (r == StopReason.STOPPED && changeStop && !interrupt) return null; // the loop makes the change next
        if (r == StopReason.STOPPED) {
            if (handlerStop) {
                handlerStop = false;
                if (caught == null && !interrupt) return null;
            }
            if (caught != null) return caughtStop("");
            interrupt = false;
            return new Stop(Kind.INTERRUPTED, "interrupted");
        }
        return null;
    }

    /** The stop at a caught exception, the machine at its EPC: {@code caught tlb-store at epc 0x... <f> (a.s:3), badvaddr 0x...}. */
    private Stop caughtStop(String suffix) {
        Machine m = machine();
        return new Stop(Kind.CAUGHT, String.format("caught %s at epc 0x%08x%s%s%s", caught.shortName, m.cpu.epc, at(m.cpu.epc),
                caught.setsBadVaddr ? String.format(", badvaddr 0x%08x", m.cpu.badVaddr) : "", suffix), "catch " + caught.shortName);
    }

    /** The instruction word at virtual pc, or 0 (an invalid word) if it cannot be fetched. */
    public int wordAt(int pc) {
        int pa = target.translate(pc);
        return pa < 0 || (pc & 3) != 0 ? 0 : machine().memory.readWord(pa);
    }

    static boolean isCall(int w) {
        Opcode op = Decoder.decode(w);
        return (op == Opcode.JAL || op == Opcode.JALR) && Format.a(w) == Register.RA;
    }

    /** {@code jr k0}: how an exception handler or upcall returns (k0 is exception code's, by the ABI). */
    static boolean isHandlerReturn(int w) {
        return Decoder.decode(w) == Opcode.JALR && Format.a(w) == Register.ZERO && Format.b(w) == Register.K0;
    }

    static boolean isReturn(int w) {
        return Decoder.decode(w) == Opcode.JALR && Format.a(w) == Register.ZERO && Format.b(w) == Register.RA;
    }

    private int functionStart(int pc) {
        return target.debugInfo().symbolAt(pc) == null ? pc : target.debugInfo().symbolAddress(pc);
    }

    /** {@code 0x00010010 <main+0x10> (hello.s:7)}. */
    public String describe(int address) {
        return String.format("0x%08x", address) + at(address);
    }

    private String at(int address) {
        DebugInfo info = target.debugInfo();
        String s = info.describe(address);
        DebugInfo.Location l = info.lineOf(address);
        return (s == null ? "" : " <" + s + ">") + (l == null ? "" : " (" + l + ")");
    }

    /** Goes back n instructions: restores the latest snapshot before position - n and re-executes to it. */
    public Stop reverseStep(long n) {
        long to = Math.max(0, position() - n);
        replayTo(to);
        return new Stop(Kind.REVERSED, to == 0 ? "at the start of the program" : "");
    }

    /**
     * Goes back to the most recent earlier event of any kind: a breakpoint that holds, a
     * watchpoint's access or a caught exception, as {@link #cont} would have stopped at them; or
     * to the start if there is none. The stretches between snapshots are searched latest first:
     * each is re-executed from its snapshot counting the events in it (before the current stop),
     * and the first stretch that has any is re-executed once more to its last event. A stretch
     * whose {@link Footprint} shows it cannot hold an event of the points and catches set now is
     * skipped without re-executing it. Ctrl-C ({@link #interrupt}) abandons the search and
     * restores the state it started from exactly.
     */
    public Stop reverseContinue() {
        stretchesSearched = stretchesSkipped = 0;
        instructionsCounted = instructionsApproached = conditionsFalse = 0;
        if (snapshots == null) return reverseContinueFromBoot();
        Machine m = machine();
        long now = position(), nowCycles = m.cpu.cycles;
        Cause caughtHere = caught;
        Footprint here = footprint;
        long hereFrom = footprintFrom;
        Snapshots.Entry home = capture(snapshots.atOrBefore(now));
        interrupt = false;
        m.takeStopRequest();
        long end = now, limit = nowCycles;
        boolean interrupted = false;
        for (Snapshots.Entry from : snapshots.before(now)) {
            if (from.cycles() > nowCycles) continue;
            long[] reach = reach(from.position(), end, limit, here, hereFrom, now, nowCycles);
            if (reach == null) {
                stretchesSkipped++;
                end = from.position();
                limit = from.cycles();
                continue;
            }
            if (interrupted = interrupt) break;
            stretchesSearched++;
            restore(from);
            // A footprint's causes are exact, its words and pages conservative: with only catches
            // set, the last piece that may hold an event holds the last one (or the stop's own trap).
            boolean exact = points.enabledAddresses().length == 0 && points.watchedPages().length == 0;
            Stop found = search(reach[0], reach[1], nowCycles, 0, false, exact ? reach[2] : 0);
            instructionsCounted += position() - from.position();
            if (found != null && searchEvents > 0) {
                // Re-execute to the last event from the latest state the count kept before it.
                long events = searchEvents;
                Snapshots.Entry start = from;
                if (searchRestart != null) {
                    start = searchRestart;
                    events -= searchRestartEvents;
                }
                boolean checked = start != from && searchRestartChecked;
                searchRestart = null;
                restore(start);
                found = search(reach[0], reach[1], nowCycles, events, checked, Long.MAX_VALUE);
                instructionsApproached += position() - start.position();
                if (found != null && found.kind == Kind.REVERSED) {
                    throw new IllegalStateException("re-executing from position " + start.position() + " did not reach event "
                            + events + " again (" + searchEvents + " seen)");
                }
                // Kept as a snapshot: the next reverse command here starts from it, not from the stretch's.
                if (found != null && start != from) snapshots.add(start);
            }
            searchRestart = null;
            if (interrupted = found == null) break;
            if (found.kind != Kind.REVERSED) return found;
            end = from.position();
            limit = from.cycles();
        }
        if (interrupted) {
            restore(home);
            caught = caughtHere;
            // The footprint recorded up to here is still true of the stretch it began.
            footprint = here;
            footprintFrom = hereFrom;
            m.record(here);
            return new Stop(Kind.INTERRUPTED, "interrupted; back where reverse-continue started");
        }
        restoreNearest(0);
        return new Stop(Kind.REVERSED, "no earlier breakpoint, watchpoint or caught exception; at the start of the program");
    }

    /**
     * How far into the execution from position start to end (at cycle limit) reverse-continue
     * must re-execute to see every event it may hold: null if footprints recorded from start
     * chain to end and none can hold one; else the position and cycle count at which the last
     * footprint that may hold one ends (end and limit themselves if the chain breaks before it),
     * and the position at which that footprint begins (where the chain breaks, if it breaks
     * first). here, from hereFrom to now (at nowCycles), is the footprint being recorded.
     */
    private long[] reach(long start, long end, long limit, Footprint here, long hereFrom, long now, long nowCycles) {
        long[] last = null;
        long p = start;
        while (p < end) {
            Snapshots.Stretch s = snapshots.recordedFrom(p);
            if (s == null && here != null && p == hereFrom) s = new Snapshots.Stretch(now, nowCycles, here);
            if (s == null || s.end() <= p || s.end() > end) return new long[] {end, limit, last == null ? p : last[2]};
            if (mayStopIn(s.footprint())) last = s.end() == end ? new long[] {end, limit, p} : new long[] {s.end(), s.endCycles(), p};
            p = s.end();
        }
        return last;
    }

    /** Whether a stretch with footprint f may hold a breakpoint, watched access or caught exception. */
    private boolean mayStopIn(Footprint f) {
        for (int pc : points.enabledAddresses()) if (f.mayReach(pc)) return true;
        for (Cause c : catches) if (f.mayTrap(c)) return true;
        return points.mayBeAccessedIn(f);
    }

    /** The stretches between snapshots the last reverse-continue re-executed, and those it skipped by their footprints. */
    public int stretchesSearched() {
        return stretchesSearched;
    }

    public int stretchesSkipped() {
        return stretchesSkipped;
    }

    /** Instructions the last reverse-continue re-executed counting events in the stretches it searched. */
    public long instructionsCounted() {
        return instructionsCounted;
    }

    /** Breakpoint hits whose condition did not hold, evaluated while the last reverse-continue counted events. */
    public long conditionsFalse() {
        return conditionsFalse;
    }

    /** Instructions the last reverse-continue re-executed after counting, to reach the event it stopped at. */
    public long instructionsApproached() {
        return instructionsApproached;
    }

    /**
     * reverse-continue without snapshots ({@code exo debug --no-snapshots}): the whole execution is the one
     * stretch, re-executed from a fresh boot; Ctrl-C re-executes back to where it started.
     */
    private Stop reverseContinueFromBoot() {
        long now = position(), nowCycles = machine().cpu.cycles;
        interrupt = false;
        machine().takeStopRequest();
        boot();
        Stop found = search(now, nowCycles, nowCycles, 0, false, Long.MAX_VALUE);
        if (found != null && searchEvents > 0) {
            long events = searchEvents;
            boot();
            found = search(now, nowCycles, nowCycles, events, false, Long.MAX_VALUE);
            if (found != null && found.kind != Kind.REVERSED) return found;
        }
        if (found == null) {
            interrupt = false;
            replayTo(now);
            machine().takeStopRequest();
            return new Stop(Kind.INTERRUPTED, "interrupted; back where reverse-continue started");
        }
        replayTo(0);
        return new Stop(Kind.REVERSED, "no earlier breakpoint, watchpoint or caught exception; at the start of the program");
    }

    /**
     * Re-executes from the current state to position end as {@link #cont} would, counting in
     * {@link #searchEvents} the events it would stop at, without changing hit counts: a
     * breakpoint that holds or a caught exception (stops before something runs) if it comes
     * before cycle limit, the next snapshot's, which sees the ones at its own state; a watched
     * access (a stop after its instruction) if the instruction started before end and the stop
     * comes before cycle now, where reverse-continue started. Stops at the event numbered stopAt
     * if stopAt is positive and returns that stop; otherwise returns a {@link Kind#REVERSED}
     * stop at end. Returns null if interrupted. checkedHere says the breakpoints at the state
     * it starts from were checked already (it starts from a {@link #searchRestart}).
     *
     * <p>Counting (stopAt 0), it captures the whole target before a breakpoint or watched access,
     * or after caught exceptions, when the last capture is {@link #tick} or more instructions
     * back, and keeps the latest with an event after it in {@link #searchRestart} with the events
     * before it: the stop is then re-executed from there, not from the stretch's snapshot, so
     * reaching it costs at most about a tick once it is counted (a caught exception: a tick past
     * the capture after the one before it). It captures nothing before position captureFrom,
     * where the footprints show the last event lies after it (counting a catch's exceptions
     * over many pieces, only the last piece needs captures).
     */
    private Stop search(long end, long limit, long now, long stopAt, boolean checkedHere, long captureFrom) {
        Machine m = machine();
        searching = true;
        searchLimit = limit;
        searchEvents = 0;
        searchStopAt = stopAt;
        searchRestart = null;
        replaying = true;
        boolean fast = m.engine() instanceof Jit, stepNext = false;
        int[] breakAt = points.unconditionalAddresses(), tested = points.conditionalAddresses(), watched = points.watchedPages();
        RegisterCompare[][] needs = points.necessary(tested);
        m.setWatchedPages(watched);
        // Counting, every hit whose condition fails is counted: translated code asks at each.
        m.setAskEveryArrival(stopAt == 0);
        long checkedAt = checkedHere ? m.cpu.cycles : -1, capturedAt = m.cpu.instret, countedAtCapture = 0;
        try {
            while (m.cpu.instret < end && !m.isHalted()) {
                if (interrupt) return null;
                int pc = m.cpu.pc;
                boolean checked = m.cpu.cycles == checkedAt;
                Breakpoints.Breakpoint b = null;
                if (!checked && m.cpu.cycles < limit) {
                    checkedAt = m.cpu.cycles;
                    b = points.firstHolding(pc, target);
                    if (b == null && stopAt == 0 && points.conditionalAt(pc)) conditionsFalse++;
                }
                makeDueChanges();
                long room = roomBeforeChange(Math.min(end - m.cpu.instret, 1 << 16));
                boolean engineSpeed = fast && !stepNext && room > 0 && engineSpeedNow(m);
                int w = engineSpeed ? 0 : wordAt(pc);
                Breakpoints.WatchHit hit = engineSpeed ? null : points.watchedBy(pc, w, target, this::describe);
                // Before a breakpoint or watched access here, or after caught exceptions (counted at
                // the trap site, where nothing can be captured) since the last capture.
                boolean eventNear = b != null || hit != null || searchEvents > countedAtCapture;
                if (stopAt == 0 && snapshots != null && eventNear && m.cpu.instret - capturedAt >= tick && m.cpu.instret >= captureFrom) {
                    capturedAt = m.cpu.instret;
                    countedAtCapture = searchEvents;
                    keepRestart();
                    Snapshots.Entry previous = lastCapture != null ? lastCapture : searchRestart != null ? searchRestart : snapshots.atOrBefore(m.cpu.instret);
                    lastCapture = capture(previous);
                    lastCaptureEvents = searchEvents;
                    lastCaptureChecked = checked;
                }
                if (b != null && ++searchEvents == stopAt) {
                    return new Stop(Kind.BREAKPOINT, "breakpoint " + b.id + " at " + describe(pc) + " (reached backwards)", "breakpoint " + b.id);
                }
                StopReason r;
                long before = m.cpu.instret;
                if (engineSpeed) {
                    setMachineStops(m, breakAt, tested, needs, watched);
                    m.resumePastBreakpoint();
                    r = runAtEngineSpeed(m, room);
                    handlerStop = false;
                    stepNext = r == StopReason.WATCHED;
                } else {
                    stepNext = false;
                    r = stepTracked(m);
                }
                if (r == StopReason.STOPPED && caught != null) return caughtStop(" (reached backwards)");
                if (r == StopReason.STOPPED && interrupt) return null;
                if (hit != null && m.cpu.instret != before && m.cpu.cycles < now && ++searchEvents == stopAt) {
                    return new Stop(Kind.WATCHPOINT, hit.report() + points.watchAfter(w, hit.old(), target) + " (reached backwards)",
                            hit.watchpoint().point());
                }
            }
            // The state ending the stretch may lie past traps delivered at its position (its cycle
            // count says): deliver them, as they were before it, so a caught one is counted.
            while (m.cpu.instret == end && m.cpu.cycles < limit && !m.isHalted()) {
                if (interrupt) return null;
                Change c = pendingChange();
                if (c != null && c.position() == end && c.cycles() < limit) {
                    makeDueChanges();
                    continue;
                }
                StopReason r = m.step();
                if (r == StopReason.STOPPED && caught != null) return caughtStop(" (reached backwards)");
            }
            keepRestart();
            return new Stop(Kind.REVERSED, "");
        } finally {
            lastCapture = null;
            searching = false;
            replaying = false;
            m.setAskEveryArrival(false);
        }
    }

    /** The capture a counting search took last becomes its restart state once an event was counted after it. */
    private void keepRestart() {
        if (lastCapture == null || searchEvents <= lastCaptureEvents) return;
        searchRestart = lastCapture;
        searchRestartEvents = lastCaptureEvents;
        searchRestartChecked = lastCaptureChecked;
        lastCapture = null;
    }

    /** The key of the running environment's activations (see {@link #activations}). */
    private String runningKey() {
        for (Map.Entry<String, Deque<Activation>> e : activations.entrySet()) if (e.getValue() == running) return e.getKey();
        return null;
    }

    /** Restores the latest snapshot at or before position and re-executes to it at engine speed. */
    private void replayTo(long position) {
        replaying = true;
        try {
            restoreNearest(position);
            Machine m = machine();
            while (m.cpu.instret < position && !m.isHalted()) {
                makeDueChanges();
                maybeSnapshot();
                long room = roomBeforeChange(Math.min(position - m.cpu.instret, 1 << 16));
                if (room > 0 && engineSpeedNow(m)) {
                    setMachineStops(m, new int[0], new int[0], null, new int[0]);
                    m.resumePastBreakpoint();
                    runAtEngineSpeed(m, room);
                    handlerStop = false;
                } else {
                    stepTracked(m);
                }
            }
            // A change made at this very state is part of it as the user saw it.
            for (Change c = pendingChange(); c != null && c.position() == m.cpu.instret && c.cycles() == m.cpu.cycles && !c.atCatch(); c = pendingChange()) {
                c.apply().accept(target);
                nextChange++;
            }
        } finally {
            replaying = false;
        }
    }
}

package exo.monitor;

import exo.emulator.isa.Decoder;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Register;
import exo.emulator.jit.Jit;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Machine;
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
 * instructions retired, and booting the program afresh with the same recorded console input and
 * running to position p reproduces exactly the state it had at p. Going back therefore means
 * re-executing from the boot, at full engine speed, to the earlier position.
 */
public final class Debugger {
    public enum Kind { STEPPED, BREAKPOINT, WATCHPOINT, CAUGHT, HALTED, INTERRUPTED, RETURNED, REVERSED }

    /** Why execution stopped, and a one-line message for the user. */
    public record Stop(Kind kind, String message) {}

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
        this.factory = factory;
        this.streams = new ReplayStreams(consoleIn, consoleOut);
        boot();
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

    private void boot() {
        target = factory.boot(streams.input(), streams.output());
        trapLog.clear();
        activations.clear();
        returnStops = false;
        running = activations.computeIfAbsent(target.context(), k -> new ArrayDeque<>());
        Machine m = target.machine();
        m.setTrapObserver(new Machine.TrapObserver() {
            private String context;
            private int asid;

            @Override
            public boolean beforeTrap(Machine mm, Cause cause, int epc, int badVaddr) {
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
                        : resumed ? resolved(by) : target.deliveredTo(mm.cpu.pc);
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

    /** What the trap log says of a trap the kernel resolved itself: by which means, when the kernel says (by non-null). */
    private static String resolved(String by) {
        return by == null ? "kernel (resolved, resumed)" : "kernel (" + by + ", resumed)";
    }

    /** Restarts the program from its entry; breakpoints and recorded input are kept. */
    public void restart() {
        replaying = true;
        try {
            boot();
        } finally {
            replaying = false;
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
                s = step(1);
            }
            if (s.kind != Kind.STEPPED && s.kind != Kind.RETURNED) return s;
        }
        return new Stop(Kind.STEPPED, "");
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
     * <p>When enabled breakpoints are the only checks and the engine is the JIT, the machine
     * stops at their addresses itself ({@link Machine#setBreakpoints}, translations end before
     * them) and the loop runs at engine speed; each stop there is checked here as before (its
     * condition, hit count, temporary deletion) and resumed past if it does not hold. The
     * interpreter engine keeps the instruction-at-a-time loop.
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
        boolean fast = hook == null && stopBefore == null
                && (!points.anyActive() || points.onlyBreakpoints() && m.engine() instanceof Jit);
        while (true) {
            if (interrupt) {
                interrupt = false;
                m.takeStopRequest();
                return new Stop(Kind.INTERRUPTED, "interrupted");
            }
            int pc = m.cpu.pc;
            if (!first) {
                if (stopBefore != null && stopBefore.getAsBoolean()) return new Stop(Kind.RETURNED, "");
                Breakpoints.Breakpoint b = points.hit(pc, target);
                if (b != null) return new Stop(Kind.BREAKPOINT, "breakpoint " + b.id + " at " + describe(pc));
            }
            first = false;
            if (fast && engineSpeedNow(m)) {
                // The PC was checked above (or is the resume point): the machine passes it once.
                m.setBreakpoints(machineBreakpoints(m, points.enabledAddresses()));
                m.resumePastBreakpoint();
                StopReason r = runAtEngineSpeed(m, 1 << 16);
                skipCause = null;
                Stop s = afterRun(r);
                if (s != null) return s;
                continue;
            }
            int w = wordAt(pc);
            String watch = points.watchBefore(pc, w, target, this::describe);
            String hookSays = hook == null ? null : hook.after(pc, w);
            long before = m.cpu.instret;
            StopReason r = stepTracked(m);
            skipCause = null;
            Stop s = afterRun(r);
            if (s != null) return s;
            boolean retired = m.cpu.instret != before;
            if (watch != null && retired) return new Stop(Kind.WATCHPOINT, watch + points.watchAfter(w, target));
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

    /** The machine's breakpoints: the user's, and every {@code jr k0} once a handler has been entered under the JIT. */
    private int[] machineBreakpoints(Machine m, int[] user) {
        returnStops = m.engine() instanceof Jit && handlerEntries > 0;
        if (!returnStops) return user;
        int[] returns = target.debugInfo().handlerReturns();
        int[] all = java.util.Arrays.copyOf(user, user.length + returns.length);
        System.arraycopy(returns, 0, all, user.length, returns.length);
        return all;
    }

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
        if (r == StopReason.STOPPED) {
            if (handlerStop) {
                handlerStop = false;
                if (caught == null && !interrupt) return null;
            }
            if (caught != null) {
                return new Stop(Kind.CAUGHT, String.format("caught %s at epc 0x%08x%s%s", caught.shortName, m.cpu.epc,
                        at(m.cpu.epc), caught.setsBadVaddr ? String.format(", badvaddr 0x%08x", m.cpu.badVaddr) : ""));
            }
            interrupt = false;
            return new Stop(Kind.INTERRUPTED, "interrupted");
        }
        return null;
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

    /** Goes back n instructions by re-executing from the boot to position - n. */
    public Stop reverseStep(long n) {
        long to = Math.max(0, position() - n);
        replayTo(to);
        return new Stop(Kind.REVERSED, to == 0 ? "at the start of the program" : "");
    }

    /**
     * Goes back to the most recent earlier breakpoint hit, or to the start if there is none.
     * The execution is replayed from the boot at engine speed, the machine stopping at breakpoint
     * addresses itself (as {@link #cont} does), and each stop whose breakpoint holds is remembered;
     * then a second replay goes to the last one. Ctrl-C ({@link #interrupt}) abandons the search
     * and returns to where it started.
     */
    public Stop reverseContinue() {
        long now = position();
        long last = -1;
        int lastId = 0;
        boolean interrupted = false;
        replaying = true;
        try {
            boot();
            Machine m = machine();
            interrupt = false;
            m.takeStopRequest();
            while (m.cpu.instret < now && !m.isHalted()) {
                if (interrupt) {
                    interrupted = true;
                    break;
                }
                Breakpoints.Breakpoint b = points.firstHolding(m.cpu.pc, target);
                if (b != null) {
                    last = m.cpu.instret;
                    lastId = b.id;
                }
                if (engineSpeedNow(m)) {
                    m.setBreakpoints(machineBreakpoints(m, points.enabledAddresses()));
                    m.resumePastBreakpoint();
                    runAtEngineSpeed(m, now - m.cpu.instret);
                    handlerStop = false;
                } else {
                    stepTracked(m);
                }
            }
        } finally {
            replaying = false;
        }
        if (interrupted) {
            interrupt = false;
            replayTo(now);
            machine().takeStopRequest();
            return new Stop(Kind.INTERRUPTED, "interrupted; back where reverse-continue started");
        }
        if (last < 0) {
            replayTo(0);
            return new Stop(Kind.REVERSED, "no earlier breakpoint hit; at the start of the program");
        }
        replayTo(last);
        return new Stop(Kind.BREAKPOINT, "breakpoint " + lastId + " at " + describe(machine().cpu.pc) + " (reached backwards)");
    }

    private void replayTo(long position) {
        replaying = true;
        try {
            boot();
            Machine m = machine();
            while (m.cpu.instret < position && !m.isHalted()) {
                if (engineSpeedNow(m)) {
                    m.setBreakpoints(machineBreakpoints(m, new int[0]));
                    m.resumePastBreakpoint();
                    runAtEngineSpeed(m, position - m.cpu.instret);
                    handlerStop = false;
                } else {
                    stepTracked(m);
                }
            }
        } finally {
            replaying = false;
        }
    }
}

package exo.baseline;

import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Disk;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Mmu;
import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.emulator.machine.Tlb;
import exo.emulator.machine.TrapHandler;
import exo.os.AsidTable;
import exo.os.BootException;
import exo.os.CostModel;
import exo.os.GuestOs;
import exo.os.KernelOptions;
import exo.os.OutputLines;
import exo.os.ProgramImage;
import exo.os.RunLoop;
import exo.os.RunResult;
import exo.os.Stats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The monolithic baseline: a small Unix-like kernel on the same machine, there to be measured
 * against the exokernel (docs/baseline.md). The kernel owns every abstraction: it walks
 * two-level page tables on TLB misses, demand-zeroes heap and stack, implements mprotect,
 * turns exceptions into signals delivered with a full register frame pushed on the user stack
 * (returned from through sigreturn), and moves bytes through pipes in kernel buffers. It charges
 * guest cycles from the same {@link CostModel} as the exokernel, so comparisons are fair.
 *
 * <p>Use it like the exokernel: {@code new MonoKernel(machine, options)}, {@link #boot},
 * {@link #run}.
 */
public final class MonoKernel implements TrapHandler, GuestOs {
    /** Top of every process's stack; the stack region below it grows on demand. */
    public static final int STACK_TOP = 0x7FFF0000;
    public static final int STACK_MAX = 8 << 20;
    /*
     * The signal frame pushed on the user stack, laid out like a 32-bit Linux rt_sigframe
     * (without floating point): signo, pointers to siginfo and ucontext, the restorer; a 32-word
     * siginfo (signo, errno, code = cause, addr = badvaddr); a ucontext with flags, link, the
     * signal stack, the machine context (pc, r1..r31, cause, badvaddr) and the signal mask.
     */
    static final int FRAME_SIGINFO = 4, SIGINFO_WORDS = 32;
    static final int FRAME_UCONTEXT = FRAME_SIGINFO + SIGINFO_WORDS;
    static final int FRAME_MCONTEXT = FRAME_UCONTEXT + 5;
    static final int FRAME_CAUSE = FRAME_MCONTEXT + 32, FRAME_BADVADDR = FRAME_CAUSE + 1;
    static final int FRAME_SIGMASK = FRAME_BADVADDR + 1;
    static final int FRAME_WORDS = FRAME_SIGMASK + 2;

    final Machine machine;
    final Cpu cpu;
    final KernelOptions options;
    final CostModel cost;
    final Stats stats = new Stats(Cause.CODES, code -> Cause.ofCode(code) == null ? "code " + code : Cause.ofCode(code).shortName);
    /** Physical page frames and every access to user memory. */
    final UserMemory mem;
    private final AsidTable<Process> byAsid;
    private final List<Process> booted = new ArrayList<>();
    private final ArrayDeque<Process> runQueue = new ArrayDeque<>();
    private final UnixCallHandlers calls;
    private final OutputLines lines;
    private final RunLoop runLoop;
    private int nextPid = 1;
    Process current;
    /** The file system on the machine's disk, or null without one. */
    final FileCalls files;
    /** Buffers of the buffer cache (file data), and staging frames for metadata writes. */
    static final int CACHE_BUFFERS = 256;

    public MonoKernel(Machine machine, KernelOptions options) {
        this.machine = machine;
        this.cpu = machine.cpu;
        this.options = options;
        this.cost = new CostModel(machine);
        this.mem = new UserMemory(machine, cost, options.pagesPerEnv());
        this.byAsid = new AsidTable<>(options.maxEnvironments(), cost, machine.tlb);
        this.calls = new UnixCallHandlers(this);
        this.files = machine.disk() == null ? null : mountDisk();
        this.lines = new OutputLines(machine.console(), options.prefixOutput());
        this.runLoop = new RunLoop(machine, cost, stats, lines, this::dispatchFirst, () -> live() > 0, this::outcomes);
        machine.setTrapHandler(this);
    }

    /**
     * Mounts the disk's file system at boot (formatting a zero image) and takes the buffer
     * cache's frames: {@link #CACHE_BUFFERS}, or a quarter of memory if that is less.
     *
     * @throws exo.emulator.machine.DiskException if the image holds another format or is damaged
     */
    private FileCalls mountDisk() {
        MonoFs fs = MonoFs.mount(machine.disk(), cost);
        int n = Math.min(CACHE_BUFFERS, machine.memory.pages() / 4);
        int[] frames = mem.takeFrames(n), staging = mem.takeFrames(BufferCache.STAGING);
        if (frames == null || staging == null) throw new BootException("no memory for the buffer cache");
        return new FileCalls(this, fs, new BufferCache(machine, cost, fs, frames, staging));
    }

    /**
     * Refuses an image too small for the file system.
     *
     * @throws exo.emulator.machine.DiskException CORRUPT, saying so
     */
    public static void requireDiskRoom(exo.emulator.machine.Disk d) {
        MonoFs.requireRoom(d);
    }

    /** Whether boot found a zero image and formatted it (the CLI says so). */
    public boolean formattedDisk() {
        return files != null && files.fs.formatted;
    }

    /** Puts the first runnable process on the CPU unless one is on it; false if none can run. */
    private boolean dispatchFirst() {
        if (current != null) return true;
        boolean started = switchNext();
        if (stats.tracer != null) stats.tracer.onCpu(started ? current.pid : 0);
        return started;
    }

    /** Creates a process from the image, with argc in a0, argv in a1 and the stack below {@link #STACK_TOP}. */
    @Override
    public int boot(ProgramImage image, List<String> args) {
        Process p = newProcess(image.name(), image.symbolizer(), null)
                .orElseThrow(() -> new BootException(image.name() + ": the process table is full (" + options.maxEnvironments() + " processes)"));
        int top = 0;
        for (ProgramImage.Segment s : image.segments()) {
            int prot = ((s.flags() & ProgramImage.READ) != 0 ? Process.PROT_READ : 0) | ((s.flags() & ProgramImage.WRITE) != 0 ? Process.PROT_WRITE : 0)
                    | ((s.flags() & ProgramImage.EXECUTE) != 0 ? Process.PROT_EXEC : 0);
            for (int off = 0; off < s.memSize(); off += PhysicalMemory.PAGE_SIZE) {
                int ppn = mem.mapNew(p, s.vaddr() + off, Process.pteFlags(prot));
                if (ppn == UserMemory.NO_PAGE) throw new BootException(image.name() + ": does not fit in physical memory (" + machine.memory.size() / 1024 + " KiB)");
                int n = Math.min(PhysicalMemory.PAGE_SIZE, s.data().length - off);
                if (n > 0) machine.memory.write(Pages.start(ppn), s.data(), off, n);
            }
            top = Math.max(top, s.vaddr() + Pages.start(Pages.count(s.memSize())));
        }
        p.heapStart = p.brk = top;
        p.stackTop = STACK_TOP;
        p.stackLow = STACK_TOP - STACK_MAX;
        p.regs[Register.SP] = pushArgs(p, args);
        p.pc = image.entry();
        booted.add(p);
        runQueue.add(p);
        if (stats.tracer != null) stats.tracer.created(p.pid, p.name, 0);
        return p.pid;
    }

    /** Lays out argv strings and the argv array at the top of the stack; returns the new sp. */
    private int pushArgs(Process p, List<String> all) {
        int sp = STACK_TOP;
        int[] ptrs = new int[all.size()];
        for (int i = all.size() - 1; i >= 0; i--) {
            byte[] b = (all.get(i) + "\0").getBytes(StandardCharsets.UTF_8);
            sp -= b.length;
            if (!mem.copyOut(p, sp, b, b.length)) throw new BootException("arguments do not fit in memory");
            ptrs[i] = sp;
        }
        sp &= ~15;
        sp -= 4 * (ptrs.length + 1);
        int argv = sp;
        for (int i = 0; i <= ptrs.length; i++) {
            if (!mem.storeWord(p, argv + 4 * i, i < ptrs.length ? ptrs[i] : 0)) throw new BootException("arguments do not fit in memory");
        }
        p.regs[Register.A0] = ptrs.length;
        p.regs[Register.A1] = argv;
        return sp & ~15;
    }

    /** Runs until every process has exited, the instruction limit, or a stop; may be called again. */
    @Override
    public RunResult run(long maxInstructions) {
        return runLoop.run(maxInstructions);
    }

    private List<RunResult.Program> outcomes() {
        List<RunResult.Program> ps = new ArrayList<>();
        for (Process p : booted) {
            ps.add(new RunResult.Program(p.name, p.pid, p.state == Process.State.ZOMBIE, p.diagnostic != null, p.exitStatus, p.diagnostic,
                    p.output.text()));
        }
        return ps;
    }

    private int live() {
        int n = 0;
        for (Process p : byAsid.all()) if (p.state != Process.State.ZOMBIE) n++;
        return n;
    }

    /** The current process's physical address for va, through its page table; no side effects. */
    @Override
    public int peek(int va) {
        Process p = current;
        if (p == null) return UNMAPPED;
        int pte = p.pte(Pages.number(va));
        if ((pte & Process.PTE_PRESENT) == 0 || Process.frameOf(pte) >= machine.memory.pages()) return UNMAPPED;
        return Pages.address(Process.frameOf(pte), Pages.offset(va));
    }

    @Override
    public String context() {
        return current == null ? "-" : "pid " + current.pid;
    }

    @Override
    public Stats stats() {
        return stats;
    }

    @Override
    public int running() {
        return current == null ? 0 : current.pid;
    }

    @Override
    public int freePages() {
        return mem.freePages();
    }

    @Override
    public java.util.Map<String, java.util.function.Supplier<String>> views() {
        return java.util.Map.of("procs", this::processTable);
    }

    /** One line per process: pid, name, state, pages, and its installed signal handlers. */
    private String processTable() {
        StringBuilder b = new StringBuilder();
        for (Process p : processes()) {
            b.append(String.format("%s%s  %s  %d pages  heap 0x%08x-0x%08x%n", p == current ? "* " : "  ", p, p.state.name().toLowerCase(java.util.Locale.ROOT),
                    p.pagesOwned, p.heapStart, p.brk));
            for (Signal sig : Signal.values()) {
                if (p.handlers[sig.number] != 0) b.append(String.format("    %-8s -> 0x%08x%n", sig, p.handlers[sig.number]));
            }
        }
        return b.length() == 0 ? "no processes\n" : b.toString();
    }

    @Override
    public List<String> summary() {
        List<String> l = new ArrayList<>();
        for (Process p : booted) {
            l.add(p.diagnostic != null ? p.diagnostic
                    : p + (p.state == Process.State.ZOMBIE ? " exited with status " + p.exitStatus : " still running"));
        }
        return l;
    }

    /**
     * The trap entry. A TLB miss first takes the refill fast vector (a few instructions that save
     * nothing, like a MIPS kernel's UTLB handler). Everything else takes the generic path of a
     * kernel written in a compiled language: its code may use any register, so it saves the whole
     * user context on entry (SAVE_ALL) and restores it on the way back to user mode (RESTORE_ALL).
     */
    @Override
    public void trap(Machine m, Cause cause, int epc, int badVaddr) {
        cost.charge(CostModel.TRAP_ENTRY);
        Process p = current;
        if (cause == Cause.DISK) {
            diskInterrupt(p);
            return;
        }
        if (p == null) throw new IllegalStateException("trap " + cause + " with no process on the CPU");
        boolean miss = cause == Cause.TLB_MISS_LOAD || cause == Cause.TLB_MISS_STORE || cause == Cause.TLB_MISS_FETCH;
        if (miss) {
            if (refill(p, badVaddr, cause == Cause.TLB_MISS_LOAD ? Mmu.LOAD : cause == Cause.TLB_MISS_STORE ? Mmu.STORE : Mmu.FETCH)) {
                if (stats.tracer != null) stats.tracer.resolved(p.pid, badVaddr, "walk");
                return;
            }
            stats.missesForwarded++;
        }
        cost.charge(CostModel.CONTEXT_WORDS * CostModel.WORD_SAVED);
        switch (cause) {
            case SYSCALL:
                stats.syscalls++;
                calls.dispatch(p, epc);
                break;
            case TIMER:
                preempt(p, epc);
                break;
            default:
                signal(p, miss ? Signal.SIGSEGV : Signal.of(cause), cause, epc, badVaddr);
        }
        if (current != null && !machine.isHalted()) cost.charge(CostModel.CONTEXT_WORDS * CostModel.WORD_RESTORED);
        if (stats.tracer != null) stats.tracer.onCpu(current == null ? 0 : current.pid);
    }

    /**
     * The device interrupt: the buffer cache takes the completion (and a sync moves on), and
     * every process sleeping on what it completed is woken to retry its call. From the idle loop, the
     * first of them is put on the CPU; an interrupted process saves its whole context
     * (SAVE_ALL) and carries on.
     */
    private void diskInterrupt(Process p) {
        if (files == null) throw new IllegalStateException("a disk interrupt on a kernel that mounted no disk");
        if (p != null) cost.charge(CostModel.CONTEXT_WORDS * CostModel.WORD_SAVED);
        if (stats.tracer != null) {
            // The buffer cache asked for every request itself: no process is the asker.
            for (Disk.Completion c : machine.disk().completed()) {
                Disk.Request r = c.request();
                stats.tracer.diskCompleted(0, r.tag(), Disk.opName(r.op()), r.op() == Disk.FLUSH ? -1 : r.block(), c.status() == Disk.OK);
            }
        }
        java.util.List<Object> fired = files.cache.interrupt();
        for (Process q : processes()) {
            if (q.waitsFor != null && fired.contains(q.waitsFor)) {
                q.waitsFor = null;
                wake(q);
            }
        }
        if (p != null) cost.charge(CostModel.CONTEXT_WORDS * CostModel.WORD_RESTORED);
        else switchNext();
        if (stats.tracer != null) stats.tracer.onCpu(current == null ? 0 : current.pid);
    }

    /**
     * Resolves a TLB miss by walking p's page table (two table touches), demand-zeroing heap and
     * stack pages, and writing the TLB; false if the access is not allowed (a signal follows).
     */
    private boolean refill(Process p, int va, int kind) {
        int vpn = Pages.number(va);
        cost.charge(2 * CostModel.TABLE_TOUCH);
        int pte = p.pte(vpn);
        if ((pte & Process.PTE_PRESENT) == 0) {
            if (!p.demandZero(va) || mem.mapNew(p, va, Process.pteFlags(Process.PROT_READ | Process.PROT_WRITE)) == UserMemory.NO_PAGE) return false;
            pte = p.pte(vpn);
        }
        int need = kind == Mmu.LOAD ? Process.PTE_READ : kind == Mmu.STORE ? Process.PTE_WRITE : Process.PTE_EXEC;
        if ((pte & need) == 0) return false;
        machine.tlb.writeReplacing(vpn, p.asid, Process.frameOf(pte), tlbFlags(pte));
        cost.charge(CostModel.TLB_WRITE + CostModel.UPCALL);
        stats.missesFilledWalk++;
        return true;
    }

    static int tlbFlags(int pte) {
        return Tlb.VALID | ((pte & Process.PTE_WRITE) != 0 ? Tlb.WRITABLE : 0) | ((pte & Process.PTE_EXEC) != 0 ? Tlb.EXECUTABLE : 0);
    }

    /**
     * Delivers sig for an exception: pushes the full register frame (pc, r1..r31, cause,
     * badvaddr, signo, mask) on the user stack and enters the handler with a0 = signo,
     * a1 = badvaddr, a2 = frame, a3 = cause and ra = the restorer that calls sigreturn. With no
     * handler, or a fault of the same signal inside its handler, the process is killed.
     */
    void signal(Process p, Signal sig, Cause cause, int epc, int badVaddr) {
        if (!cause.setsBadVaddr) badVaddr = 0; // the register's stale value may be another process's
        cost.charge(CostModel.TABLE_TOUCH);
        int bit = 1 << sig.number;
        String what = describeFault(p, cause, epc, badVaddr);
        if (p.handlers[sig.number] == 0) {
            if (stats.tracer != null) stats.tracer.forwarded(p.pid, sig.toString(), epc, badVaddr, 0);
            kill(p, 128 + sig.number, "killed by " + sig + ": " + what);
            return;
        }
        if ((p.handling & bit) != 0) {
            kill(p, 128 + sig.number, "killed by " + sig + ": " + what + ", raised inside its own " + sig + " handler");
            return;
        }
        int frame = (cpu.regs[Register.SP] - 4 * FRAME_WORDS) & ~15;
        int[] words = new int[FRAME_WORDS];
        words[0] = sig.number;
        words[1] = frame + 4 * FRAME_SIGINFO;
        words[2] = frame + 4 * FRAME_UCONTEXT;
        words[3] = p.restorer;
        words[FRAME_SIGINFO] = sig.number;
        words[FRAME_SIGINFO + 2] = cause.code;
        words[FRAME_SIGINFO + 3] = badVaddr;
        words[FRAME_UCONTEXT + 2] = p.stackLow;
        words[FRAME_UCONTEXT + 4] = p.stackTop - p.stackLow;
        words[FRAME_MCONTEXT] = epc;
        System.arraycopy(cpu.regs, 1, words, FRAME_MCONTEXT + 1, 31);
        words[FRAME_CAUSE] = cause.code;
        words[FRAME_BADVADDR] = badVaddr;
        words[FRAME_SIGMASK] = p.handling;
        for (int i = 0; i < FRAME_WORDS; i++) {
            if (!mem.storeWord(p, frame + 4 * i, words[i])) {
                kill(p, 128 + sig.number, "killed by " + sig + ": " + what + "; the signal frame could not be pushed at 0x" + Integer.toHexString(frame));
                return;
            }
        }
        cost.charge(FRAME_WORDS * CostModel.WORD_SAVED + 6 * CostModel.REG_WRITE + CostModel.UPCALL);
        stats.forwarded[cause.code]++;
        if (stats.tracer != null) stats.tracer.forwarded(p.pid, sig + " (" + cause.shortName + ")", epc, badVaddr, p.handlers[sig.number]);
        p.handling |= bit;
        cpu.regs[Register.SP] = frame;
        cpu.regs[Register.A0] = sig.number;
        cpu.regs[Register.A1] = badVaddr;
        cpu.regs[Register.A2] = frame;
        cpu.regs[Register.A3] = cause.code;
        cpu.regs[Register.RA] = p.restorer;
        cpu.pc = p.handlers[sig.number];
    }

    /**
     * Restores the user context from the frame at sp pushed by {@link #signal}: the ucontext's
     * machine context and signal mask (the handler may have changed the saved pc).
     */
    void sigreturn(Process p) {
        int frame = cpu.regs[Register.SP];
        int[] words = new int[FRAME_WORDS];
        for (int i = FRAME_UCONTEXT; i < FRAME_WORDS; i++) {
            long w = mem.loadWord(p, frame + 4 * i);
            if (w == UserMemory.UNREADABLE) {
                kill(p, 128 + Signal.SIGSEGV.number, "killed by SIGSEGV: sigreturn found no readable frame at 0x" + Integer.toHexString(frame));
                return;
            }
            words[i] = (int) w;
        }
        System.arraycopy(words, FRAME_MCONTEXT + 1, cpu.regs, 1, 31);
        p.handling = words[FRAME_SIGMASK];
        cpu.pc = words[FRAME_MCONTEXT];
        cost.charge((FRAME_WORDS - FRAME_UCONTEXT) * CostModel.WORD_RESTORED + CostModel.UPCALL);
    }

    String describeFault(Process p, Cause cause, int epc, int badVaddr) {
        String sym = p.symbolizer.describe(epc);
        return String.format("%s at epc 0x%08x%s%s", cause.shortName, epc, sym == null ? "" : " <" + sym + ">",
                cause.setsBadVaddr ? String.format(", badvaddr 0x%08x", badVaddr) : "");
    }

    /** A new process under the lowest free ASID, with the console as fds 0, 1 and 2; empty if the table is full. */
    Optional<Process> newProcess(String name, ProgramImage.Symbolizer symbolizer, Process parent) {
        Optional<Process> made = byAsid.add(asid -> {
            Process p = new Process(nextPid++, asid, name, symbolizer == null ? ProgramImage.Symbolizer.NONE : symbolizer, parent);
            for (int fd = 0; fd < 3; fd++) p.fds[fd] = UnixCallHandlers.CONSOLE;
            return p;
        });
        if (stats.tracer != null && parent != null && made.isPresent()) stats.tracer.created(made.get().pid, name, parent.pid);
        return made;
    }

    List<Process> processes() {
        return byAsid.all();
    }

    /** Ends p with status; its pages and descriptors are released, its parent may reap it. */
    void exit(Process p, int status) {
        if (stats.tracer != null) stats.tracer.ended(p.pid, status, p.diagnostic);
        p.exitStatus = status;
        p.state = Process.State.ZOMBIE;
        lines.flush(p.output);
        calls.closeAll(p);
        mem.releasePages(p);
        machine.tlb.flushAsid(p.asid);
        cost.charge(CostModel.TLB_SCAN);
        if (p.parent == null || p.parent.state == Process.State.ZOMBIE) byAsid.remove(p.asid);
        else if (p.parent.state == Process.State.BLOCKED) wake(p.parent);
        for (Process c : processes()) {
            if (c.parent == p && c.state == Process.State.ZOMBIE) byAsid.remove(c.asid);
        }
        if (current == p) {
            current = null;
            if (!switchNext()) machine.halt();
        }
    }

    void kill(Process p, int status, String why) {
        p.diagnostic = p + " " + why;
        exit(p, status);
    }

    void reap(Process child) {
        byAsid.remove(child.asid);
    }

    private void preempt(Process p, int pc) {
        save(p, pc);
        runQueue.add(p);
        current = null;
        switchNext();
    }

    /** Blocks the current process so that its system call (at epc) restarts when it is woken. */
    void block(Process p, int epc) {
        save(p, epc);
        p.state = Process.State.BLOCKED;
        current = null;
        if (!switchNext()) machine.halt();
    }

    /** Adds a runnable process to the end of the run queue. */
    void requeue(Process p) {
        runQueue.add(p);
    }

    void wake(Process p) {
        p.waitsFor = null;
        if (p.state == Process.State.BLOCKED) {
            p.state = Process.State.RUNNABLE;
            runQueue.add(p);
        }
    }

    /**
     * Parks p to resume at pc. Its user registers are already in the trap frame (SAVE_ALL);
     * switching away only saves the kernel's callee-saved registers on its kernel stack.
     */
    void save(Process p, int pc) {
        System.arraycopy(cpu.regs, 0, p.regs, 0, 32);
        p.pc = pc;
        cost.charge(KERNEL_SWITCH_WORDS * CostModel.WORD_SAVED);
    }

    /** Kernel registers a context switch saves and restores: s0..s7, sp and ra. */
    static final int KERNEL_SWITCH_WORDS = 10;

    /** Puts the next runnable process on the CPU; false if none can run (deadlocked ones are killed). */
    boolean switchNext() {
        Process next;
        do next = runQueue.poll(); while (next != null && next.state != Process.State.RUNNABLE);
        if (next == null && files != null && files.cache.busy()) {
            idle();
            return true;
        }
        if (next == null) {
            for (Process p : processes()) {
                if (p.state == Process.State.BLOCKED) kill(p, 128, "killed: every process is blocked (deadlock)");
            }
            return false;
        }
        if (current != next) stats.contextSwitches++;
        current = next;
        machine.setAsid(next.asid);
        System.arraycopy(next.regs, 0, cpu.regs, 0, 32);
        cpu.pc = next.pc;
        cpu.timerCompare = cpu.cycles + options.quantum();
        if (stats.tracer != null) stats.tracer.slice(-1);
        cost.charge(KERNEL_SWITCH_WORDS * CostModel.WORD_RESTORED + CostModel.UPCALL);
        return true;
    }

    /**
     * Nothing can run but the disk is busy: the CPU waits for the next completion. The idle
     * cycles are charged as kernel time (the idle loop), up to the device's completion, where
     * the machine raises the interrupt before any instruction runs.
     */
    private void idle() {
        current = null;
        cpu.disarmTimer();
        long due = machine.disk().due();
        if (due > cpu.cycles) cost.charge((int) (due - cpu.cycles));
    }

    void output(Process p, byte[] b, int len) {
        lines.write(p.output, b, 0, len);
    }

}

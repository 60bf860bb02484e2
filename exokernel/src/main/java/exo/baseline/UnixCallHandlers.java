package exo.baseline;

import exo.emulator.isa.Format;
import exo.emulator.isa.Register;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.os.CostModel;

/**
 * The handlers of {@link UnixCall}, indexed by number. Each reads its arguments from a0..a2,
 * validates every pointer and length against the caller's page table before touching memory,
 * and returns a value or a negated {@link Errno} in a0; the dispatcher resumes after the
 * syscall (or not at all, for exit and calls that block and restart).
 */
final class UnixCallHandlers {
    /** The descriptor object for the console (fds 0, 1 and 2 at start). */
    static final Object CONSOLE = "console";

    /** One end of a pipe, as a descriptor refers to it. */
    record PipeEnd(Pipe pipe, boolean writer) {}

    /** Longest single read or write: larger lengths are cut to this (a short count). */
    static final int MAX_IO = 1 << 16;

    private final MonoKernel k;
    private final Cpu cpu;

    UnixCallHandlers(MonoKernel k) {
        this.k = k;
        this.cpu = k.cpu;
    }

    /**
     * A system call by p; epc is the syscall instruction's address. The trap entered the kernel
     * TRAP_ENTRY and SAVE_ALL's cycles ago: where the trace's record of the call begins.
     */
    void dispatch(Process p, int epc) {
        long start = k.stats.tracer == null ? 0 : cpu.cycles - CostModel.TRAP_ENTRY - CostModel.CONTEXT_WORDS * CostModel.WORD_SAVED;
        UnixCall call = perform(p, epc);
        if (k.stats.tracer != null) {
            k.stats.tracer.kernelCall(p.pid, call == null ? "(no such call)" : call.name, start, k.current != p, cpu.regs[Register.A0], null);
        }
    }

    /** Runs p's call at epc; returns it (null: no such call). */
    private UnixCall perform(Process p, int epc) {
        k.cost.charge(CostModel.SYSCALL_DISPATCH);
        int[] r = cpu.regs;
        // As on the exokernel, the call number is the code field of the syscall instruction.
        long word = k.mem.loadWord(p, epc);
        UnixCall call = word == UserMemory.UNREADABLE ? null : UnixCall.of(Format.code26((int) word));
        int result;
        try {
            if (call == null) throw Errno.ENOSYS.fail();
            switch (call) {
                case EXIT:
                    // As the library OS's exit hook does, exit makes the file system durable first.
                    if (k.files != null) k.files.sync(p);
                    k.exit(p, r[Register.A0]);
                    return call;
                case SIGRETURN: k.sigreturn(p); return call;
                case WRITE: result = write(p, r[Register.A0], r[Register.A1], r[Register.A2]); break;
                case READ: result = read(p, r[Register.A0], r[Register.A1], r[Register.A2]); break;
                case GETPID: result = p.pid; break;
                case SBRK: result = sbrk(p, r[Register.A0]); break;
                case MMAP: result = mmap(p, r[Register.A0], r[Register.A1], r[Register.A2]); break;
                case MUNMAP: result = munmap(p, r[Register.A0], r[Register.A1]); break;
                case MPROTECT: result = mprotect(p, r[Register.A0], r[Register.A1], r[Register.A2]); break;
                case SIGACTION: result = sigaction(p, r[Register.A0], r[Register.A1], r[Register.A2]); break;
                case PIPE: result = pipe(p, r[Register.A0]); break;
                case CLOSE: result = close(p, r[Register.A0]); break;
                case FORK: result = fork(p, epc); break;
                case WAIT: result = waitChild(p, r[Register.A0]); break;
                case YIELD: result = 0; break;
                case OPEN: result = files(p).open(p, r[Register.A0], r[Register.A1]); break;
                case LSEEK: result = files(p).lseek(p, file(p, r[Register.A0], Errno.ESPIPE), r[Register.A1], r[Register.A2]); break;
                case MKDIR: result = files(p).mkdir(p, r[Register.A0]); break;
                case READDIR: result = files(p).readdir(p, file(p, r[Register.A0], Errno.ENOTDIR), r[Register.A1]); break;
                case UNLINK: result = files(p).unlink(p, r[Register.A0]); break;
                case RENAME: result = files(p).rename(p, r[Register.A0], r[Register.A1]); break;
                case STAT: result = files(p).stat(p, r[Register.A0], r[Register.A1]); break;
                case FSYNC: file(p, r[Register.A0], Errno.EINVAL); result = files(p).sync(p); break;
                case SYNC: result = files(p).sync(p); break;
                case FSCK: result = files(p).fsck(p); break;
                default: throw new IllegalStateException("no handler for " + call);
            }
        } catch (Errno.Failure f) {
            result = -f.errno.number;
        } catch (Blocked b) {
            k.block(p, epc);
            return call;
        }
        r[Register.A0] = result;
        cpu.pc = epc + 4;
        k.cost.charge(CostModel.REG_WRITE + CostModel.UPCALL);
        if (call == UnixCall.YIELD) yieldCpu(p);
        return call;
    }

    /** Thrown by a call that must wait; the process blocks and the call restarts when woken. */
    static final class Blocked extends RuntimeException {
        Blocked() {
            super(null, null, false, false);
        }
    }

    /** Gives up the CPU: p goes to the back of the run queue, resuming after its syscall. */
    private void yieldCpu(Process p) {
        k.save(p, cpu.pc);
        k.requeue(p);
        k.current = null;
        k.switchNext();
    }

    /** The file-system calls, or ENODEV on a machine without a disk. */
    private FileCalls files(Process p) {
        if (k.files == null) throw Errno.ENODEV.fail();
        return k.files;
    }

    /** fd's open file; EBADF if fd is not open, notFile if it is a pipe or the console. */
    private FileCalls.OpenFile file(Process p, int fd, Errno notFile) {
        Object f = fd(p, fd);
        if (f instanceof FileCalls.OpenFile o) return o;
        throw notFile.fail();
    }

    private Object fd(Process p, int fd) {
        if (fd < 0 || fd >= Process.MAX_FDS || p.fds[fd] == null) throw Errno.EBADF.fail();
        k.cost.charge(CostModel.TABLE_TOUCH);
        return p.fds[fd];
    }

    private static int checkLength(int len) {
        if (len < 0) throw Errno.EINVAL.fail();
        return Math.min(len, MAX_IO);
    }

    private int write(Process p, int fd, int buf, int len) {
        Object f = fd(p, fd);
        if (f instanceof FileCalls.OpenFile o) return k.files.write(p, o, buf, checkLength(len));
        len = checkLength(len);
        if (f instanceof PipeEnd && !((PipeEnd) f).writer()) throw Errno.EBADF.fail();
        byte[] b = k.mem.copyIn(p, buf, len);
        if (b == null) throw Errno.EFAULT.fail();
        if (f == CONSOLE) {
            k.output(p, b, len);
            return len;
        }
        Pipe pipe = ((PipeEnd) f).pipe();
        if (pipe.readers == 0) throw Errno.EPIPE.fail();
        if (pipe.space() == 0) throw new Blocked();
        int n = Math.min(len, pipe.space());
        for (int i = 0; i < n; i++) pipe.put(b[i]);
        wakeAll();
        return n;
    }

    private int read(Process p, int fd, int buf, int len) {
        Object f = fd(p, fd);
        if (f instanceof FileCalls.OpenFile o) return k.files.read(p, o, buf, checkLength(len));
        len = checkLength(len);
        if (f instanceof PipeEnd && ((PipeEnd) f).writer()) throw Errno.EBADF.fail();
        if (k.mem.userAddress(p, buf, true) == UserMemory.UNMAPPED || (len > 0 && k.mem.userAddress(p, buf + len - 1, true) == UserMemory.UNMAPPED)) {
            throw Errno.EFAULT.fail();
        }
        byte[] b;
        int n = 0;
        if (f == CONSOLE) {
            b = new byte[len];
            while (n < len) {
                int c = k.machine.console().read();
                if (c < 0) break;
                b[n++] = (byte) c;
                if (c == '\n') break;
            }
        } else {
            Pipe pipe = ((PipeEnd) f).pipe();
            if (pipe.available() == 0) {
                if (pipe.writers == 0 || len == 0) return 0;
                throw new Blocked();
            }
            n = Math.min(len, pipe.available());
            b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = pipe.take();
            wakeAll();
        }
        if (!k.mem.copyOut(p, buf, b, n)) throw Errno.EFAULT.fail();
        return n;
    }

    /** Wakes every process blocked on a pipe or wait, so each re-checks its condition. */
    private void wakeAll() {
        for (Process q : k.processes()) k.wake(q);
    }

    private int sbrk(Process p, int increment) {
        int old = p.brk;
        long next = (p.brk & 0xFFFFFFFFL) + increment;
        if (next < (p.heapStart & 0xFFFFFFFFL) || next > ((p.stackLow & 0xFFFFFFFFL) - PhysicalMemory.PAGE_SIZE)) throw Errno.ENOMEM.fail();
        if (increment < 0) {
            for (int vpn = Pages.count(next); vpn < Pages.count(Integer.toUnsignedLong(p.brk)); vpn++) k.mem.unmap(p, vpn);
        }
        p.brk = (int) next;
        return old;
    }

    private int mmap(Process p, int addr, int len, int prot) {
        if (!Pages.aligned(addr) || len <= 0 || (prot & ~7) != 0) throw Errno.EINVAL.fail();
        int pages = Pages.count(Integer.toUnsignedLong(len));
        if (Integer.toUnsignedLong(addr) + (long) pages * PhysicalMemory.PAGE_SIZE > 1L << 32) throw Errno.EINVAL.fail();
        int vpn0 = Pages.number(addr);
        for (int i = 0; i < pages; i++) {
            if ((p.pte(vpn0 + i) & Process.PTE_PRESENT) != 0) throw Errno.EINVAL.fail();
        }
        if (p.pagesOwned + pages > k.options.pagesPerEnv() || !k.mem.hasFreePages(pages)) throw Errno.ENOMEM.fail();
        for (int i = 0; i < pages; i++) k.mem.mapNew(p, Pages.start(vpn0 + i), Process.pteFlags(prot));
        return addr;
    }

    private int munmap(Process p, int addr, int len) {
        if (!Pages.aligned(addr) || len <= 0) throw Errno.EINVAL.fail();
        int pages = Pages.count(Integer.toUnsignedLong(len));
        for (int i = 0; i < pages; i++) {
            k.cost.charge(2 * CostModel.TABLE_TOUCH);
            k.mem.unmap(p, Pages.number(addr) + i);
        }
        return 0;
    }

    /**
     * Changes the protection of every page in [addr, addr+len): the page-table entries are
     * rewritten and any TLB entry for them dropped, so the next access re-walks. All pages must
     * be mapped; a range with a hole changes nothing.
     */
    private int mprotect(Process p, int addr, int len, int prot) {
        if (!Pages.aligned(addr) || len < 0 || (prot & ~7) != 0) throw Errno.EINVAL.fail();
        int pages = Pages.count(Integer.toUnsignedLong(len));
        int vpn0 = Pages.number(addr);
        for (int i = 0; i < pages; i++) {
            k.cost.charge(2 * CostModel.TABLE_TOUCH);
            if ((p.pte(vpn0 + i) & Process.PTE_PRESENT) == 0) throw Errno.ENOMEM.fail();
        }
        for (int i = 0; i < pages; i++) {
            int pte = p.pte(vpn0 + i);
            p.setPte(vpn0 + i, Process.makePte(Process.frameOf(pte), Process.pteFlags(prot)));
            k.cost.charge(CostModel.WORD_SAVED);
            k.mem.invalidateTlb(p, vpn0 + i);
        }
        return 0;
    }

    private int sigaction(Process p, int signo, int handler, int restorer) {
        if (Signal.ofNumber(signo) == null || (handler & 3) != 0 || (restorer & 3) != 0) throw Errno.EINVAL.fail();
        k.cost.charge(CostModel.TABLE_TOUCH + 2 * CostModel.WORD_SAVED);
        int old = p.handlers[signo];
        p.handlers[signo] = handler;
        if (restorer != 0) p.restorer = restorer;
        return old;
    }

    private int pipe(Process p, int fdsPtr) {
        int rfd = -1, wfd = -1;
        for (int i = 0; i < Process.MAX_FDS; i++) {
            if (p.fds[i] != null) continue;
            if (rfd < 0) rfd = i;
            else if (wfd < 0) wfd = i;
        }
        if (wfd < 0) throw Errno.EMFILE.fail();
        if (!k.mem.storeWord(p, fdsPtr, rfd) || !k.mem.storeWord(p, fdsPtr + 4, wfd)) throw Errno.EFAULT.fail();
        Pipe pipe = new Pipe();
        p.fds[rfd] = new PipeEnd(pipe, false);
        p.fds[wfd] = new PipeEnd(pipe, true);
        k.cost.charge(4 * CostModel.TABLE_TOUCH);
        return 0;
    }

    private int close(Process p, int fd) {
        Object f = fd(p, fd);
        release(f);
        p.fds[fd] = null;
        return 0;
    }

    private void release(Object f) {
        if (f instanceof FileCalls.OpenFile o) k.files.closed(o);
        if (f instanceof PipeEnd) {
            PipeEnd e = (PipeEnd) f;
            if (e.writer()) e.pipe().writers--;
            else e.pipe().readers--;
            wakeAll();
        }
    }

    void closeAll(Process p) {
        for (int fd = 0; fd < Process.MAX_FDS; fd++) {
            if (p.fds[fd] != null) release(p.fds[fd]);
            p.fds[fd] = null;
        }
    }

    /** Copies the whole address space eagerly (no copy-on-write: a classic Unix fork). */
    private int fork(Process p, int epc) {
        Process c = k.newProcess(p.name, p.symbolizer, p).orElseThrow(Errno.ESRCH::fail);
        if (p.pagesOwned > k.options.pagesPerEnv() || !k.mem.hasFreePages(p.pagesOwned)) {
            k.exit(c, 0);
            k.reap(c);
            throw Errno.ENOMEM.fail();
        }
        for (int d = 0; d < 1024; d++) {
            int[] t = p.directory[d];
            if (t == null) continue;
            for (int i = 0; i < 1024; i++) {
                if ((t[i] & Process.PTE_PRESENT) == 0) continue;
                int va = Pages.start(d << 10 | i);
                int ppn = k.mem.mapNew(c, va, Process.flagsOf(t[i]));
                byte[] page = new byte[PhysicalMemory.PAGE_SIZE];
                k.machine.memory.read(Pages.start(Process.frameOf(t[i])), page, 0, page.length);
                k.machine.memory.write(Pages.start(ppn), page, 0, page.length);
                k.cost.charge(PhysicalMemory.PAGE_SIZE / 4 * CostModel.WORD_COPIED);
            }
        }
        c.heapStart = p.heapStart;
        c.brk = p.brk;
        c.stackLow = p.stackLow;
        c.stackTop = p.stackTop;
        System.arraycopy(p.handlers, 0, c.handlers, 0, p.handlers.length);
        c.restorer = p.restorer;
        for (int fd = 0; fd < Process.MAX_FDS; fd++) {
            Object f = p.fds[fd];
            c.fds[fd] = f;
            if (f instanceof FileCalls.OpenFile o) o.refs++;
            if (f instanceof PipeEnd) {
                if (((PipeEnd) f).writer()) ((PipeEnd) f).pipe().writers++;
                else ((PipeEnd) f).pipe().readers++;
            }
        }
        System.arraycopy(cpu.regs, 0, c.regs, 0, 32);
        c.regs[Register.A0] = 0;
        c.pc = epc + 4;
        k.cost.charge(CostModel.CONTEXT_WORDS * CostModel.WORD_SAVED);
        k.requeue(c);
        return c.pid;
    }

    private int waitChild(Process p, int statusPtr) {
        boolean any = false;
        for (Process c : k.processes()) {
            if (c.parent != p) continue;
            any = true;
            if (c.state == Process.State.ZOMBIE) {
                if (statusPtr != 0 && !k.mem.storeWord(p, statusPtr, c.exitStatus)) throw Errno.EFAULT.fail();
                k.reap(c);
                return c.pid;
            }
        }
        if (!any) throw Errno.ECHILD.fail();
        throw new Blocked();
    }
}

package exo.baseline;

/**
 * The baseline kernel's system calls: one table, number = ordinal. The number is the code field
 * of the syscall instruction ({@code syscall SYS_WRITE}), as on the exokernel; arguments are in
 * a0..a2, the result in a0 (negative: a negated {@link Errno}). docs/baseline.md is checked against
 * this table; the guest stubs in guest-runtime/src/unix/ use these numbers.
 */
public enum UnixCall {
    EXIT("exit", "status", "does not return"),
    WRITE("write", "fd, buf, len", "EBADF EFAULT EPIPE"),
    READ("read", "fd, buf, len", "EBADF EFAULT"),
    GETPID("getpid", "", "none: the null call"),
    SBRK("sbrk", "increment", "ENOMEM EINVAL"),
    MMAP("mmap", "addr, len, prot", "EINVAL ENOMEM"),
    MUNMAP("munmap", "addr, len", "EINVAL"),
    MPROTECT("mprotect", "addr, len, prot", "EINVAL ENOMEM (a page in the range is not mapped)"),
    SIGACTION("sigaction", "signo, handler, restorer", "EINVAL"),
    SIGRETURN("sigreturn", "", "EFAULT (frame unreadable: the process is killed)"),
    PIPE("pipe", "fds", "EFAULT EMFILE"),
    CLOSE("close", "fd", "EBADF"),
    FORK("fork", "", "ENOMEM ESRCH (process table full)"),
    WAIT("wait", "status", "ECHILD EFAULT"),
    YIELD("yield", "", "none");

    public final String name;
    public final String args;
    public final String errors;

    UnixCall(String name, String args, String errors) {
        this.name = name;
        this.args = args;
        this.errors = errors;
    }

    public int number() {
        return ordinal();
    }

    static UnixCall of(int n) {
        UnixCall[] v = values();
        return n >= 0 && n < v.length ? v[n] : null;
    }
}

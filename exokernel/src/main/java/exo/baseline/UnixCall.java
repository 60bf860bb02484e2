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
    YIELD("yield", "", "none"),
    OPEN("open", "path, flags", "ENODEV EFAULT ENOENT ENOTDIR EISDIR EEXIST EINVAL ENAMETOOLONG EMFILE ENOSPC"),
    LSEEK("lseek", "fd, offset, whence", "EBADF ESPIPE EINVAL"),
    MKDIR("mkdir", "path", "ENODEV EFAULT ENOENT ENOTDIR EEXIST EINVAL ENAMETOOLONG ENOSPC"),
    READDIR("readdir", "fd, dirent", "EBADF ENOTDIR EFAULT"),
    UNLINK("unlink", "path", "ENODEV EFAULT ENOENT ENOTDIR ENOTEMPTY EINVAL ENAMETOOLONG"),
    RENAME("rename", "from, to", "ENODEV EFAULT ENOENT ENOTDIR EISDIR ENOTEMPTY EINVAL ENAMETOOLONG ENOSPC"),
    STAT("stat", "path, stat", "ENODEV EFAULT ENOENT ENOTDIR EINVAL ENAMETOOLONG"),
    FSYNC("fsync", "fd", "EBADF EINVAL (not a file) EIO"),
    SYNC("sync", "", "ENODEV EIO"),
    FSCK("fsck", "", "ENODEV; returns the problems found, printing one line each");

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

package exo.baseline;

/** Error numbers of the baseline kernel; a failing call returns the negated number in a0. */
public enum Errno {
    EPERM(1, "operation not permitted"),
    ENOENT(2, "no such file or directory"),
    ESRCH(3, "no such process"),
    EIO(5, "input/output error: the disk failed"),
    EBADF(9, "bad file descriptor"),
    ECHILD(10, "no child processes"),
    ENOMEM(12, "out of memory"),
    EFAULT(14, "bad address: a pointer argument is not mapped, or not writable where written"),
    EEXIST(17, "file exists"),
    ENODEV(19, "no disk: the machine has none attached"),
    ENOTDIR(20, "not a directory"),
    EISDIR(21, "is a directory"),
    EINVAL(22, "invalid argument"),
    EMFILE(24, "too many open files"),
    EFBIG(27, "file too large"),
    ENOSPC(28, "no space left on the disk (blocks or inodes)"),
    ESPIPE(29, "illegal seek: not a file"),
    EPIPE(32, "write to a pipe with no reader"),
    EDEADLK(35, "every process is blocked"),
    ENAMETOOLONG(36, "a path component is longer than 27 bytes, or a path longer than 1023"),
    ENOSYS(38, "no such system call"),
    ENOTEMPTY(39, "directory not empty");

    public final int number;
    public final String meaning;

    Errno(int number, String meaning) {
        this.number = number;
        this.meaning = meaning;
    }

    /** Thrown by a call's handler; the dispatcher turns it into the negated number in a0. */
    static final class Failure extends RuntimeException {
        final Errno errno;

        Failure(Errno errno) {
            super(errno.name(), null, false, false);
            this.errno = errno;
        }
    }

    Failure fail() {
        return new Failure(this);
    }
}

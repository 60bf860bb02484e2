package exo.baseline;

/** Error numbers of the baseline kernel; a failing call returns the negated number in a0. */
public enum Errno {
    EPERM(1, "operation not permitted"),
    ESRCH(3, "no such process"),
    EBADF(9, "bad file descriptor"),
    ECHILD(10, "no child processes"),
    ENOMEM(12, "out of memory"),
    EFAULT(14, "bad address: a pointer argument is not mapped, or not writable where written"),
    EINVAL(22, "invalid argument"),
    EMFILE(24, "too many open files"),
    EPIPE(32, "write to a pipe with no reader"),
    EDEADLK(35, "every process is blocked"),
    ENOSYS(38, "no such system call");

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

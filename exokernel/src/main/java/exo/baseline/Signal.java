package exo.baseline;

import exo.emulator.machine.Cause;

/** The signals the baseline kernel delivers for exceptions, numbered as in Unix. */
public enum Signal {
    SIGILL(4), SIGTRAP(5), SIGBUS(7), SIGFPE(8), SIGSEGV(11);

    public static final int COUNT = 32;
    public final int number;

    Signal(int number) {
        this.number = number;
    }

    /** The signal an exception becomes when the kernel cannot resolve it itself. */
    static Signal of(Cause c) {
        switch (c) {
            case ILLEGAL: return SIGILL;
            case BREAK: return SIGTRAP;
            case OVERFLOW: case DIV_ZERO: return SIGFPE;
            case ADDR_LOAD: case ADDR_STORE: case ADDR_FETCH: case BUS_ERROR: return SIGBUS;
            default: return SIGSEGV;
        }
    }

    static Signal ofNumber(int n) {
        for (Signal s : values()) if (s.number == n) return s;
        return null;
    }
}

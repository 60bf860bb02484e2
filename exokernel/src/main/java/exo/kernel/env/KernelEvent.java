package exo.kernel.env;

import exo.emulator.machine.Cause;

/**
 * Event codes an environment can install handlers for: the hardware causes (same codes as
 * {@link Cause}) plus the kernel's own events, which are delivered exactly like exceptions
 * (save area, k0/k1, handler PC).
 */
public final class KernelEvent {
    /** The kernel asks for a page back; BADVADDR holds the page number. */
    public static final int REVOKE = 16;
    /** The kernel took a page by force; BADVADDR holds the page number. */
    public static final int REPOSSESS = 17;
    /** Codes 0..COUNT-1: the events take 16 and 17, which {@link Cause} leaves free. */
    public static final int COUNT = Math.max(Cause.CODES, REPOSSESS + 1);

    static {
        if (Cause.ofCode(REVOKE) != null || Cause.ofCode(REPOSSESS) != null) throw new IllegalStateException("a cause took an event's code");
    }

    private KernelEvent() {}

    /** Short name of an event code: the cause's short name, "revoke" or "repossess". */
    public static String name(int code) {
        if (code == REVOKE) return "revoke";
        if (code == REPOSSESS) return "repossess";
        Cause c = Cause.ofCode(code);
        return c == null ? "event " + code : c.shortName;
    }

    /** Whether code names a cause or event a handler can be installed for. */
    public static boolean valid(int code) {
        return code == REVOKE || code == REPOSSESS || (Cause.ofCode(code) != null && code != Cause.SYSCALL.code && code != Cause.TIMER.code);
    }
}

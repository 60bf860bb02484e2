package exo.kernel.env;

import exo.emulator.machine.Cause;

/**
 * Event codes an environment can install handlers for: the hardware causes (same codes as
 * {@link Cause}) plus the kernel's own events, which are delivered exactly like exceptions
 * (save area, k0/k1, handler PC).
 */
public final class KernelEvent {
    /** The kernel asks for a page back; BADVADDR holds the page number. */
    public static final int REVOKE = Cause.CODES;
    /** The kernel took a page by force; BADVADDR holds the page number. */
    public static final int REPOSSESS = Cause.CODES + 1;
    public static final int COUNT = Cause.CODES + 2;

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

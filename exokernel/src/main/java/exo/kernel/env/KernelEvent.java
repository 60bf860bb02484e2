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
    /** The kernel asks for a disk block back; BADVADDR holds the block number. */
    public static final int BLK_REVOKE = 19;
    /** The kernel took a disk block by force; BADVADDR holds the block number. */
    public static final int BLK_REPOSSESS = 20;
    /** Codes 0..COUNT-1: the events take 16, 17, 19 and 20, which {@link Cause} leaves free. */
    public static final int COUNT = Math.max(Cause.CODES, BLK_REPOSSESS + 1);

    static {
        for (int code : new int[] {REVOKE, REPOSSESS, BLK_REVOKE, BLK_REPOSSESS}) {
            if (Cause.ofCode(code) != null) throw new IllegalStateException("a cause took an event's code: " + code);
        }
    }

    private KernelEvent() {}

    /** Short name of an event code: the cause's short name, "revoke", "repossess", "blk-revoke" or "blk-repossess". */
    public static String name(int code) {
        if (code == REVOKE) return "revoke";
        if (code == REPOSSESS) return "repossess";
        if (code == BLK_REVOKE) return "blk-revoke";
        if (code == BLK_REPOSSESS) return "blk-repossess";
        Cause c = Cause.ofCode(code);
        return c == null ? "event " + code : c.shortName;
    }

    /** Whether code is one of the kernel's own events (not a hardware cause). */
    public static boolean isEvent(int code) {
        return code == REVOKE || code == REPOSSESS || code == BLK_REVOKE || code == BLK_REPOSSESS;
    }

    /** Whether code names a cause or event a handler can be installed for. */
    public static boolean valid(int code) {
        return isEvent(code) || (Cause.ofCode(code) != null && code != Cause.SYSCALL.code && code != Cause.TIMER.code);
    }
}

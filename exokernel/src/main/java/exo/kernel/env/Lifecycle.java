package exo.kernel.env;

/**
 * How an environment ends. The kernel implements it, because ending one releases what every
 * subsystem holds for it (pages, slots, revocation requests, TLB entries); the subsystems that
 * end environments (forwarding, scheduling, kernel calls) are given it when they are built.
 */
public interface Lifecycle {
    /** Ends e, which asked to, with an exit status. */
    void exit(Environment e, int status);

    /** Destroys e, recording why in the kernel log and in e's diagnostic; the others keep running. */
    void kill(Environment e, int status, String why);
}

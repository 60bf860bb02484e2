package exo.kernel.error;

/**
 * Every error a kernel call can return, as the negative value the call leaves in {@code a0}
 * (or, for protected control transfers, in {@code k1}). The codes are stable ABI: the guest-side
 * include file and docs/kernel-abi.md are generated from this enum.
 */
public enum KernelError {
    NOSYS(-1, "E_NOSYS", "no kernel call has this number"),
    INVAL(-2, "E_INVAL", "an argument is out of range (cause, slot, flags, length, page or block number)"),
    FAULT(-3, "E_FAULT", "a buffer is not mapped with the needed rights in the caller's TLB, STLB or guaranteed mappings"),
    BADCAP(-4, "E_BADCAP", "the capability is forged, stale (page or block freed or repossessed, environment destroyed) or lacks the rights asked for"),
    BADENV(-5, "E_BADENV", "no live environment has this id"),
    NOMEM(-6, "E_NOMEM", "no free physical page"),
    NOENV(-7, "E_NOENV", "the environment table is full"),
    NOSLOT(-8, "E_NOSLOT", "no free time slice"),
    BUSY(-9, "E_BUSY", "the resource is taken: page, block or slot owned by someone else, page pinned by a guaranteed mapping or a disk request, block with a request in flight, disk queue full, callee inside its exception handler"),
    PERM(-10, "E_PERM", "the caller does not own the resource"),
    LIMIT(-11, "E_LIMIT", "the environment's own limit is reached (pages, guaranteed mappings, pinned pages, its quota of disk blocks)"),
    ALIGN(-12, "E_ALIGN", "an address that must be word- or page-aligned is not"),
    NOTFOUND(-13, "E_NOTFOUND", "no binding or record matches"),
    NOENTRY(-14, "E_NOENTRY", "the callee has no IPC entry point: it does not accept protected control transfers"),
    NOTGUARANTEED(-15, "E_NOTGUARANTEED", "the save area is not inside a writable guaranteed mapping"),
    VERIFY(-16, "E_VERIFY", "a downloaded handler breaks a verifier rule: a1 = the index of the instruction, a2 = the rule (VERIFY_*)"),
    NODEV(-17, "E_NODEV", "the machine has no disk (run with --disk)"),
    NOSPC(-18, "E_NOSPC", "no free block on the disk"),
    IO(-19, "E_IO", "the disk request failed on the host (the image could not be read or written)");

    /** The value returned to the guest. */
    public final int code;
    /** The name of the .equ constant in the guest include file. */
    public final String symbol;
    public final String meaning;

    KernelError(int code, String symbol, String meaning) {
        this.code = code;
        this.symbol = symbol;
        this.meaning = meaning;
    }

    /** The error with this code, or null. */
    public static KernelError ofCode(int code) {
        for (KernelError e : values()) if (e.code == code) return e;
        return null;
    }
}

package exo.emulator.machine;

/**
 * Why the machine left the instruction stream. The code is what the CAUSE control register
 * holds; codes are stable and documented in docs/isa.md.
 */
public enum Cause {
    TLB_MISS_LOAD(1, "tlb-load", "TLB miss on a load: no valid entry for (vpn, ASID)", true),
    TLB_MISS_STORE(2, "tlb-store", "TLB miss on a store", true),
    TLB_MISS_FETCH(3, "tlb-fetch", "TLB miss on an instruction fetch", true),
    PROT_STORE(4, "prot-store", "store to a page whose entry is not writable", true),
    PROT_FETCH(5, "prot-fetch", "fetch from a page whose entry is not executable", true),
    ADDR_LOAD(6, "addr-load", "misaligned load address", true),
    ADDR_STORE(7, "addr-store", "misaligned store address", true),
    ADDR_FETCH(8, "addr-fetch", "misaligned instruction address", true),
    BUS_ERROR(9, "bus", "the entry maps a physical page beyond installed memory", true),
    ILLEGAL(10, "illegal", "the word at PC is not a valid instruction", false),
    OVERFLOW(11, "overflow", "signed overflow in addo, subo or addio", false),
    DIV_ZERO(12, "divzero", "divide or remainder by zero", false),
    SYSCALL(13, "syscall", "the syscall instruction", false),
    BREAK(14, "break", "the break instruction", false),
    TIMER(15, "timer", "the cycle counter reached the timer compare register", false),
    /** Codes 16 and 17 are the kernel's own events (revoke, repossess), fixed in the ABI before the disk existed. */
    DISK(18, "disk", "the block device completed a request (device interrupt)", false);

    /** Number of cause codes, counting the unused code 0 and the kernel events' 16 and 17; sizes per-cause tables. */
    public static final int CODES = 19;
    private static final Cause[] BY_CODE = new Cause[CODES];
    static {
        for (Cause c : values()) BY_CODE[c.code] = c;
    }

    public final int code;
    /** Short lowercase name used on the command line and in the monitor. */
    public final String shortName;
    public final String description;
    /** Whether BADVADDR holds the faulting address for this cause. */
    public final boolean setsBadVaddr;

    Cause(int code, String shortName, String description, boolean setsBadVaddr) {
        this.code = code;
        this.shortName = shortName;
        this.description = description;
        this.setsBadVaddr = setsBadVaddr;
    }

    /** The cause with this code, or null if no cause has it. */
    public static Cause ofCode(int code) {
        return code >= 0 && code < CODES ? BY_CODE[code] : null;
    }

    /** The cause with this short name (case-insensitive), or null. */
    public static Cause ofName(String name) {
        for (Cause c : values()) {
            if (c.shortName.equalsIgnoreCase(name) || c.name().equalsIgnoreCase(name)) return c;
        }
        return null;
    }
}

package exo.emulator.machine;

/**
 * Page arithmetic, named once. Pages are 4 KiB ({@link PhysicalMemory#PAGE_SIZE}); an address
 * is a page number shifted left by {@link PhysicalMemory#PAGE_SHIFT} plus an offset inside the
 * page. The same arithmetic serves virtual pages (vpn) and physical pages (ppn). Addresses are
 * 32-bit and unsigned: page numbers come from an unsigned shift and are 0 to 2^20 - 1.
 */
public final class Pages {
    private Pages() {}

    /** The number of the page holding addr. */
    public static int number(int addr) {
        return addr >>> PhysicalMemory.PAGE_SHIFT;
    }

    /** addr's offset inside its page, 0 to 4095. */
    public static int offset(int addr) {
        return addr & PhysicalMemory.PAGE_MASK;
    }

    /** The address of the first byte of page n. */
    public static int start(int n) {
        return n << PhysicalMemory.PAGE_SHIFT;
    }

    /** The address of byte offset (0 to 4095) of page n. */
    public static int address(int n, int offset) {
        return n << PhysicalMemory.PAGE_SHIFT | offset;
    }

    /** addr rounded down to its page's first byte. */
    public static int floor(int addr) {
        return addr & ~PhysicalMemory.PAGE_MASK;
    }

    /** Whether addr is the first byte of a page. */
    public static boolean aligned(int addr) {
        return (addr & PhysicalMemory.PAGE_MASK) == 0;
    }

    /** How many pages hold bytes bytes (bytes read as unsigned; rounded up). */
    public static int count(long bytes) {
        return (int) ((bytes + PhysicalMemory.PAGE_MASK) >>> PhysicalMemory.PAGE_SHIFT);
    }
}

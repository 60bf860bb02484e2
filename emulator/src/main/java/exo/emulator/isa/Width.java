package exo.emulator.isa;

/** The size of a memory access; the alignment it needs follows from it. */
public enum Width {
    BYTE(1), HALF(2), WORD(4);

    public final int bytes;
    /** Address bits that must be zero: an access whose address has any of them set is misaligned. */
    public final int alignMask;
    /** The bits an access of this width reads or writes, in the low end of a register. */
    public final int valueMask;

    Width(int bytes) {
        this.bytes = bytes;
        this.alignMask = bytes - 1;
        this.valueMask = bytes == 4 ? -1 : (1 << 8 * bytes) - 1;
    }

    /** Whether an access of this width can be misaligned (and so raise an address error). */
    public boolean needsAlignment() {
        return alignMask != 0;
    }
}

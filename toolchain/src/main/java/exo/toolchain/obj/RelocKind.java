package exo.toolchain.obj;

/**
 * How the linker patches a site with the final value S of (target + addend); P is the site's
 * own address. Each kind knows its range so a failure can say the value and the limits.
 */
public enum RelocKind {
    /** 32-bit word = S ({@code .word sym}). */
    ABS32("ABS32"),
    /** imm16 of lui = S >>> 16 ({@code la}, the first instruction). */
    HI16("HI16"),
    /** imm16 of ori = S & 0xFFFF, zero-extended by ori ({@code la}, the second instruction). */
    LO16("LO16"),
    /** Branch word offset = (S - P) / 4, signed 16 bits. */
    BRANCH16("BRANCH16"),
    /** Jump word offset = (S - P) / 4, signed 21 bits ({@code jal}, {@code call}, {@code j}). */
    JUMP21("JUMP21");

    public static final RelocKind[] ALL = values();
    public final String label;

    RelocKind(String label) {
        this.label = label;
    }

    /** Whether the site is an instruction word (4-aligned, patched through the ISA table). */
    public boolean patchesInstruction() {
        return this != ABS32;
    }
}

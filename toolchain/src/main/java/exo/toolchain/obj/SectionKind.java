package exo.toolchain.obj;

import exo.os.ProgramImage;

/**
 * The four sections, in the order the linker lays them out. Each becomes one page-aligned
 * segment with these permissions; {@code .bss} occupies memory but no file bytes.
 */
public enum SectionKind {
    TEXT(".text", ProgramImage.READ | ProgramImage.EXECUTE),
    RODATA(".rodata", ProgramImage.READ),
    DATA(".data", ProgramImage.READ | ProgramImage.WRITE),
    BSS(".bss", ProgramImage.READ | ProgramImage.WRITE);

    public static final SectionKind[] ALL = values();

    /** The directive that selects it, also its name in listings. */
    public final String directive;
    /** Segment permissions, a mask of {@link ProgramImage#READ}, WRITE and EXECUTE. */
    public final int flags;

    SectionKind(String directive, int flags) {
        this.directive = directive;
        this.flags = flags;
    }

    public boolean hasBytes() {
        return this != BSS;
    }

    /** The section selected by a directive like ".data", or null. */
    public static SectionKind ofDirective(String d) {
        for (SectionKind k : ALL) if (k.directive.equals(d)) return k;
        return null;
    }
}

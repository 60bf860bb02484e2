package exo.toolchain.link;

/**
 * Linker settings: where the first segment (text) starts, and which symbol is the entry point.
 * Segments follow in the order text, rodata, data, bss, each starting on a fresh page.
 */
public record LinkOptions(int base, String entry) {
    public static final int DEFAULT_BASE = 0x00010000;
    public static final String DEFAULT_ENTRY = "_start";
    public static final LinkOptions DEFAULT = new LinkOptions(DEFAULT_BASE, DEFAULT_ENTRY);
}

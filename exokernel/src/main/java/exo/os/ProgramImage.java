package exo.os;

import java.util.List;

/**
 * A loaded, validated program as the kernel boots it: segments to place in the new
 * environment's address space, the entry point, and a way to name addresses in diagnostics.
 * The toolchain's loader produces these from executables; the kernel never parses files.
 */
public record ProgramImage(String name, List<Segment> segments, int entry, Symbolizer symbolizer) {
    public static final int READ = 1, WRITE = 2, EXECUTE = 4;

    /**
     * One page-aligned segment: {@code data} fills the first bytes of [vaddr, vaddr + memSize),
     * the rest is zero (.bss). {@code flags} is a mask of READ, WRITE and EXECUTE.
     */
    public record Segment(int vaddr, byte[] data, int memSize, int flags) {}

    /** Names an address for diagnostics, e.g. {@code main+0x10 (hello.s:12)}; null if unknown. */
    @FunctionalInterface
    public interface Symbolizer {
        String describe(int address);

        Symbolizer NONE = a -> null;
    }
}

package exo.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.os.ProgramImage;
import exo.toolchain.exe.Executable;
import exo.toolchain.exe.Loader;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loader accepts what the linker writes and rejects each kind of damage with its own message. */
class LoaderTest {
    private static final int RX = ProgramImage.READ | ProgramImage.EXECUTE, RW = ProgramImage.READ | ProgramImage.WRITE;

    private static Executable good() {
        return Asm.link(Asm.object("p.s", ".globl _start\n_start: nop\nret\n.data\nx: .word 5\n.bss\n.space 64"));
    }

    private static String error(byte[] bytes) {
        try {
            Loader.load("p.exo", bytes);
        } catch (ToolchainException e) {
            return e.format();
        }
        throw new AssertionError("accepted");
    }

    private static String error(Executable exe) {
        return error(exe.write());
    }

    private static Executable with(List<Executable.Segment> segs, int entry) {
        Executable g = good();
        return new Executable(segs, entry, g.symbols(), g.files(), g.lines());
    }

    private static Executable.Segment seg(int vaddr, int mem, int flags, int fileBytes) {
        return new Executable.Segment(vaddr, mem, flags, new byte[fileBytes]);
    }

    @Test
    void loadsWhatTheLinkerWrites() throws Exception {
        ProgramImage img = Loader.load("p.exo", good().write());
        assertEquals(0x10000, img.entry());
        assertEquals(3, img.segments().size());
        ProgramImage.Segment bss = img.segments().get(2);
        assertEquals(64, bss.memSize());
        assertEquals(0, bss.data().length);
        assertEquals(RW, bss.flags());
        assertEquals("_start+0x4 (p.s:3)", img.symbolizer().describe(0x10004));
        assertEquals("x (p.s:5)", img.symbolizer().describe(0x11000));
    }

    @Test
    void headerDamage() {
        byte[] b = good().write();
        byte[] magic = b.clone();
        magic[0] = 'X';
        assertEquals("p.exo: error: invalid executable: not an Exo executable: bad magic number (expected \"EXOX\")\n", error(magic));
        byte[] version = b.clone();
        version[4] = 9;
        assertEquals("p.exo: error: invalid executable: unsupported Exo executable format version 9 (this Exo reads version 1)\n", error(version));
        assertEquals("p.exo: error: invalid executable: too short to be an Exo executable (2 bytes)\n", error(Arrays.copyOf(b, 2)));
    }

    @Test
    void truncationAndTrailingBytes() {
        byte[] b = good().write();
        for (int n = 4; n < b.length; n++) {
            String e = error(Arrays.copyOf(b, n));
            assertTrue(e.startsWith("p.exo: error: invalid executable: truncated at byte ") || e.contains("does not fit in the"), n + ": " + e);
        }
        assertEquals("p.exo: error: invalid executable: 3 unexpected bytes after the line table at byte " + b.length + "\n",
                error(Arrays.copyOf(b, b.length + 3)));
    }

    @Test
    void segmentDamage() {
        assertEquals("p.exo: error: invalid executable: segment 0 at 0x10010 is not page-aligned\n", error(with(List.of(seg(0x10010, 4, RX, 4)), 0x10010)));
        assertEquals("p.exo: error: invalid executable: segment 1 at 0x10000 overlaps segment 0 at 0x10000\n",
                error(with(List.of(seg(0x10000, 8, RX, 8), seg(0x10000, 8, RW, 0)), 0x10000)));
        assertEquals("p.exo: error: invalid executable: segment 1 at 0x11000 overlaps segment 0 at 0x10000\n",
                error(with(List.of(seg(0x10000, 0x1001, RX, 8), seg(0x11000, 8, RW, 0)), 0x10000)));
        assertEquals("p.exo: error: invalid executable: segment 0 at 0x0 (8 bytes) lies outside the user address range 0x1000..0x7fffffff\n",
                error(with(List.of(seg(0, 8, RX, 8)), 0)));
        assertEquals("p.exo: error: invalid executable: segment 0 at 0x7ffff000 (8192 bytes) lies outside the user address range 0x1000..0x7fffffff\n",
                error(with(List.of(seg(0x7ffff000, 8192, RX, 8)), 0x7ffff000)));
        assertEquals("p.exo: error: invalid executable: segment 0 at 0x10000 holds 8 bytes of data but only 4 bytes of memory\n",
                error(with(List.of(seg(0x10000, 4, RX, 8)), 0x10000)));
        assertEquals("p.exo: error: invalid executable: segment 0 at 0x10000 has invalid permissions 0x8\n", error(with(List.of(seg(0x10000, 4, 8, 4)), 0x10000)));
        assertEquals("p.exo: error: invalid executable: segment 0 at 0x10000 is empty\n", error(with(List.of(seg(0x10000, 0, RX, 0)), 0x10000)));
        assertEquals("p.exo: error: invalid executable: the executable has no segments\n", error(with(List.of(), 0x10000)));
    }

    @Test
    void entryDamage() {
        assertEquals("p.exo: error: invalid executable: entry point 0x20000 is not inside any segment\n", error(with(List.of(seg(0x10000, 8, RX, 8)), 0x20000)));
        assertEquals("p.exo: error: invalid executable: entry point 0x10000 is in a segment that is not executable\n", error(with(List.of(seg(0x10000, 8, RW, 8)), 0x10000)));
        assertEquals("p.exo: error: invalid executable: entry point 0x10002 is not a multiple of 4\n", error(with(List.of(seg(0x10000, 8, RX, 8)), 0x10002)));
    }

    @Test
    void corruptCountsDoNotAllocate() {
        byte[] b = good().write();
        // The segment count follows magic (4), version (2), flags (2) and entry (4).
        b[12] = (byte) 0xFF;
        b[13] = (byte) 0xFF;
        b[14] = (byte) 0xFF;
        b[15] = (byte) 0x7F;
        assertTrue(error(b).startsWith("p.exo: error: invalid executable: corrupt count of segments at byte 12: 2147483647 does not fit in the"), error(b));
    }
}

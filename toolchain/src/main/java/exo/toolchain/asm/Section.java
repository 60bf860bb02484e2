package exo.toolchain.asm;

import exo.toolchain.obj.LineEntry;
import exo.toolchain.obj.SectionKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A section being assembled: its bytes so far, alignment, relocations and line table. */
final class Section {
    final SectionKind kind;
    final Sym sym;
    byte[] bytes = new byte[64];
    /** Location counter: bytes (or reserved bytes, in .bss) so far. */
    int size;
    int align = 1;
    final List<PendingReloc> relocations = new ArrayList<>();
    final List<LineEntry> lines = new ArrayList<>();
    private int lastFile = -1, lastLine = -1;

    Section(SectionKind kind) {
        this.kind = kind;
        this.sym = new Sym(kind.directive, true);
        sym.kind = Sym.SECTION;
        sym.section = this;
    }

    /**
     * Reserves n bytes at the end and returns their offset. The caller has checked that the
     * new size is within the section's limit (so it is an int and no buffer grows past it).
     */
    int reserve(int n) {
        int at = size;
        size += n;
        if (kind.hasBytes() && size > bytes.length) bytes = Arrays.copyOf(bytes, (int) Math.max(size, Math.min(2L * bytes.length, Integer.MAX_VALUE)));
        return at;
    }

    void put8(int at, int v) {
        bytes[at] = (byte) v;
    }

    void put16(int at, int v) {
        bytes[at] = (byte) v;
        bytes[at + 1] = (byte) (v >>> 8);
    }

    void put32(int at, int v) {
        bytes[at] = (byte) v;
        bytes[at + 1] = (byte) (v >>> 8);
        bytes[at + 2] = (byte) (v >>> 16);
        bytes[at + 3] = (byte) (v >>> 24);
    }

    /** Records that bytes from offset on come from file:line (only when that changes). */
    void line(int offset, int file, int line) {
        if (file == lastFile && line == lastLine) return;
        lastFile = file;
        lastLine = line;
        lines.add(new LineEntry(offset, file, line));
    }
}

package exo.toolchain.obj;

import java.util.List;

/**
 * One section of an object: its bytes ({@code .bss} has none, only a size), the alignment the
 * linker must give its start, the relocations inside it and its line table (sorted by offset).
 */
public record ObjSection(SectionKind kind, int align, int size, byte[] data, List<Relocation> relocations,
        List<LineEntry> lines) {

    public static ObjSection empty(SectionKind kind) {
        return new ObjSection(kind, 1, 0, new byte[0], List.of(), List.of());
    }

    /** The source line that produced the byte at offset, or null. */
    public LineEntry lineAt(int offset) {
        LineEntry best = null;
        int lo = 0, hi = lines.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            LineEntry e = lines.get(mid);
            if (Integer.compareUnsigned(e.offset(), offset) <= 0) {
                best = e;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }
}

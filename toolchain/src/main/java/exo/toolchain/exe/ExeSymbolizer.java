package exo.toolchain.exe;

import exo.os.ProgramImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Names addresses from an executable's symbols and line table: {@code main+0x10 (hello.s:12)}.
 * Only addresses inside a segment are named, and a symbol or line entry names an address only
 * within its own segment, so a wild pointer is never described as the end of the last function.
 */
public final class ExeSymbolizer implements ProgramImage.Symbolizer {
    private final Executable exe;
    private final List<Executable.Symbol> byAddress;

    public ExeSymbolizer(Executable exe) {
        this.exe = exe;
        List<Executable.Symbol> s = new ArrayList<>();
        for (Executable.Symbol sym : exe.symbols()) if (!sym.absolute() && segmentOf(sym.value()) != null) s.add(sym);
        // At one address a global beats a local, then the alphabetically first, so output is stable.
        s.sort(Comparator.comparingLong((Executable.Symbol x) -> Integer.toUnsignedLong(x.value()))
                .thenComparing(x -> !x.global()).thenComparing(Executable.Symbol::name));
        byAddress = s;
    }

    private Executable.Segment segmentOf(int address) {
        for (Executable.Segment seg : exe.segments()) if (seg.contains(address)) return seg;
        return null;
    }

    /** The symbol at or before address in the same segment, or null. */
    public Executable.Symbol symbolAt(int address) {
        Executable.Segment seg = segmentOf(address);
        if (seg == null) return null;
        long a = Integer.toUnsignedLong(address);
        // Last index whose value is <= a.
        int lo = 0, hi = byAddress.size() - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Integer.toUnsignedLong(byAddress.get(mid).value()) <= a) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) return null;
        // The first entry at that address is the preferred name (globals sort first).
        int v = byAddress.get(found).value();
        while (found > 0 && byAddress.get(found - 1).value() == v) found--;
        Executable.Symbol best = byAddress.get(found);
        return seg.contains(best.value()) ? best : null;
    }

    /** "file.s:12" for the code at address, or null. */
    public String lineAt(int address) {
        Executable.Segment seg = segmentOf(address);
        if (seg == null) return null;
        List<Executable.Line> lines = exe.lines();
        long a = Integer.toUnsignedLong(address);
        int lo = 0, hi = lines.size() - 1;
        Executable.Line best = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Integer.toUnsignedLong(lines.get(mid).address()) <= a) {
                best = lines.get(mid);
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best == null || !seg.contains(best.address())) return null;
        return exe.files().get(best.file()) + ":" + best.line();
    }

    /** The symbol exactly at address, or null: the disassembler's label and target names. */
    public String nameOf(int address) {
        Executable.Symbol s = symbolAt(address);
        return s != null && s.value() == address ? s.name() : null;
    }

    @Override
    public String describe(int address) {
        Executable.Symbol s = symbolAt(address);
        String line = lineAt(address);
        if (s == null && line == null) return null;
        StringBuilder sb = new StringBuilder();
        if (s != null) {
            sb.append(s.name());
            int off = address - s.value();
            if (off != 0) sb.append("+0x").append(Integer.toHexString(off));
        } else {
            sb.append(String.format("0x%08x", address));
        }
        if (line != null) sb.append(" (").append(line).append(')');
        return sb.toString();
    }
}
